"""Events on Discord: RSVP buttons that run `event rsvp`, native scheduled events that
follow Junto's events, and reminders by DM (or in the circle's channel)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from adapters.discord.components import rsvp_id
from adapters.discord.scheduled_events import payload
from bot.services.lookups import EventView
from storage.tables import events as events_t
from storage.tables import members as members_t
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import (
    Bot,
    active_circle,
    channel_texts,
    dm_texts,
    is_ephemeral,
    started,
    text_of,
)


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    async with started(fake_discord, tmp_path) as running:
        yield running


async def schedule(bot: Bot, **options: Any) -> tuple[int, int]:
    """Schedule an event in spanish-a2; its number and the id of the post announcing it."""
    wanted = {
        "circle": "spanish-a2",
        "title": "Conversation",
        "start": "2026-12-03 18:00",
        "duration": "90m",
        **options,
    }
    _, callback, interaction = await bot.say("alice", "event schedule", wanted)
    assert not is_ephemeral(callback)
    number = int((await bot.stored(interaction))[0]["params"]["number"])
    return number, await bot.answer_post(interaction)


async def rsvps(bot: Bot) -> dict[str, str]:
    """Each member's answer, by display name."""
    events, members = events_t.event_attendees, members_t.members
    async with bot.app.engine.connect() as conn:
        rows = await conn.execute(
            select(members.c.display_name, events.c.rsvp).join(
                members, members.c.id == events.c.member_id
            )
        )
        return {r.display_name: r.rsvp for r in rows}


async def test_an_event_post_has_rsvp_buttons_that_answer_it(bot: Bot) -> None:
    await active_circle(bot)
    number, post = await schedule(bot)
    message = bot.fake.render_message(post)
    buttons = [c for row in message["components"] for c in row["components"]]
    assert [b["custom_id"] for b in buttons] == [
        rsvp_id(number, answer) for answer in ("going", "maybe", "no")
    ]
    assert [b["label"] for b in buttons] == ["Going", "Maybe", "Not going"]

    click = await bot.fake.send_component(post, rsvp_id(number, "going"), user_id=bot.user("bob"))
    callback = await bot.answer(click)
    assert is_ephemeral(callback) and f"going to #{number}" in text_of(callback)
    click = await bot.fake.send_component(post, rsvp_id(number, "maybe"), user_id=bot.user("carol"))
    await bot.answer(click)
    assert await rsvps(bot) == {"Bob": "going", "Carol": "maybe"}
    # The same click delivered twice is one answer.
    await bot.fake.redeliver(click)
    await bot.ok("alice", "circle list")
    assert len(click.attempts) == 1
    # A click is the command itself: the same rules, the same refusals.
    await bot.people("erin")
    click = await bot.fake.send_component(post, rsvp_id(number, "going"), user_id=bot.user("erin"))
    callback = await bot.answer(click)
    assert is_ephemeral(callback) and "spanish-a2" in text_of(callback)
    assert "Erin" not in await rsvps(bot)


async def test_events_are_mirrored_as_scheduled_events(bot: Bot) -> None:
    await active_circle(bot)
    number, _ = await schedule(bot, where="Library, room 2", about="Bring questions")
    await bot.adapter.events.idle()
    [mirrored] = bot.fake.scheduled_events.values()
    assert mirrored["name"] == "Conversation"
    assert mirrored["privacy_level"] == 2 and mirrored["entity_type"] == 3
    assert mirrored["entity_metadata"] == {"location": "Library, room 2"}
    start = datetime.fromisoformat(mirrored["scheduled_start_time"])
    end = datetime.fromisoformat(mirrored["scheduled_end_time"])
    assert start == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    assert end - start == timedelta(minutes=90)
    assert mirrored["description"].startswith("Bring questions")
    assert mirrored["description"].endswith(f"Junto event #{number}")

    await bot.ok("alice", "event edit", {"event": str(number), "title": "Conversation club"})
    await bot.ok("alice", "event edit", {"event": str(number), "start": "2026-12-04 19:00"})
    await bot.adapter.events.idle()
    [mirrored] = bot.fake.scheduled_events.values()
    assert mirrored["name"] == "Conversation club"
    start = datetime.fromisoformat(mirrored["scheduled_start_time"])
    assert start == datetime(2026, 12, 4, 19, 0, tzinfo=UTC)

    await bot.ok("alice", "event cancel", {"event": str(number)})
    await bot.adapter.events.idle()
    [mirrored] = bot.fake.scheduled_events.values()
    assert mirrored["status"] == 4  # canceled

    # Repeats are each their own event; nothing made twice by a second pass.
    await schedule(bot, title="Weekly", repeat="weekly", count=3)
    await bot.adapter.events.idle()
    await bot.adapter.events.reconcile(bot.fake.guild_id)
    weekly = [e for e in bot.fake.scheduled_events.values() if e["name"] == "Weekly"]
    assert len(weekly) == 3
    assert bot.fake.unknown_routes == []


async def test_reminders_come_by_dm_or_in_the_circle_channel(bot: Bot) -> None:
    channel = await active_circle(bot)
    number, post = await schedule(bot, start="2026-12-02 18:00")
    for name in ("bob", "carol"):
        click = await bot.fake.send_component(
            post, rsvp_id(number, "going"), user_id=bot.user(name)
        )
        await bot.answer(click)
    bot.fake.dms_closed.add(bot.user("carol"))
    # The day-before reminder falls due.
    bot.app.clock.advance(timedelta(hours=9, minutes=5))
    await bot.adapter.deliver(await bot.app.core.run_due())
    assert any(f"#{number}" in t for t in dm_texts(bot, "bob"))
    assert dm_texts(bot, "carol") == []
    mention = f"<@{bot.user('carol')}>"
    assert any(t.startswith(mention) and f"#{number}" in t for t in channel_texts(bot, channel))


