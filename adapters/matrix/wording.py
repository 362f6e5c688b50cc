"""What the Matrix adapter itself says: about rooms, not about the community's rules.

The core's replies are message keys rendered in the member's language; these few
texts are about the Matrix side alone (a direct room declined, a room Junto was
removed from), in plain English like the adapter's log lines.
"""

from __future__ import annotations


def cannot_reach_privately(user_id: str) -> str:
    return (
        f"{user_id}: this answer is private, and you declined my direct room, so it "
        "isn't shown here. Start a direct chat with me (or accept my next invite) to "
        "get private answers."
    )


def removed_from_circle_room(circle: str, room_id: str, how: str, by: str | None) -> str:
    who = f" by {by}" if by else ""
    return (
        f"Junto was {how} from the room of the circle {circle} ({room_id}){who}. The "
        "circle's notices and reviews now go to the community's main room; invite "
        "Junto back, or give the circle a room again, to move them."
    )


def removed_from_room(room_id: str, how: str, by: str | None) -> str:
    who = f" by {by}" if by else ""
    return (
        f"Junto was {how} from {room_id}{who}, one of the rooms it serves: commands "
        "said there go unanswered until it is invited back, and the circles that posted "
        "there now post in the community's main room."
    )


def cannot_redact(room_id: str) -> str:
    return (
        f"Junto can't take refused ballots off in {room_id}: it needs the power level "
        "to remove others' messages (redact) there. The refusals are still told privately."
    )
