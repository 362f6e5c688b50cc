"""Wording for badges and pathways."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Badges.
    "badge.earned": (
        "🏅 You earned the badge **{name}** (#{number}): {evidence}. "
        "`{prefix}badge export {number}` gives you a signed credential to carry elsewhere."
    ),
    "badge.awarded": (
        "Awarded **{name}** (#{number}) to {member}. They can export it with "
        "`{prefix}badge export {number}`."
    ),
    "badge.awarded_you": (
        "🏅 {by} awarded you the badge **{name}** (#{number}): {evidence}. "
        "`{prefix}badge export {number}` gives you a signed credential."
    ),
    "badge.none": (
        "{member} holds no badges yet. Badges come by themselves from attending and hosting "
        "validated events, reviewing, giving time and passing assessments; `{prefix}pathway` "
        "shows what counts."
    ),
    "badge.list": "{member} holds {count} badge(s):\n{lines}",
    "badge.line": "#{number} **{name}**, {when} ({how}): {evidence}",
    "badge.automatic": "earned",
    "badge.by_lead": "awarded by a lead",
    "badge.unknown": ("There is no badge called {value}. The badges here are: {known}."),
    "badge.not_your_member": (
        "You can only award badges to members of a circle you lead, and {member} is not in "
        "one. Ask one of their circle's leads, or an admin."
    ),
    "badge.already_held": "{member} already holds **{name}**; nothing changed.",
    "badge.not_yours": (
        "#{number} is not one of your badges, so I can't export it. `{prefix}badge list` "
        "shows yours and their numbers."
    ),
    "badge.exported": (
        "Here is **{name}** (#{number}) as a signed Open Badges 3.0 credential, issued by "
        "{issuer}. Anyone can check it with `{prefix}badge verify` or `junto verify FILE`."
    ),
    "badge.valid": (
        "✅ Valid: **{achievement}** awarded to {holder} on {date} by {issuer} ({did})."
    ),
    "badge.invalid": "❌ Not a valid badge credential: {why}",
    "badge.why.not_json": "this is not JSON. Paste or attach the whole credential file.",
    "badge.why.not_open_badge": "this JSON is not an OpenBadgeCredential.",
    "badge.why.no_proof": "it carries no proof (it is unsigned).",
    "badge.why.unknown_cryptosuite": (
        "it is signed with a cryptosuite I don't check ({detail}); I check eddsa-rdfc-2022."
    ),
    "badge.why.issuer_mismatch": (
        "the signing key is not the issuer's own did:key, so the issuer can't be confirmed."
    ),
    "badge.why.tampered": (
        "the signature does not match the content: it was changed after it was signed."
    ),
    "badge.why.unknown_context": (
        "it uses a JSON-LD context I don't carry ({detail}), and I never fetch one."
    ),
    "badge.why.not_json_ld": "its JSON-LD could not be read ({detail}).",
    # Pathway.
    "pathway.progress": (
        "{member}'s pathway: {have} of {size} badges {bar}. Counted: {counted}. "
        "Still open: {missing}."
    ),
    "pathway.complete": (
        "🎓 {member} has completed the pathway: {have} of {size} badges {bar} ({counted})."
    ),
}
