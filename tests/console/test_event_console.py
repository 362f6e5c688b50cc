"""A whole event lifecycle in the console: schedule, answer, reminders, check-in,
review by reactions, obligations; then a repeating event that stays unreviewed."""

from __future__ import annotations

from pathlib import Path

from tests.console.test_console import run_console
from tests.support import fresh_database

SCRIPT = """\
alice: !profile set context:"Bournemouth, UK" timezone:Europe/London
!circle create spanish-a2 "Spanish at A2"
bob: !profile set context:"Lagos, Nigeria"
!circle join spanish-a2
carol: !profile set context:"Bournemouth, UK"
!circle join spanish-a2
dan: !profile set context:"Lima, Peru"
!circle join spanish-a2
erin: !profile set context:"Oslo, Norway"
!circle join spanish-a2
alice: !event schedule spanish-a2 "Conversation hour" "2026-12-02 18:00" 90m capacity:3 where:Lab
bob: !event rsvp 2 going
carol: !event rsvp 2 going
dan: !event rsvp 2 maybe
dan: !event rsvp 2 going
erin: !event rsvp 2 going
!event info 2
:advance 9h
:advance 23h
:advance 50m
bob: !event checkin 2
carol: !event checkin 2
dan: !event checkin 2
erin: !event checkin 2
alice: !event checkin 2
!review vote 2 at-level
:advance 1h40m
:as bob
:react m33 ✅
:as carol
:react m33 ✅
:as alice
:react m33 ✅
:as erin
:react m33 ❌
:as dan
:react m33 ✅
:unreact m33 ✅
:react m33 ❌
!review status 2
:advance 30m
!review status 2
bob: !obligations
alice: !obligations
alice: !event schedule spanish-a2 "Reading group" "2026-12-07 18:00" 1h repeat:weekly count:3
!event list
bob: !event rsvp 3 going
!event rsvp 5 going
:advance 4d21h50m
bob: !event checkin 3
:advance 1h40m
:react m53 ✅
!review status 3
alice: !event cancel 5
bob: !event info 4
!obligations
:quit
"""

EXPECTED = [
    # A lead schedules an event with a capacity; the fourth to say going waits.
    "[m12] #general: Event #2 is scheduled: Conversation hour (spanish-a2), Wed 02 Dec 2026 "
    "18:00 UTC, for 1h30m. Hosts: alice. Places: 3; more join a waiting list.",
    "[m16] @dan (private): You are going to #2 Conversation hour on Wed 02 Dec 2026 18:00 UTC.",
    "[m17] @erin (private): #2 Conversation hour is full (3 places), so you are on its waiting "
    "list at position 1.",
    "    Going: 3/3 (bob, carol, dan)",
    "    Waiting: erin",
    # Reminders a day and an hour before, to those coming and the host, in their zones.
    "[m19] @bob: Reminder: #2 Conversation hour (spanish-a2) starts in 24h, at Wed 02 Dec 2026 "
    "18:00 UTC. Where: Lab.",
    "[m22] @alice: Reminder: #2 Conversation hour (spanish-a2) starts in 24h, at Wed 02 Dec "
    "2026 18:00 GMT.",
    "[m23] @bob: Reminder: #2 Conversation hour (spanish-a2) starts in 1h",
    "[m26] @alice: Reminder: #2 Conversation hour (spanish-a2) starts in 1h",
    # Check-in: the waiting member finds no room, the host counts as present.
    "[m27] @bob (private): You are checked in at #2 Conversation hour. Enjoy!",
    "[m29] @dan (private): You are checked in at #2 Conversation hour. Enjoy!",
    "[m30] @erin (private): #2 has no free place (capacity 3) and you didn't say going.",
    "[m31] @alice (private): alice hosts #2; hosts count as present without checking in.",
    "[m32] @alice (private): #2 Conversation hour hasn't ended yet (it ends Wed 02 Dec 2026 "
    "19:30 GMT); its review opens then.",
    # The end posts the review; reactions judge it.
    "[m33] #general: #2 Conversation hour (spanish-a2) has ended: time to review it. Members "
    "who checked in and didn't host (voters so far: 3; hosts: alice) react ✅",
    "[m34] @bob (private): Your ballot on #2 is counted: at level.",
    "[m35] @carol (private): Your ballot on #2 is counted: at level.",
    "[m36] @alice (private): You hosted #2, and hosts don't review their own event; your "
    "ballot doesn't count.",
    "[m37] @erin (private): Only members checked in at #2 may review it, and you weren't "
    "checked in; your ballot doesn't count.",
    "[m39] @dan (private): Your ballot on #2 is withdrawn.",
    "[m40] @dan (private): Your ballot on #2 is counted: below level.",
    "[m41] #general: The review of #2 Conversation hour is open: 3 of 3 voters have voted",
    # Check-in closes, everyone has voted: 2 of 3 at level validates it.
    "[m42] #general: The review of #2 Conversation hour is closed: validated. 2 at level, "
    "1 below, of 3 voters (a verdict needs 2 ballots).",
    "[m43] #general: The review of #2 Conversation hour closed Wed 02 Dec 2026 20:00 UTC: "
    "validated.",
    "[m44] @bob (private): bob, membership year 1 (Tue 01 Dec 2026 09:00 UTC to Wed 01 Dec "
    "2027 09:00 UTC), 364 days left:",
    "    Attended 1 of 4 validated events (3 left).",
    "    Hosted 1 of 2 validated events (1 left).",
    # A repeating event: each occurrence has its own number.
    "    It repeats weekly, 3 times in all: #3, #4, #5 (the last on Mon 21 Dec 2026 18:00 UTC).",
    "    - #5 Reading group (spanish-a2): Mon 21 Dec 2026 18:00 UTC, 1h, 0 going",
    # A late clock sends only the nearest reminder.
    "[m50] @bob: Reminder: #3 Reading group (spanish-a2) starts in 10m",
    "[m53] #general: #3 Reading group (spanish-a2) has ended: time to review it.",
    "[m54] @bob (private): Your ballot on #3 is counted: at level.",
    # One voter can't make a quorum: the event stays unreviewed.
    "[m55] #general: The review of #3 Reading group is closed: unreviewed. 1 at level, 0 below, "
    "of 1 voters (a verdict needs 2 ballots).",
    "[m56] #general: The review of #3 Reading group closed Mon 07 Dec 2026 19:30 UTC: unreviewed.",
    "[m57] #general: Cancelled: #5 Reading group (spanish-a2). Everyone coming has been told.",
    "[m58] @bob: #5 Reading group (spanish-a2) on Mon 21 Dec 2026 18:00 UTC is cancelled by alice.",
    "    Occurrence 2 of a repeating event.",
    "[m60] @bob (private): bob, membership year 1",
]


def check_output(output: str) -> None:
    lines = output.splitlines()
    for want in EXPECTED:
        assert any(line.startswith(want) for line in lines), (want, output)
    # The unreviewed event leaves bob's count where the validated one put it.
    assert output.count("Attended 1 of 4 validated events (3 left).") == 2
    assert "Traceback" not in output


def test_an_event_lifecycle_on_sqlite(tmp_path: Path) -> None:
    check_output(run_console(str(tmp_path / "junto.db"), SCRIPT, tmp_path))


async def test_an_event_lifecycle_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        check_output(run_console(url, SCRIPT, tmp_path))