MANAGE_EVENTS = 1 << 33
CREATE_EVENTS = 1 << 44


def mirrored_numbers(bot: Bot) -> dict[int, int]:
    """Junto event number -> status, of the scheduled events the bot made."""
    found = {}
    for event in bot.fake.scheduled_events.values():
        description = str(event.get("description") or "")
        if event["creator_id"] == str(bot.fake.bot_id) and "Junto event #" in description:
            found[int(description.rsplit("#", 1)[1])] = int(event["status"])
    return found


async def test_a_guild_at_its_event_cap_skips_and_tells_the_admins_once(bot: Bot) -> None:
    fake = bot.fake
    await active_circle(bot)
    start = datetime(2026, 12, 20, 10, 0, tzinfo=UTC)
    for index in range(98):
        fake.add_scheduled_event(fake.guild_id, f"Members' event {index}", start)
    first, _ = await schedule(bot, title="First", start="2026-12-03 18:00")
    second, _ = await schedule(bot, title="Second", start="2026-12-04 18:00")
    third, _ = await schedule(bot, title="Third", start="2026-12-05 18:00")
    await bot.adapter.events.idle()
    assert fake.uncompleted_events(fake.guild_id) == 100
    assert mirrored_numbers(bot) == {first: 1, second: 1}
    assert bot.adapter.events.skipped[fake.guild_id] == {third: "cap"}
    told = [t for t in dm_texts(bot, "guildowner") if "100 scheduled or active" in t]
    assert len(told) == 1 and f"#{third}" in told[0]
    refused = [r for r in fake.requests if r.status == 400 and "scheduled-events" in r.path]
    assert refused == []  # the cap was read from the list, not learnt by a refusal

    # Another pass at the cap tells nobody again.
    fourth, _ = await schedule(bot, title="Fourth", start="2026-12-06 18:00")
    await bot.adapter.events.idle()
    assert set(bot.adapter.events.skipped[fake.guild_id]) == {third, fourth}
    assert len([t for t in dm_texts(bot, "guildowner") if "100 scheduled" in t]) == 1

    # A cancellation is still mirrored, and frees a place for the soonest waiting event.
    await bot.ok("alice", "event cancel", {"event": str(first)})
    await bot.adapter.events.idle()
    assert mirrored_numbers(bot) == {first: 4, second: 1, third: 1}
    assert bot.adapter.events.skipped[fake.guild_id] == {fourth: "cap"}


async def test_without_manage_events_the_mirror_asks_once_and_tells_the_admins(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    role = fake_discord.roles[fake_discord.guild_id][fake_discord.bot_role_id]
    role["permissions"] = str(int(role["permissions"]) & ~(MANAGE_EVENTS | CREATE_EVENTS))
    async with started(fake_discord, tmp_path) as bot:
        await active_circle(bot)
        first, _ = await schedule(bot, title="First", start="2026-12-03 18:00")
        second, _ = await schedule(bot, title="Second", start="2026-12-04 18:00")
        await bot.adapter.events.idle()

        def refusals() -> int:
            return sum(
                1 for r in fake_discord.requests if r.status == 403 and "scheduled-events" in r.path
            )

        before = refusals()
        await bot.adapter.events.reconcile(fake_discord.guild_id)
        assert refusals() == before + 1  # one refusal per pass, not one per event
        assert fake_discord.scheduled_events == {}
        assert bot.adapter.events.skipped[fake_discord.guild_id] == {
            first: "forbidden",
            second: "forbidden",
        }
        told = [t for t in dm_texts(bot, "guildowner") if "Manage Events" in t]
        assert len(told) == 1
        # Granted: the next pass mirrors both.
        role["permissions"] = str(int(role["permissions"]) | MANAGE_EVENTS)
        await bot.adapter.events.reconcile(fake_discord.guild_id)
        assert set(mirrored_numbers(bot)) == {first, second}
        assert bot.adapter.events.skipped[fake_discord.guild_id] == {}


async def test_a_place_longer_than_discord_takes_is_refused_clearly(bot: Bot) -> None:
    await active_circle(bot)
    link = "https://meet.example.org/" + "x" * 90
    text, answer, interaction = await bot.say(
        "alice",
        "event schedule",
        {"circle": "spanish-a2", "title": "Talk", "start": "2026-12-03 18:00"}
        | {"duration": "1h", "where": link},
    )
    assert is_ephemeral(answer) and "at most 100 characters" in text and "115" in text
    assert interaction.callbacks[0].type == 4  # said before anything was done
    assert bot.fake.scheduled_events == {}
    option = next(
        o
        for c in bot.fake.commands
        if c["name"] == "event"
        for sub in c["options"]
        if sub["name"] == "schedule"
        for o in sub["options"]
        if o["name"] == "where"
    )
    assert option["max_length"] == 100  # Discord's own box stops it being typed


def test_a_long_place_from_elsewhere_is_given_whole_in_the_description() -> None:
    link = "https://meet.example.org/" + "x" * 90
    start = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    view = EventView(
        7,
        "Talk",
        "spanish-a2",
        start,
        start + timedelta(hours=1),
        "scheduled",
        "Bring questions",
        link,
    )
    made = payload(view)
    assert len(made["entity_metadata"]["location"]) == 100
    assert made["description"].startswith(f"Where: {link}")
    assert made["description"].endswith("Junto event #7")
    assert len(made["description"]) <= 1000
