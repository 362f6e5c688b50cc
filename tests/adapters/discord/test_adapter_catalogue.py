"""Every catalogue command, invoked as a Discord slash command through the fake.

The list comes from the catalogue itself, so a command added later is covered
without touching this file: it gets arguments made from its argument kinds and
must be answered exactly once, with neither an internal error nor silence.
Commands named in EXAMPLES get realistic arguments, and those in SUCCEEDS must
do what they say.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.catalogue import default_catalogue
from bot.commands import Arg, Command, Kind
from tests.adapters.discord.fake import FakeDiscord
from tests.adapters.discord.harness import Bot, started

EVENT_START = "2026-12-05 18:00"

# command -> (who runs it, options); "{name}" values are filled from the world below.
EXAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    "help": ("bob", {"command": "voucher give"}),
    "profile set": ("erin", {"context": "Oslo, Norway", "timezone": "Europe/Oslo"}),
    "profile show": ("bob", {"member": "@alice"}),
    "profile link": ("carol", {}),
    "circle create": ("alice", {"name": "circle-two", "topic": "A second circle", "size": 12}),
    "circle join": ("erin", {"name": "spanish-a2"}),
    "circle leave": ("erin", {"name": "spanish-a2"}),
    "circle info": ("bob", {"name": "spanish-a2"}),
    "circle list": ("bob", {}),
    "circle lead": ("alice", {"name": "spanish-a2", "member": "@bob"}),
    "circle archive": ("alice", {"name": "circle-two"}),
    "event schedule": (
        "alice",
        {"circle": "spanish-a2", "title": "Reading", "start": "2026-12-06 18:00", "duration": "1h"},
    ),
    "event rsvp": ("carol", {"event": "{event}", "answer": "going"}),
    "event checkin": ("carol", {"event": "{event}"}),
    "event cancel": ("alice", {"event": "{spare}"}),
    "event edit": ("alice", {"event": "{event}", "title": "Conversation club"}),
    "event list": ("bob", {"circle": "spanish-a2"}),
    "event info": ("bob", {"event": "{event}"}),
    "event calendar": ("bob", {}),
    "review vote": ("carol", {"event": "{event}", "verdict": "at-level", "rating": 4}),
    "review status": ("bob", {"event": "{event}"}),
    "obligations": ("bob", {}),
    "voucher issue": ("alice", {"to": "@carol", "hours": "1h30m", "services": "tutoring"}),
    "voucher give": ("bob", {"to": "@carol", "issuer": "@alice", "hours": "1"}),
    "voucher balance": ("bob", {}),
    "voucher history": ("bob", {}),
    "voucher redeem": ("bob", {"issuer": "@alice", "hours": "30m", "service": "a lesson"}),
    "voucher deliver": ("alice", {"request": "{r1}"}),
    "voucher confirm": ("bob", {"request": "{r1}"}),
    "voucher cancel": ("bob", {"request": "{r2}"}),
    "voucher decline": ("alice", {"request": "{r3}"}),
    "voucher dispute": ("bob", {"request": "{r4}"}),
    "voucher resolve": ("alice", {"request": "{r4}", "outcome": "refund"}),
    "voucher requests": ("bob", {}),
    "provider register": ("carol", {"skills": "python", "terms": "1", "guarantee": "a pass"}),
    "provider list": ("bob", {}),
    "agreement propose": (
        "dave",
        {"provider": "@carol", "skill": "python", "learners": "@dave", "hours_each": "1"},
    ),
    "agreement join": ("dave", {"agreement": "{agreement}"}),
    "agreement accept": ("carol", {"agreement": "{agreement}"}),
    "agreement decline": ("carol", {"agreement": "{agreement2}"}),
    "agreement info": ("dave", {"agreement": "{agreement}"}),
    "agreement list": ("dave", {}),
    "assess": (
        "alice",
        {"agreement": "{agreement}", "learner": "@dave", "result": "pass", "evidence": "a test"},
    ),
    "auction bid": ("carol", {"auction": "{auction}", "amount": "11"}),
    "auction info": ("bob", {"auction": "{auction}"}),
    "auction settle": ("bob", {"auction": "{auction}"}),
    "auction withdraw": ("bob", {"auction": "{auction2}"}),
    "auction open": (
        "bob",
        {
            "issuer": "@alice",
            "hours": "30m",
            "reserve": "10",
            "currency": "GBP",
            "ends": "2026-12-03 18:00",
        },
    ),
    "auction list": ("bob", {}),
    "reputation": ("carol", {"member": "@bob"}),
    "journey": ("bob", {}),
    "journal add": ("bob", {"text": "Ordered dinner in Spanish"}),
    "data export": ("bob", {}),
    "data forget": ("erin", {}),
    "admin settings": ("alice", {"name": "circle_size"}),
    "admin role": ("alice", {"member": "@dave", "role": "assessor"}),
}

# These must succeed, not only be answered.
SUCCEEDS = {
    "help",
    "profile set",
    "profile show",
    "profile link",
    "circle create",
    "circle join",
    "circle leave",
    "circle info",
    "circle list",
    "circle lead",
    "circle archive",
    "event schedule",
    "event rsvp",
    "event cancel",
    "event edit",
    "event list",
    "event info",
    "event calendar",
    "obligations",
    "voucher issue",
    "voucher give",
    "voucher balance",
    "voucher history",
    "voucher redeem",
    "voucher deliver",
    "voucher confirm",
    "voucher cancel",
    "voucher decline",
    "voucher requests",
    "provider register",
    "provider list",
    "agreement accept",
    "agreement decline",
    "agreement info",
    "agreement list",
    "assess",
    "auction open",
    "auction bid",
    "auction list",
    "auction info",
    "auction withdraw",
    "reputation",
    "journey",
    "journal add",
    "data export",
    "data forget",
    "admin settings",
    "admin role",
}


def _generated(arg: Arg, world: Mapping[str, str]) -> Any:
    match arg.kind:
        case Kind.MEMBER:
            return "@bob"
        case Kind.CIRCLE:
            return "spanish-a2"
        case Kind.NUMBER:
            return world.get(arg.name, world["event"])
        case Kind.DURATION:
            return "1"
        case Kind.INSTANT:
            return EVENT_START
        case Kind.INTEGER:
            return arg.low if arg.low is not None else 1
        case Kind.CHOICE:
            return arg.choices[0]
        case Kind.SETTING:
            return "circle_size"
        case _:
            return "something"


def invocation(command: Command, bot: Bot, world: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    who, options = EXAMPLES.get(
        command.name,
        ("alice", {a.name: _generated(a, world) for a in command.args if a.required}),
    )
    filled: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, str) and value.startswith("{"):
            value = world[value.strip("{}")]
        if isinstance(value, str) and value.startswith("@"):
            # A user picker sends the id; typed into a text option, Discord makes a mention.
            arg = command.arg(name)
            user_id = bot.user(value[1:])
            value = user_id if arg is not None and arg.kind is Kind.MEMBER else f"<@{user_id}>"
        filled[name] = value
    return who, filled


async def _number(bot: Bot, who: str, command: str, options: dict[str, Any]) -> str:
    _, _callback, interaction = await bot.say(who, command, options)
    reply, member = await bot.stored(interaction)
    assert member is not None, (command, reply)
    return str(reply["params"]["number"])


async def _world(bot: Bot) -> dict[str, str]:
    """A circle, events and voucher requests for the examples to refer to."""
    await bot.people("alice", "bob", "carol", "dave", "erin")
    await bot.ok("alice", "circle create", {"name": "spanish-a2", "topic": "Spanish at A2"})
    for name in ("bob", "carol", "dave"):
        await bot.ok(name, "circle join", {"name": "spanish-a2"})
    schedule = {"circle": "spanish-a2", "start": EVENT_START, "duration": "90m"}
    world = {
        "event": await _number(bot, "alice", "event schedule", {**schedule, "title": "Talk"}),
        "spare": await _number(bot, "alice", "event schedule", {**schedule, "title": "Spare"}),
    }
    await bot.ok(
        "alice", "voucher issue", {"to": bot.user("bob"), "hours": "6", "services": "tutoring"}
    )
    redeem = {"issuer": bot.user("alice"), "hours": "0.5", "service": "a lesson"}
    for name in ("r1", "r2", "r3", "r4"):
        world[name] = await _number(bot, "bob", "voucher redeem", redeem)
    world["request"] = world["r1"]
    await bot.ok("carol", "provider register", {"skills": "python", "terms": "1"})
    propose = {
        "provider": bot.user("carol"),
        "skill": "python",
        "learners": f"<@{bot.user('dave')}>",
        "hours_each": "1",
    }
    world["agreement"] = await _number(bot, "dave", "agreement propose", propose)
    world["agreement2"] = await _number(bot, "dave", "agreement propose", propose)
    auction = {
        "issuer": bot.user("alice"),
        "hours": "30m",
        "reserve": "10",
        "currency": "GBP",
        "ends": "2026-12-03 18:00",
    }
    world["auction"] = await _number(bot, "bob", "auction open", auction)
    world["auction2"] = await _number(bot, "bob", "auction open", auction)
    return world


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
async def test_every_catalogue_command_is_answered_once_on_discord(
    fake_discord: FakeDiscord, tmp_path: Path, engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="adapters.discord")
    async with started(fake_discord, tmp_path, engine) as bot:
        world = await _world(bot)
        answered: dict[str, str] = {}
        for command in default_catalogue():
            who, options = invocation(command, bot, world)
            text, _callback, interaction = await bot.say(who, command.name, options)
            assert len(interaction.callbacks) == 1, command.name
            assert interaction.rejected_callbacks == [], command.name
            assert text.strip(), command.name
            reply, member = await bot.stored(interaction)
            key = str(reply["key"])
            assert not key.startswith("error."), (command.name, text)
            if command.name in EXAMPLES:
                assert not key.startswith(("input.", "command.")), (command.name, text)
            if command.name in SUCCEEDS:
                assert member is not None, (command.name, text)
            answered[command.name] = key
        assert set(answered) == set(default_catalogue().names())
        assert fake_discord.unknown_routes == []
    problems = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.discord")]
    assert problems == []
