"""Wording for peer review of events."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Peer review.
    "review.opened": (
        "#{number} {title} ({circle}) has ended: time to review it. Members who checked in "
        "and didn't host (voters so far: {voters}; hosts: {hosts}) react ✅ if it was at level "
        "or ❌ if it was below, or say `{prefix}review vote {number} at-level|below [rating] "
        "[comment]`. Voting closes {closes}, or as soon as everyone has voted."
    ),
    "review.closed": (
        "The review of #{number} {title} is closed: {outcome}. {at_level} at level, {below} "
        "below, of {voters} voters (a verdict needs {quorum} ballots)."
    ),
    "review.counted": "Your ballot on #{number} is counted: {verdict}.{rating}{closes}",
    "review.at_level": "at level",
    "review.below": "below level",
    "review.rating_note": " Rating: {rating}/5.",
    "review.closes_note": (
        " Voting closes {closes}; until then your latest ballot counts, and removing your "
        "reaction withdraws it."
    ),
    "review.withdrawn": "Your ballot on #{number} is withdrawn.",
    "review.no_ballot": "You have no ballot on #{number} to withdraw.",
    "review.not_ended": (
        "#{number} {title} hasn't ended yet (it ends {ends}); its review opens then."
    ),
    "review.cancelled": "#{number} was cancelled, so there is nothing to review.",
    "review.closed_already": "The review of #{number} is closed ({outcome}); ballots are final.",
    "review.closed_late": "Voting on #{number} closed at {closed}; the ballots are being counted.",
    "review.not_member": (
        "Only members of {name} who attended #{number} may review it, and you aren't a member. "
        "Your reaction doesn't count."
    ),
    "review.host": (
        "You hosted #{number}, and hosts don't review their own event; your ballot doesn't "
        "count. The attendees judge it."
    ),
    "review.not_attendee": (
        "Only members checked in at #{number} may review it, and you weren't checked in; "
        "your ballot doesn't count."
    ),
    "review.status_pending": "#{number} {title} hasn't ended; its review opens at {ends}.",
    "review.status_cancelled": "#{number} {title} was cancelled; it has no review.",
    "review.status_open": (
        "The review of #{number} {title} is open: {cast} of {voters} voters have voted, and a "
        "verdict needs {quorum} ballots. It closes {closes}, or when everyone has voted; the "
        "tally is shown then."
    ),
    "review.status_closed": (
        "The review of #{number} {title} closed {closed}: {outcome}. {at_level} at level, "
        "{below} below, of {voters} voters (a verdict needed {quorum}).{ratings}"
    ),
    "review.rating_average": " Average rating {average}/5 (rated by {count}).",
}
