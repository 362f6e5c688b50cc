"""Obligations, good standing and quarterly nudges, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from adapters.app import App
from bot.commands import Ctx
from bot.model.members import Actor
from bot.model.settings import Settings
from bot.services.obligations import in_good_standing
from storage.unit_of_work import SqlUnitOfWork
from tests.services.test_events import PEOPLE, active_circle, advance, advance_to, to
from tests.support import START, Community


async def hold(
    community: Community,
    app: App,
    *,
    hosts: str = "@alice",
    ballots: Mapping[str, bool],
    present: Sequence[str] = (),
    circle: str = "spanish-a2",
) -> int:
    """Schedule an event a day ahead, check in the voters (and `present`), cast
    `ballots`, and run the clock until its review has closed. Its number."""
    start = app.clock.now() + timedelta(days=1)
    said = await community.ok(
        "alice", f"!event schedule {circle} Meetup {start.isoformat()} 1h hosts:{hosts}"
    )
    number = int(said.outcome.reply.params["number"])
    await advance_to(app, start)
    for name in [*ballots, *present]:
        await community.ok(name, f"!event checkin {number}")
    await advance_to(app, start + timedelta(hours=1, minutes=31))
    for name, at_level in ballots.items():
        await community.ok(name, f"!review vote {number} {'at-level' if at_level else 'below'}")
    await advance(app, hours=72)
    return number


def report(text: str) -> list[str]:
    return text.splitlines()[1:3]


async def test_only_validated_events_of_active_circles_in_this_year_count(
    community: Community, app: App
) -> None:
    await active_circle(community, ("erin", "Bournemouth, UK"))
    await community.ok("alice", "!circle create tiny Tiny")
    await community.ok("erin", "!circle join tiny")
    await community.ok("carol", "!circle join tiny")  # one context only: forming
    await hold(community, app, ballots={"bob": True, "dan": True})  # validated
    await hold(community, app, ballots={"bob": True, "dan": False})  # not validated
    await hold(community, app, ballots={"bob": True}, present=["dan"])  # unreviewed
    await hold(community, app, circle="tiny", ballots={"erin": True, "carol": True})
    # tiny is #2, so the events are #3 to #6.
    assert ": validated" in (await community.ok("bob", "!event info 3")).text
    assert ": not validated" in (await community.ok("bob", "!event info 4")).text
    assert ": unreviewed" in (await community.ok("bob", "!event info 5")).text
    assert ": validated" in (await community.ok("bob", "!event info 6")).text

    bob = await community.ok("bob", "!obligations")
    assert bob.private and bob.text.startswith("bob, membership year 1 (Tue 01 Dec 2026 09:00 UTC")
    assert report(bob.text) == [
        "Attended 1 of 4 validated events (3 left).",
        "Hosted 0 of 2 validated events (2 left).",
    ]
    assert "Good standing: yes (first membership year)." in bob.text
    alice = await community.ok("bob", "!obligations @alice")
    # Hosting her own events is not attending them; the forming circle's doesn't count.
    assert report(alice.text) == [
        "Attended 0 of 4 validated events (4 left).",
        "Hosted 1 of 2 validated events (1 left).",
    ]
    erin = await community.ok("erin", "!obligations")
    assert "Attended 0 of 4" in erin.text
    unknown = await community.say("bob", "!obligations @nobody")
    assert unknown.key == "member.unknown"


async def test_status_is_met_on_track_or_behind_with_days_left(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    said = await community.ok("bob", "!obligations")
    assert "361 days left" in said.text and "Status: on track." in said.text
    # A quarter into the year one attended event (of four) is due, no hosted one (of two).
    await advance_to(app, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    assert "Status: on track." in (await community.ok("bob", "!obligations")).text
    behind = await community.ok("carol", "!obligations")
    assert "Status: behind." in behind.text and "`!event list` shows upcoming events" in (
        behind.text
    )
    # Halfway through, one of two hosted events is due too.
    await advance_to(app, datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    said = await community.ok("bob", "!obligations")
    assert "Status: behind." in said.text and "183 days left" in said.text
    await community.ok("alice", "!admin settings attend_required 1")
    await community.ok("alice", "!admin settings host_required 0")
    said = await community.ok("bob", "!obligations")
    assert "Status: met." in said.text
    assert "Attended 1 of 1 validated events (0 left)." in said.text


async def standing_of(app: App, name: str) -> bool:
    async with SqlUnitOfWork(app.engine) as uow:
        community = await uow.communities.get_or_create("test", "test", app.clock.now())
        (member,) = await uow.members.by_name(community.id, name)
        settings = Settings(app.core.defaults, await uow.settings.stored(community.id))
        ctx = Ctx(
            uow=uow,
            now=app.clock.now(),
            community=community,
            settings=settings,
            member=member,
            actor=Actor("console", name, name),
            catalogue=app.core.catalogue,
        )
        return await in_good_standing(ctx, member)


async def test_good_standing_follows_the_last_completed_year(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await community.ok("alice", "!admin settings attend_required 1")
    await community.ok("alice", "!admin settings host_required 1")
    await hold(community, app, ballots={"bob": True, "dan": True})
    await hold(community, app, hosts="@bob", ballots={"alice": True, "dan": True})
    for name in ("alice", "bob", "dan", "carol"):
        assert await standing_of(app, name) is True  # the first year: always
    assert "Status: met." in (await community.ok("alice", "!obligations")).text

    await advance_to(app, START + timedelta(days=366))
    assert await standing_of(app, "alice") is True
    assert await standing_of(app, "bob") is True
    assert await standing_of(app, "dan") is False  # attended twice, never hosted
    assert await standing_of(app, "carol") is False
    alice = await community.ok("alice", "!obligations")
    assert alice.text.startswith("alice, membership year 2 (Wed 01 Dec 2027 09:00 UTC")
    assert "Attended 0 of 1" in alice.text
    assert "Good standing: yes (last year's obligations were met)." in alice.text
    dan = await community.ok("dan", "!obligations")
    assert "Good standing: no (last year's obligations were not met)." in dan.text


async def test_members_behind_are_nudged_once_each_quarter(community: Community, app: App) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    quiet = await advance_to(app, datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    assert [n for n in quiet if "quarterly nudge" in n[1]] == []
    # The sweep runs daily, so the nudge comes within a day of the quarter mark.
    first = await advance(app, days=1)
    nudged = sorted(where for where, text in first if "quarterly nudge" in text)
    # bob and dan attended one event: on track. alice hosted one but attended none.
    assert nudged == ["member:alice", "member:carol"]
    assert to("member:carol", first) == [
        "A quarterly nudge: this membership year you have attended 0 of 4 validated events "
        "and hosted 0 of 2, with 275 days left. `!event list` shows what's coming up."
    ]
    for _ in range(3):
        assert await advance(app, days=1) == []
    second = await advance_to(app, datetime(2027, 6, 2, 10, 0, tzinfo=UTC))
    nudged = sorted(where for where, text in second if "quarterly nudge" in text)
    assert nudged == [f"member:{name}" for name, _ in PEOPLE]
