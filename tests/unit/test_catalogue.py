"""The catalogue and the wording stay consistent as commands are added."""

from __future__ import annotations

import re
from pathlib import Path

from bot.catalogue import default_catalogue
from bot.commands import Kind
from bot.rendering import Style, render
from bot.replies import Reply, instant, nested
from bot.wording import MESSAGES
from tests.support import START

ROOT = Path(__file__).parents[2]
_KEY_USE = re.compile(
    r"""(?:DomainError|Reply|nested|error_reply)\(\s*["']([a-z_]+\.[a-z_.]+)["']"""
)


def test_every_message_key_used_in_the_code_has_wording() -> None:
    used: set[str] = set()
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "adapters").rglob("*.py")]:
        used |= set(_KEY_USE.findall(path.read_text()))
    assert used, "the pattern found no keys"
    assert sorted(used - MESSAGES.keys()) == []


def test_every_command_is_documented_and_well_formed() -> None:
    catalogue = default_catalogue()
    for command in catalogue:
        assert command.help, command.name
        names = [a.name for a in command.args]
        assert len(names) == len(set(names)), command.name
        for arg in command.args:
            assert arg.help, (command.name, arg.name)
            if arg.kind is Kind.CHOICE:
                assert arg.choices, (command.name, arg.name)
        rest = [a for a in command.args if a.kind is Kind.REST]
        assert not rest or command.args[-1].kind is Kind.REST, command.name


# COMMANDS.md is the contract: these names and their arguments must not change.
SPEC = {
    "help": ["command"],
    "profile set": ["context", "timezone", "offers", "seeks"],
    "profile show": ["member"],
    "profile link": ["code"],
    "circle create": ["name", "topic", "size"],
    "circle join": ["name"],
    "circle leave": ["name"],
    "circle info": ["name"],
    "circle list": [],
    "circle lead": ["name", "member"],
    "event schedule": [
        "circle",
        "title",
        "start",
        "duration",
        "hosts",
        "capacity",
        "repeat",
        "count",
        "where",
    ],
    "event rsvp": ["event"],
    "event checkin": ["event", "member"],
    "event cancel": ["event"],
    "event list": ["circle"],
    "event info": ["event"],
    "event calendar": ["circle"],
    "review vote": ["event"],
    "review status": ["event"],
    "obligations": ["member"],
    "voucher issue": ["to", "hours", "services", "memo"],
    "voucher give": ["to", "issuer", "hours"],
    "voucher balance": ["member"],
    "voucher history": ["member"],
    "voucher redeem": ["issuer", "hours", "service"],
    "voucher deliver": ["request"],
    "voucher confirm": ["request"],
    "voucher cancel": ["request"],
    "voucher decline": ["request"],
    "voucher dispute": ["request"],
    "provider register": ["skills", "terms", "guarantee"],
    "provider list": ["skill"],
    "agreement propose": ["provider", "skill", "learners", "hours_each"],
    "agreement accept": ["agreement"],
    "agreement decline": ["agreement"],
    "agreement join": ["agreement"],
    "assess": ["agreement", "learner", "evidence"],
    "agreement info": ["agreement"],
    "auction open": ["issuer", "hours", "reserve", "currency", "ends"],
    "auction bid": ["auction", "amount"],
    "auction list": [],
    "auction info": ["auction"],
    "auction settle": ["auction"],
    "badge list": ["member"],
    "badge award": ["member", "badge", "evidence"],
    "badge export": ["badge"],
    "pathway": ["member"],
    "reputation": ["member"],
    "journey": ["member"],
    "journal add": ["text"],
    "data export": [],
    "data forget": [],
    "admin settings": ["name", "value"],
    "admin role": ["member"],
}


def test_commands_from_the_spec_keep_their_names_and_arguments() -> None:
    catalogue = default_catalogue()
    for name, args in SPEC.items():
        command = catalogue.get(name)
        assert command is not None, name
        declared = [a.name for a in command.args]
        # Positional order is part of the contract: `!voucher give @bob @alice 2`.
        assert [a for a in declared if a in args] == args, (name, declared)


def test_instants_render_in_the_readers_zone() -> None:
    from zoneinfo import ZoneInfo

    reply = Reply("profile.card", {"joined": instant(START), "name": "a"})
    assert "Tue 01 Dec 2026 09:00 UTC" in render(reply, Style())
    assert "Tue 01 Dec 2026 20:00 AEDT" in render(reply, Style(ZoneInfo("Australia/Sydney")))
    assert f"<t:{int(START.timestamp())}:f>" in render(reply, Style(native_timestamps=True))


def test_nested_messages_and_missing_wording() -> None:
    reply = Reply(
        "circle.list",
        {
            "lines": [
                nested(
                    "circle.list_line",
                    name="a",
                    topic="T",
                    status={"$key": "status.active"},
                    count=3,
                    size=5,
                    waiting="",
                )
            ],
            "page": "",
            "more": "",
        },
    )
    assert render(reply, Style()) == "Circles:\n- a: T (active, 3/5)"
    assert render(Reply("no.such", {"x": 1}), Style()) == "no.such x=1"
