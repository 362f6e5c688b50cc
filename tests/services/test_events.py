"""Events: scheduling, repeats, RSVP and the waiting list, check-in, reminders, changes,
and the iCalendar export, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select

from adapters.app import App
from bot.rendering import Style, render
from storage.tables.events import event_attendees, event_hosts, events
from storage.tables.jobs import jobs
from storage.tables.reviews import review_ballots
from tests.support import Community

PEOPLE = [
    ("alice", "Bournemouth, UK"),
    ("bob", "Lagos, Nigeria"),
    ("carol", "Bournemouth, UK"),
    ("dan", "Lima, Peru"),
]
# The event most tests use: #2, the day after the clock's start, 18:00 to 19:30 UTC.
EVENT_START = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
SCHEDULE = '!event schedule spanish-a2 "Conversation hour" "2026-12-02 18:00" 90m'


async def active_circle(community: Community, *extra: tuple[str, str]) -> None:
    """spanish-a2 (#1), led by alice, active with bob, carol and dan (and any extra)."""
    await community.people(*PEOPLE, *extra)
    await community.ok("alice", '!circle create spanish-a2 "Spanish at A2"')
    for name, _ in [*PEOPLE[1:], *extra]:
        await community.ok(name, "!circle join spanish-a2")


Notices = list[tuple[str, str]]


async def due(app: App) -> Notices:
    """Run what fell due, and render each notice as its reader sees it."""
    notices = await app.core.run_due()
    return [
        (f"{a.kind}:{a.external_id}", render(n.reply, Style(ZoneInfo(a.timezone))))
        for n in notices
        for a in n.addresses
    ]


async def advance_to(app: App, moment: datetime) -> Notices:
    app.clock.advance(moment - app.clock.now())
    return await due(app)


async def advance(app: App, **span: float) -> Notices:
    app.clock.advance(timedelta(**span))
    return await due(app)


async def counts(app: App) -> dict[str, int]:
    """Row counts of every events table, to show a refusal changed nothing."""
    found = {}
    async with app.engine.connect() as conn:
        for table in (events, event_hosts, event_attendees, review_ballots, jobs):
            query = select(func.count()).select_from(table)
            found[table.name] = int((await conn.execute(query)).scalar_one())
    return found


def to(who: str, notices: Notices) -> list[str]:
    return [text for where, text in notices if where == who]


async def test_scheduling_shows_each_reader_their_own_zone(community: Community, app: App) -> None:
    await active_circle(community)
    await community.ok("bob", "!profile set timezone:Asia/Tokyo")
    await community.ok("alice", "!profile set timezone:America/New_York")
    # alice types 13:00 in New York, which is 18:00 UTC.
    scheduled = await community.ok(
        "alice", '!event schedule spanish-a2 "Conversation hour" "2026-12-02 13:00" 90m'
    )
    assert scheduled.key == "event.scheduled"
    anchor = scheduled.outcome.reply.anchor
    assert anchor is not None and anchor.kind == "event"  # adapters hang RSVP buttons on it
    assert "Event #2 is scheduled: Conversation hour (spanish-a2), Wed 02 Dec 2026 18:00 UTC" in (
        scheduled.text
    )
    assert "Hosts: alice." in scheduled.text
    going = await community.ok("bob", "!event rsvp 2 going")
    assert going.private and "Thu 03 Dec 2026 03:00 JST" in going.text
    # bob's own "18:00" is Tokyo time.
    await community.ok("alice", "!circle lead spanish-a2 @bob")
    tokyo = await community.ok("bob", '!event schedule spanish-a2 Grammar "2026-12-03 18:00" 1h')
    assert "Thu 03 Dec 2026 09:00 UTC" in tokyo.text
    info = await community.ok("carol", "!event info 3")
    assert "When: Thu 03 Dec 2026 09:00 UTC to Thu 03 Dec 2026 10:00 UTC (1h)" in info.text


async def test_the_duration_may_be_an_end_time(community: Community) -> None:
    await active_circle(community)
    said = await community.ok(
        "alice", '!event schedule spanish-a2 Talk "2026-12-02 18:00" 20:15 capacity:5'
    )
    assert "for 2h15m" in said.text and "Places: 5" in said.text
    said = await community.ok(
        "alice", '!event schedule spanish-a2 Talk "2026-12-02 18:00" "2026-12-02 19:00"'
    )
    assert "for 1h" in said.text


async def test_only_leads_and_admins_schedule(community: Community, app: App) -> None:
    await active_circle(community)
    before = await counts(app)
    refused = await community.say("bob", SCHEDULE)
    assert refused.key == "circle.not_lead" and refused.private
    assert await counts(app) == before
    # carol is not a lead; once made admin she may schedule, naming a member as host.
    await community.ok("alice", "!admin role @carol admin")
    await community.ok("carol", "!circle leave spanish-a2")
    refused = await community.say("carol", SCHEDULE)
    assert refused.key == "event.scheduler_not_member"
    said = await community.ok("carol", SCHEDULE + " hosts:@bob,@dan")
    assert "Hosts: bob, dan." in said.text


async def test_hosts_must_be_members_of_the_circle(community: Community, app: App) -> None:
    await active_circle(community, ("erin", "Lima, Peru"))
    await community.ok("zed", "!profile show")
    before = await counts(app)
    refused = await community.say("alice", SCHEDULE + " @bob,@zed")
    assert refused.key == "event.host_not_member"
    assert "zed is not a member of spanish-a2" in refused.text
    refused = await community.say("alice", SCHEDULE + " @nobody")
    assert refused.key == "member.unknown"
    assert await counts(app) == before
    said = await community.ok("alice", SCHEDULE + ' "@bob @erin"')
    assert "Hosts: bob, erin." in said.text


async def test_repeating_events_get_a_number_each(community: Community, app: App) -> None:
    await active_circle(community)
    await community.ok("alice", "!profile set timezone:Europe/London")
    said = await community.ok("alice", SCHEDULE + " repeat:weekly count:4 capacity:3")
    assert "It repeats weekly, 4 times in all: #2, #3, #4, #5" in said.text
    listed = await community.ok("bob", "!event list")
    assert listed.text.count("Conversation hour") == 4
    assert "- #5 Conversation hour (spanish-a2): Wed 23 Dec 2026 18:00 UTC, 1h30m, 0/3 going" in (
        listed.text
    )
    info = await community.ok("bob", "!event info 4")
    assert "Occurrence 3 of a repeating event." in info.text
    monthly = await community.ok(
        "alice", '!event schedule spanish-a2 Book "2027-01-31 10:00" 1h repeat:monthly count:3'
    )
    # 10:00 in London is 09:00 UTC once summer time starts.
    assert "#6, #7, #8 (the last on Wed 31 Mar 2027 09:00 UTC)" in monthly.text
    assert "Sun 28 Feb 2027" in (await community.ok("bob", "!event info 7")).text
    fortnightly = await community.ok(
        "alice", '!event schedule spanish-a2 Walk "2027-03-20 10:00" 1h repeat:fortnightly count:2'
    )
    # London moves to summer time on 28 March: 10:00 local stays 10:00 local.
    assert "the last on Sat 03 Apr 2027 09:00 UTC" in fortnightly.text

    # Cancelling "following" stops the rest of a series; earlier ones stay.
    cancelled = await community.ok("alice", "!event cancel 3 following")
    assert "Cancelled: #3, #4, #5 Conversation hour" in cancelled.text
    listed = await community.ok("bob", "!event list spanish-a2")
    assert "#2 Conversation hour" in listed.text and "#3 " not in listed.text
    assert (await community.ok("bob", "!event info 4")).text.startswith(
        "#4 Conversation hour (spanish-a2): cancelled"
    )


async def test_capacity_fills_then_waits_first_come_first_served(
    community: Community, app: App
) -> None:
    await active_circle(community, ("erin", "Lima, Peru"))
    await community.ok("alice", SCHEDULE + " capacity:2")
    assert (await community.ok("bob", "!event rsvp 2 going")).key == "event.rsvp_going"
    assert (await community.ok("carol", "!event rsvp #2 going")).key == "event.rsvp_going"
    waiting = await community.ok("dan", "!event rsvp 2 going")
    assert waiting.key == "event.rsvp_waiting" and "position 1" in waiting.text
    second = await community.ok("erin", "!event rsvp 2 going")
    assert "position 2" in second.text
    again = await community.ok("erin", "!event rsvp 2 going")
    assert again.key == "event.still_waiting" and "position 2" in again.text
    info = await community.ok("alice", "!event info 2")
    assert "Going: 2/2 (bob, carol)" in info.text and "Waiting: dan, erin" in info.text

    # carol steps back: dan, first in the queue, gets her place and is told.
    stepped = await community.ok("carol", "!event rsvp 2 no")
    assert stepped.key == "event.rsvp_no"
    assert to("member:dan", stepped.notices) == [
        "A place freed up at #2 Conversation hour on Wed 02 Dec 2026 18:00 UTC, and it is "
        "yours: you are going. Can't make it after all? Say `!event rsvp 2 no`."
    ]
    info = await community.ok("alice", "!event info 2")
    assert "Going: 2/2 (bob, dan)" in info.text and "Waiting: erin" in info.text
    # Saying maybe from the waiting list gives up the place in the queue.
    await community.ok("erin", "!event rsvp 2 maybe")
    info = await community.ok("alice", "!event info 2")
    assert "Waiting: -" in info.text and "Maybe: erin" in info.text
    # A larger capacity admits whoever waits.
    await community.ok("carol", "!event rsvp 2 going")
    edited = await community.ok("alice", "!event edit 2 capacity:3")
    assert to("member:carol", edited.notices)[0].startswith("A place freed up at #2")


async def test_a_zero_capacity_event_only_has_a_waiting_list(community: Community) -> None:
    await active_circle(community)
    await community.ok("alice", SCHEDULE + " capacity:0")
    assert (await community.ok("bob", "!event rsvp 2 going")).key == "event.rsvp_waiting"


async def test_concurrent_answers_never_overfill_an_event(community: Community) -> None:
    import asyncio

    names = [f"m{i}" for i in range(10)]
    await active_circle(community, *((n, f"Town {i}") for i, n in enumerate(names)))
    await community.ok("alice", SCHEDULE + " capacity:4")
    results = await asyncio.gather(*(community.say(n, "!event rsvp 2 going") for n in names))
    keys = [r.key for r in results]
    assert keys.count("event.rsvp_going") == 4 and keys.count("event.rsvp_waiting") == 6
    positions = sorted(
        int(r.outcome.reply.params["position"]) for r in results if r.key == "event.rsvp_waiting"
    )
    assert positions == list(range(1, 7))


async def test_rsvp_refusals_change_nothing(community: Community, app: App) -> None:
    await active_circle(community)
    await community.ok("zed", "!profile show")
    await community.ok("alice", SCHEDULE)
    await community.ok("alice", '!event schedule spanish-a2 Gone "2026-12-03 18:00" 1h')
    await community.ok("alice", "!event cancel 3")
    before = await counts(app)
    cases = {
        ("zed", "!event rsvp 2 going"): "event.not_circle_member",
        ("alice", "!event rsvp 2 going"): "event.host_rsvp",
        ("bob", "!event rsvp 3 going"): "event.is_cancelled",
        ("bob", "!event rsvp 99 going"): "event.unknown",
        ("bob", "!event rsvp 2 yes"): "input.choice",
        ("bob", "!event rsvp two going"): "input.number_ref",
    }
    for (who, line), key in cases.items():
        refused = await community.say(who, line)
        assert refused.key == key, (line, refused.text)
        assert refused.private
    assert (
        "join the circle first with `!circle join spanish-a2`"
        in (await community.say("zed", "!event rsvp 2 going")).text
    )
    assert "There is no event #99 here." in (await community.say("bob", "!event info 99")).text
    assert await counts(app) == before
    await advance(app, days=2)
    over = await community.say("bob", "!event rsvp 2 going")
    assert over.key == "event.is_over"


async def test_checkin_is_open_from_before_the_start_to_after_the_end(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.ok("alice", SCHEDULE)
    await community.ok("bob", "!event rsvp 2 going")
    await advance_to(app, EVENT_START - timedelta(minutes=16))
    before = await counts(app)
    early = await community.say("bob", "!event checkin 2")
    assert early.key == "event.checkin_not_open"
    assert "opens at Wed 02 Dec 2026 17:45 UTC" in early.text
    assert await counts(app) == before
    await advance(app, minutes=1)
    assert (await community.ok("bob", "!event checkin 2")).key == "event.checked_in"
    again = await community.say("bob", "!event checkin 2")
    assert again.key == "event.already_in"
    host = await community.say("alice", "!event checkin 2")
    assert host.key == "event.host_present"
    # Someone who never answered may walk in while there is no capacity.
    assert (await community.ok("carol", "!event checkin 2")).key == "event.checked_in"
    await advance_to(app, EVENT_START + timedelta(minutes=120))
    assert (await community.ok("dan", "!event checkin 2")).key == "event.checked_in"
    await advance(app, minutes=1)
    before = await counts(app)
    late = await community.say("dan", "!event checkin 2")
    assert late.key == "event.checkin_closed" and "closed at Wed 02 Dec 2026 20:00 UTC" in late.text
    late = await community.say("alice", "!event checkin 2 @dan")
    assert late.key == "event.checkin_closed"
    assert await counts(app) == before
    info = await community.ok("alice", "!event info 2")
    assert "Checked in: bob, carol, dan" in info.text


async def test_hosts_check_others_in_and_walk_ins_need_room(community: Community, app: App) -> None:
    await active_circle(community, ("erin", "Lima, Peru"))
    await community.ok("zed", "!profile show")
    await community.ok("alice", SCHEDULE + " capacity:1")
    await community.ok("bob", "!event rsvp 2 going")
    await community.ok("carol", "!event rsvp 2 going")  # waits
    await advance_to(app, EVENT_START)
    full = await community.say("carol", "!event checkin 2")
    assert full.key == "event.checkin_full" and "Ask a host" in full.text
    others = await community.say("bob", "!event checkin 2 @carol")
    assert others.key == "event.checkin_others"
    not_member = await community.say("alice", "!event checkin 2 @zed")
    assert not_member.key == "event.checkin_not_member"
    marked = await community.ok("alice", "!event checkin 2 @carol")
    assert marked.key == "event.checked_in_other"
    assert to("member:carol", marked.notices) == ["alice checked you in at #2 Conversation hour."]
    assert (await community.ok("bob", "!event checkin 2")).key == "event.checked_in"


async def test_reminders_go_to_those_coming_a_day_and_an_hour_before(
    community: Community, app: App
) -> None:
    await active_circle(community, ("erin", "Lima, Peru"))
    await community.ok("dan", "!profile set timezone:America/Lima")
    await community.ok("alice", SCHEDULE + " capacity:2 where:https://meet.example/abc")
    await community.ok("bob", "!event rsvp 2 going")
    await community.ok("dan", "!event rsvp 2 maybe")
    await community.ok("carol", "!event rsvp 2 no")
    await community.ok("erin", "!event rsvp 2 going")
    await community.ok("carol", "!event rsvp 2 going")  # waits: no reminder
    assert await advance_to(app, EVENT_START - timedelta(hours=24, minutes=1)) == []
    day = await advance(app, minutes=1)
    assert sorted(where for where, _ in day) == [
        "member:alice",
        "member:bob",
        "member:dan",
        "member:erin",
    ]
    assert to("member:bob", day) == [
        "Reminder: #2 Conversation hour (spanish-a2) starts in 24h, at Wed 02 Dec 2026 18:00 "
        "UTC. Where: https://meet.example/abc. Check in from Wed 02 Dec 2026 17:45 UTC with "
        "`!event checkin 2`."
    ]
    assert "at Wed 02 Dec 2026 13:00 -05" in to("member:dan", day)[0]
    assert await advance(app, hours=22) == []
    hour = await advance(app, hours=1)
    assert len(hour) == 4 and "starts in 1h" in to("member:erin", hour)[0]
    assert await advance(app, hours=1) == []


async def test_a_late_runner_sends_only_the_nearest_reminder(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.ok("alice", SCHEDULE)
    await community.ok("bob", "!event rsvp 2 going")
    late = await advance_to(app, EVENT_START - timedelta(minutes=20))
    assert to("member:bob", late) == [
        "Reminder: #2 Conversation hour (spanish-a2) starts in 20m, at Wed 02 Dec 2026 18:00 "
        "UTC. Where: -. Check in from Wed 02 Dec 2026 17:45 UTC with `!event checkin 2`."
    ]


async def test_an_event_soon_gets_only_the_reminders_still_ahead(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.ok("alice", '!event schedule spanish-a2 Soon "2026-12-01 12:00" 1h')
    await community.ok("bob", "!event rsvp 2 going")
    notices = await advance(app, hours=2)
    assert to("member:bob", notices) == [
        "Reminder: #2 Soon (spanish-a2) starts in 1h, at Tue 01 Dec 2026 12:00 UTC. Where: -. "
        "Check in from Tue 01 Dec 2026 11:45 UTC with `!event checkin 2`."
    ]


async def test_cancelling_tells_everyone_coming_and_drops_its_reminders(
    community: Community, app: App
) -> None:
    await active_circle(community, ("erin", "Lima, Peru"))
    await community.ok("alice", SCHEDULE + " capacity:1 hosts:@carol")
    await community.ok("bob", "!event rsvp 2 going")
    await community.ok("dan", "!event rsvp 2 going")  # waits
    await community.ok("erin", "!event rsvp 2 no")
    before = await counts(app)
    refused = await community.say("bob", "!event cancel 2")
    assert refused.key == "event.not_organiser"
    assert await counts(app) == before
    # The host may cancel; everyone coming or waiting, and the other hosts, are told.
    cancelled = await community.ok("carol", "!event cancel 2")
    assert cancelled.text == (
        "Cancelled: #2 Conversation hour (spanish-a2). Everyone coming has been told."
    )
    assert sorted(where for where, _ in cancelled.notices) == ["member:bob", "member:dan"]
    assert to("member:bob", cancelled.notices) == [
        "#2 Conversation hour (spanish-a2) on Wed 02 Dec 2026 18:00 UTC is cancelled by carol. "
        "`!event list` shows what's still on."
    ]
    assert (await community.say("carol", "!event cancel 2")).key == "event.already_cancelled"
    assert await advance(app, days=3) == []
    assert (await community.ok("bob", "!event list")).key == "event.list_empty"
    status = await community.ok("bob", "!review status 2")
    assert status.key == "review.status_cancelled"


async def test_changing_an_event_is_announced_and_replans_reminders(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.ok("alice", SCHEDULE)
    await community.ok("bob", "!event rsvp 2 going")
    await community.ok("carol", "!event rsvp 2 maybe")
    edited = await community.ok(
        "alice", '!event edit 2 start:"2026-12-04 18:00" title:"Conversation evening"'
    )
    assert edited.text.startswith("#2 Conversation evening is changed:\n- title: Conversation")
    assert "- now Fri 04 Dec 2026 18:00 UTC, for 1h30m" in edited.text
    assert sorted(w for w, _ in edited.notices) == ["member:bob", "member:carol"]
    assert to("member:bob", edited.notices)[0].startswith(
        "#2 Conversation evening (spanish-a2) was changed by alice:"
    )
    # The old reminders are gone; the new ones come for the new time.
    assert await advance_to(app, EVENT_START) == []
    notices = await advance_to(app, datetime(2026, 12, 3, 18, 0, tzinfo=UTC))
    assert sorted(w for w, _ in notices) == ["member:alice", "member:bob", "member:carol"]
    before = await counts(app)
    for line, key in {
        "!event edit 2": "event.edit_nothing",
        "!event edit 2 capacity:0": "event.capacity_below_going",
        "!event edit 2 capacity:-3": "event.capacity_negative",
        '!event edit 2 start:"2026-12-01 18:00"': "event.start_past",
        "!event edit 2 duration:17:00": "event.end_before_start",
    }.items():
        refused = await community.say("alice", line)
        assert refused.key == key, (line, refused.text)
    assert (await community.say("bob", "!event edit 2 capacity:5")).key == "event.not_organiser"
    assert await counts(app) == before
    await advance_to(app, datetime(2026, 12, 4, 18, 5, tzinfo=UTC))
    before = await counts(app)
    started = await community.say("alice", "!event edit 2 capacity:5")
    assert started.key == "event.edit_started"
    assert await counts(app) == before


async def test_bad_schedules_get_a_clear_reply_and_change_nothing(
    community: Community, app: App
) -> None:
    await active_circle(community)
    before = await counts(app)
    base = "!event schedule spanish-a2 Talk"
    cases = {
        f'{base} "2026-12-01 08:00" 1h': "event.start_past",
        f'{base} "2026-12-02 18:00" 17:00': "event.end_before_start",
        f'{base} "2026-12-02 18:00" "2026-12-01 19:00"': "event.end_before_start",
        f'{base} "2026-12-02 18:00" 0': "event.end_before_start",
        f'{base} "2026-12-02 18:00" 25h': "event.too_long",
        f'{base} "2026-12-02 18:00" 1h capacity:-1': "event.capacity_negative",
        f'{base} "2026-12-02 18:00" soon': "event.duration",
        f'{base} "2026-12-02 18:00" 25:00': "event.duration",
        f'{base} "tomorrow" 1h': "input.instant",
        f'{base} "2026-12-02 18:00" 1h count:3': "event.count_without_repeat",
        f'{base} "2026-12-02 18:00" 1h repeat:weekly': "event.count_missing",
        f'{base} "2026-12-02 18:00" 1h repeat:weekly count:53': "event.count_range",
        f'{base} "2026-12-02 18:00" 1h repeat:daily count:2': "input.choice",
        f'{base} "2029-12-02 18:00" 1h': "event.start_far",
        '!event schedule nope Talk "2026-12-02 18:00" 1h': "circle.unknown",
        f"{base}": "input.missing",
        f'{base} "2026-12-02 18:00" 1h capacity:lots': "input.integer",
    }
    for line, key in cases.items():
        refused = await community.say("alice", line)
        assert refused.key == key, (line, refused.text)
        assert refused.private
    past = await community.say("alice", f'{base} "2026-12-01 08:00" 1h')
    assert past.text.startswith("That start (Tue 01 Dec 2026 08:00 UTC) is not in the future.")
    backwards = await community.say("alice", f'{base} "2026-12-02 18:00" 17:00')
    assert "it starts Wed 02 Dec 2026 18:00 UTC but ends Wed 02 Dec 2026 17:00 UTC" in (
        backwards.text
    )
    negative = await community.say("alice", f'{base} "2026-12-02 18:00" 1h capacity:-1')
    assert "can't be below zero (you gave -1)" in negative.text
    assert await counts(app) == before
    assert (await community.ok("bob", "!event list")).key == "event.list_empty"


async def test_a_repeated_command_key_schedules_once(community: Community, app: App) -> None:
    await active_circle(community)
    first = await community.say("alice", SCHEDULE + " repeat:weekly count:3", key="same")
    rows = await counts(app)
    again = await community.say("alice", SCHEDULE + " repeat:weekly count:3", key="same")
    assert again.outcome.replayed and again.text == first.text
    assert await counts(app) == rows
    assert rows["events"] == 3


async def test_events_of_a_forming_circle_are_flagged_as_not_counting(
    community: Community,
) -> None:
    await community.people(*PEOPLE)
    await community.ok("alice", "!circle create tiny Tiny")
    said = await community.ok("alice", '!event schedule tiny Talk "2026-12-02 18:00" 1h')
    assert "tiny is still forming, so this event won't count" in said.text
    assert "doesn't count towards obligations" in (await community.ok("bob", "!event info 2")).text


async def test_the_calendar_is_a_real_icalendar_file(community: Community, app: App) -> None:
    await active_circle(community)
    await community.ok("zed", "!profile show")
    none = await community.say("bob", "!event calendar")
    assert none.key == "event.calendar_empty"
    await community.ok(
        "alice",
        SCHEDULE + ' repeat:weekly count:2 where:"https://meet.example/x" about:"Bring tea"',
    )
    await community.ok("alice", '!event schedule spanish-a2 Dropped "2026-12-03 18:00" 1h')
    await community.ok("alice", "!event cancel 4")
    said = await community.ok("bob", "!event calendar")
    assert said.key == "event.calendar" and said.private
    (attachment,) = said.outcome.reply.attachments
    assert attachment.filename.endswith(".ics") and attachment.content_type == "text/calendar"
    parsed: Any = icalendar.Calendar.from_ical(attachment.data)
    assert str(parsed["VERSION"]) == "2.0" and "Junto" in str(parsed["PRODID"])
    entries = parsed.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in entries] == [
        "Conversation hour (spanish-a2, #2)",
        "Conversation hour (spanish-a2, #3)",
    ]
    first = entries[0]
    assert first.decoded("DTSTART") == EVENT_START
    assert first.decoded("DTEND") == EVENT_START + timedelta(minutes=90)
    assert str(first["LOCATION"]) == "https://meet.example/x"
    assert str(first["URL"]) == "https://meet.example/x"
    assert "Bring tea" in str(first["DESCRIPTION"])
    assert str(first["UID"]) != str(entries[1]["UID"])
    # Someone in no circle is asked to name one.
    assert (await community.say("zed", "!event calendar")).key == "event.calendar_no_circles"
    named = await community.ok("zed", "!event calendar spanish-a2")
    assert named.key == "event.calendar"


async def test_reminder_and_checkin_times_are_community_settings(
    community: Community, app: App
) -> None:
    await active_circle(community)
    changed = await community.ok("alice", '!admin settings reminders "2h, 10m"')
    assert changed.text == "reminders is now 2h, 10m (was 24h, 1h)."
    await community.ok("alice", "!admin settings checkin_before 1h")
    refused = await community.say("alice", "!admin settings reminders never")
    assert refused.key == "admin.setting_value"
    await community.ok("alice", SCHEDULE)
    await community.ok("bob", "!event rsvp 2 going")
    assert await advance_to(app, EVENT_START - timedelta(hours=2, minutes=1)) == []
    assert "starts in 2h" in to("member:bob", await advance(app, minutes=1))[0]
    assert (await community.say("bob", "!event checkin 2")).key == "event.checkin_not_open"
    await advance(app, hours=1)
    assert (await community.ok("bob", "!event checkin 2")).key == "event.checked_in"
    assert "starts in 10m" in to("member:bob", await advance(app, minutes=50))[0]


async def test_the_event_list_comes_in_pages_with_circle_names_in_one_statement(
    community: Community, app: App
) -> None:
    from tests.services.test_core_perf_rules import statements

    await active_circle(community)
    await community.ok("alice", "!circle create french-b1 French")
    await community.ok("alice", "!admin settings page_size 2")
    # Over already, and cancelled: neither is upcoming.
    await community.ok("alice", '!event schedule spanish-a2 Early "2026-12-01 09:30" 30m')
    await community.ok("alice", '!event schedule spanish-a2 Dropped "2026-12-02 08:00" 1h')
    await community.ok("alice", "!event cancel 4")
    for day, circle in ((3, "spanish-a2"), (4, "french-b1"), (5, "spanish-a2"), (6, "french-b1")):
        await community.ok("alice", f'!event schedule {circle} Day{day} "2026-12-0{day} 18:00" 1h')
    app.clock.advance(timedelta(hours=1))
    with statements(app) as seen:
        first = await community.ok("bob", "!event list")
    assert first.text.splitlines() == [
        "Upcoming events (page 1):",
        "- #5 Day3 (spanish-a2): Thu 03 Dec 2026 18:00 UTC, 1h, 0 going",
        "- #6 Day4 (french-b1): Fri 04 Dec 2026 18:00 UTC, 1h, 0 going",
        "More: `!event list page:2`",
    ]
    listing = [s for s in seen if "FROM events" in s]
    assert len(listing) == 1 and "circles" in listing[0]
    # A bare number where the circle would go is the page.
    second = await community.ok("bob", "!event list 2")
    assert second.text == (await community.ok("bob", "!event list page:2")).text
    assert "#7 Day5" in second.text and "#8 Day6" in second.text and "More" not in second.text
    spanish = await community.ok("bob", "!event list spanish-a2")
    assert "#5 Day3" in spanish.text and "#7 Day5" in spanish.text and "Day4" not in spanish.text
    assert "Early" not in spanish.text and "Dropped" not in spanish.text
    assert "More" not in spanish.text
    french = await community.ok("bob", "!event list french-b1 1")
    assert "#6 Day4" in french.text and "#8 Day6" in french.text
    beyond = await community.say("bob", "!event list french-b1 2")
    assert beyond.key == "page.past_end" and "`!event list french-b1`" in beyond.text
    unknown = await community.say("bob", "!event list 123")
    assert unknown.key == "circle.unknown"
