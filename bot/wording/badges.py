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
    "badge.line": "#{number} **{name}**, {when} ({how}): {evidence}{revoked}",
    "badge.line_revoked": " ⛔ revoked on {when}",
    "badge.automatic": "earned",
    "badge.by_lead": "awarded by a lead",
    "badge.unknown": ("There is no badge called {value}. The badges here are: {known}."),
    "badge.automatic_only": (
        "**{name}** comes only from its criteria ({criteria}), so nobody awards it by hand "
        "and nothing changed. Leads award the manual badges: {manual}."
    ),
    "badge.no_manual_classes": (
        "there are none yet; an admin adds one with "
        '`{prefix}admin settings badge_classes "Guide=manual"`'
    ),
    "badge.self_award": (
        "You can't award **{name}** to yourself, and nothing changed. Ask a lead of one of "
        "your circles, or an admin, to look at the work."
    ),
    "badge.no_evidence": (
        "An award needs evidence: say what {member} did, e.g. `{prefix}badge award "
        "@{member} {badge} Ran the March workshop for new members`. Nothing changed."
    ),
    "badge.not_your_member": (
        "You can only award badges to members of a circle you lead, and {member} is not in "
        "one. Ask one of their circle's leads, or an admin."
    ),
    "badge.already_held": "{member} already holds **{name}**; nothing changed.",
    "badge.revoked_before": (
        "{member}'s **{name}** (#{number}) was revoked on {when}, and a revoked badge is not "
        "awarded again; nothing changed."
    ),
    "badge.revoke_unknown": (
        "There is no badge award #{number}. `{prefix}badge list @member` shows a member's "
        "awards and their numbers."
    ),
    "badge.revoke_forbidden": (
        "Only an admin or a trustee may revoke #{number}; a lead may revoke only the manual "
        "awards they made themselves. Nothing changed: ask an admin or a trustee."
    ),
    "badge.already_revoked": (
        "#{number} (**{name}**) was already revoked on {when}; nothing changed."
    ),
    "badge.no_reason": (
        "A revocation needs a reason, which its holder is told: e.g. `{prefix}badge revoke "
        "{number} Awarded to the wrong member`. Nothing changed."
    ),
    "badge.revoked": (
        "Revoked **{name}** (#{number}) of {member}: {reason}. {member} has been told, and "
        "{credentials} exported credential(s) of it now check as revoked."
    ),
    "badge.revoked_you": (
        "⛔ {by} revoked your badge **{name}** (#{number}): {reason}. Its credentials, and any "
        "pathway credential resting on it, now check as revoked."
    ),
    "badge.not_yours": (
        "#{number} is not one of your badges, so I can't export it. `{prefix}badge list` "
        "shows yours and their numbers."
    ),
    "badge.export_revoked": (
        "#{number} (**{name}**) was revoked on {when}, so there is no credential to export."
    ),
    "badge.exported": (
        "Here is **{name}** (#{number}) as a signed Open Badges 3.0 credential, issued by "
        "{issuer}. Anyone can check it with `{prefix}badge verify` or `junto verify FILE`."
    ),
    "badge.pathway_incomplete": (
        "Your pathway is not complete yet ({have} of {size} badges), so there is no pathway "
        "credential to export; `{prefix}pathway` shows what is still open."
    ),
    "badge.pathway_exported": (
        "🎓 Here is your completed pathway as a signed Open Badges 3.0 credential, issued by "
        "{issuer}, naming the {count} badges it rests on: {names}."
    ),
    "badge.valid": (
        "✅ Valid: **{achievement}** awarded to {holder} on {date} by {issuer} ({did}).\n{lines}"
    ),
    "badge.not_valid": (
        "❌ Not valid here: **{achievement}** for {holder}, from {issuer}.\n{lines}"
    ),
    "badge.signature_intact": "• Signature: intact (eddsa-rdfc-2022, signed by {did}).",
    "badge.dates_current": "• Dates: valid from {start}{until}.",
    "badge.until": " until {date}",
    "badge.dates_not_yet_valid": "• Dates: not yet valid; it is valid only from {start}.",
    "badge.dates_expired": "• Dates: expired on {end}.",
    "badge.dates_unreadable": "• Dates: its validFrom or validUntil is not a date and time.",
    "badge.issuer_own": "• Issuer: issued by this community ({did}).",
    "badge.issuer_trusted": "• Issuer: issued by {name} (a community this one trusts), {did}.",
    "badge.issuer_unknown": "• Issuer: issued by an issuer this community does not know: {did}.",
    "badge.status_none": "• Status: it carries no status entry, so a revocation would not show.",
    "badge.status_active": "• Status: not revoked, by this community's records.",
    "badge.status_active_list": "• Status: not revoked, by the status list of {date}.",
    "badge.status_revoked": "• Status: ⛔ revoked on {when}.",
    "badge.status_revoked_list": "• Status: ⛔ revoked, by the status list of {date}.",
    "badge.status_unchecked": (
        "• Status: not checked; its status list ({detail}) is not held here. `junto verify "
        "--status FILE` checks it against a copy of that list."
    ),
    "badge.status_other_list": (
        "• Status: not checked; the status list given is {detail}, not the one this "
        "credential names."
    ),
    "badge.status_foreign_list": (
        "• Status: not checked; the status list given is signed by {detail}, not by this "
        "credential's issuer."
    ),
    "badge.status_unlisted": "• Status: unknown ({detail}), so it is not called valid.",
    "badge.invalid": "❌ Not a valid badge credential: {why}",
    "badge.why.not_json": "this is not JSON. Paste or attach the whole credential file.",
    "badge.why.not_open_badge": "this JSON is not an OpenBadgeCredential.",
    "badge.why.no_proof": "it carries no proof (it is unsigned).",
    "badge.why.unknown_cryptosuite": (
        "it is signed with a cryptosuite I don't check ({detail}); I check eddsa-rdfc-2022."
    ),
    "badge.why.issuer_mismatch": (
        "the signing key is not the issuer's own, so the issuer can't be confirmed."
    ),
    "badge.why.unresolvable_key": (
        "it is signed by {detail}, a key I could only look up online; Junto checks offline."
    ),
    "badge.why.bad_status": "its status entry can't be read ({detail}).",
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
