"""Wording for reputation, journeys, journal notes and a member's own data."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Reputation: a track record, not one number.
    "reputation.record": (
        "**{member}'s track record**\n"
        "• Hosted {hosted} event(s): {validated} judged at level, {below} below, "
        "{unreviewed} without a quorum, {pending} not yet closed "
        "({validated_share} of closed reviews at level)\n"
        "• Rating from attendees: {rating}\n"
        "• Review ballots cast: {ballots}\n"
        "• Hours issued {issued}, delivered {delivered}, outstanding {outstanding}\n"
        "• Redemptions: {confirmed} delivered and confirmed, {open} open, {declined} declined, "
        "{disputed} disputed ({kept_share} of settled requests kept)\n"
        "• Teaching: {teaching}"
    ),
    "reputation.rating": "{average} of 5 from {count} rating(s)",
    "reputation.no_rating": "no ratings yet",
    "reputation.pass_rate": "{rate} of learners passed their assessment ({passed} of {tested})",
    "reputation.no_teaching": "no assessed learners yet",
    # Journeys.
    "journey.page": (
        "**{member}'s learning journey**: moments {first}–{last} of {count} "
        "(page {page} of {pages})\n{lines}{more}"
    ),
    "journey.page_back": (
        "**{member}'s learning journey**, page {page} counting back from the newest\n{lines}{more}"
    ),
    "journey.earlier": "\nEarlier moments: `{prefix}journey {member}page:{page}`",
    "journey.empty": (
        "{member}'s journey has no moments yet. Joining a circle, attending events and "
        "`{prefix}journal add` all start it."
    ),
    "journey.no_page": (
        "There is no page {page}: this journey has {pages} page(s), page 1 being the newest."
    ),
    "journey.line": "{when} · {what}",
    "journey.circle": "joined the circle **{circle}**",
    "journey.circle_lead": "leads the circle **{circle}**",
    "journey.attended": "attended **{title}** (#{number}, {circle}){outcome}",
    "journey.hosted": "hosted **{title}** (#{number}, {circle}){outcome}",
    "journey.outcome.validated": " ✅ judged at level",
    "journey.outcome.below": " ❌ judged below level",
    "journey.outcome.unreviewed": ", closed without a quorum",
    "journey.outcome.in_review": ", review open",
    "journey.ballot": "reviewed **{title}** (#{number}): {verdict}{rating}",
    "journey.ballot_hidden": "reviewed **{title}** (#{number})",
    "journey.verdict.at_level": "at level",
    "journey.verdict.below": "below level",
    "journey.rating": ", rated {rating}/5",
    "journey.issued": "issued {hours} of their time to {other}",
    "journey.delivered": "delivered {hours} of {service} to {other}",
    "journey.received": "received {hours} of {service} from {other}",
    "journey.agreement_learner": "agreed to learn {skill} from {other} (agreement #{number})",
    "journey.agreement_provider": "agreed to teach {skill} (agreement #{number})",
    "journey.assessment_learner_passed": "✅ passed the assessment in {skill}",
    "journey.assessment_learner_failed": "❌ did not pass the assessment in {skill} yet",
    "journey.assessment_provider_passed": "✅ their learner {learner} passed {skill}",
    "journey.assessment_provider_failed": "❌ their learner {learner} did not pass {skill}",
    "journey.badge": "🏅 earned the badge **{name}** (#{number})",
    "journey.note": "📝 {text}",
    # Journal.
    "journal.added": "Noted in your journey ({length} characters). `{prefix}journey` shows it.",
    "journal.empty": "A journal note needs some text: `{prefix}journal add what I learned today`.",
    # Personal data.
    "data.exported": (
        "Here is everything Junto keeps about you: {rows} record(s) from {tables} kinds of "
        "data, as JSON."
    ),
    "data.forget_ask": (
        "Being forgotten replaces your name, profile and accounts with a pseudonym, deletes "
        "your journal and review comments, and takes you out of your circles. Your past "
        "events, ballots and voucher history stay, under the pseudonym, so everyone else's "
        "records still add up. It cannot be undone. To go ahead: `{prefix}data forget confirm`."
    ),
    "data.forgotten": (
        "Done: you are now {pseudonym} here, and you left {circles} circle(s). If you speak "
        "again, you start as a new member."
    ),
    "data.forgotten_reply": "This command's member has been forgotten.",
}
