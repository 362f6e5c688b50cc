"""The adapter's pure parts: catalogue -> command payloads, interaction data -> calls,
replies -> messages, and the redaction of secrets."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.discord.commands import (
    INTEGER,
    STRING,
    SUB_COMMAND,
    USER,
    Localizations,
    choices,
    in_sync,
    payloads,
    read_command,
)
from adapters.discord.components import event_view, read_rsvp, rsvp_id
from adapters.discord.redaction import RedactingFilter, redact
from adapters.discord.replies import MAX_CONTENT, body, has_markup, plain_title, text_body
from bot.catalogue import default_catalogue
from bot.commands import Arg, Catalogue, Command, Ctx, Kind, Who
from bot.model.members import MemberRef
from bot.replies import Anchor, Reply, instant
from tests.support import START


async def _nothing(ctx: Ctx, args: Any) -> Reply:
    return Reply("circle.list_empty")


def _by_name(options: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in options}


def test_groups_become_commands_with_subcommands_and_typed_options() -> None:
    commands = _by_name(payloads(default_catalogue()))
    assert "help" in commands and "voucher" in commands
    assert all(c["contexts"] == [0] for c in commands.values())
    voucher = _by_name(commands["voucher"]["options"])
    assert all(o["type"] == SUB_COMMAND for o in voucher.values())
    give = _by_name(voucher["give"]["options"])
    assert give["to"]["type"] == USER and give["to"]["required"]
    assert give["hours"]["type"] == STRING
    review = _by_name(_by_name(commands["review"]["options"])["vote"]["options"])
    assert (review["rating"]["type"], review["rating"]["min_value"]) == (INTEGER, 1)
    assert review["rating"]["max_value"] == 5
    assert [c["value"] for c in review["verdict"]["choices"]] == ["at-level", "below", "withdraw"]
    assert review["event"]["autocomplete"]
    join = _by_name(_by_name(commands["circle"]["options"])["join"]["options"])
    assert join["name"]["autocomplete"]
    for command in commands.values():
        assert 1 <= len(command["description"]) <= 100
        for option in command["options"]:
            assert 1 <= len(option["description"]) <= 100
            # Discord refuses a required option after an optional one.
            leaves = option.get("options", []) if option["type"] == SUB_COMMAND else []
            flags = [bool(o.get("required")) for o in leaves]
            assert flags == sorted(flags, reverse=True), option["name"]


def test_every_catalogue_command_has_a_discord_path() -> None:
    found = set()
    for command in payloads(default_catalogue()):
        subs = [o for o in command["options"] if o["type"] == SUB_COMMAND]
        found |= {f"{command['name']} {o['name']}" for o in subs} or {command["name"]}
    assert found == set(default_catalogue().names())


def test_commands_discord_cannot_take_are_refused_by_name() -> None:
    deep = Command("a b c", (), "x", Who.ANYONE, _nothing)
    with pytest.raises(ValueError, match="at most a group"):
        payloads([deep])
    caps = Command("Shout", (), "x", Who.ANYONE, _nothing)
    with pytest.raises(ValueError, match="can't be a Discord"):
        payloads([caps])
    many = [Command(f"g s{i}", (), "x", Who.ANYONE, _nothing) for i in range(26)]
    with pytest.raises(ValueError, match="more than 25 subcommands"):
        payloads(many)


def test_descriptions_are_localized_where_translations_exist() -> None:
    catalogue = Catalogue(
        [Command("circle list", (), "the circles in this community", Who.ANYONE, _nothing)]
    )
    locales = Localizations({"es-ES": {"the circles in this community": "los círculos"}})
    [circle] = payloads(catalogue, locales)
    [listing] = circle["options"]
    assert listing["description_localizations"] == {"es-ES": "los círculos"}
    assert "description_localizations" not in circle


def test_sync_compares_what_matters_not_what_discord_adds() -> None:
    wanted = payloads(default_catalogue())
    registered = []
    for index, command in enumerate(wanted):
        stored = {
            **command,
            "id": str(1000 + index),
            "application_id": "1",
            "version": "7",
            "default_member_permissions": None,
            "nsfw": False,
            "type": 1,
        }
        registered.append(stored)
    assert in_sync(wanted, list(reversed(registered)))
    changed = [dict(c) for c in registered]
    changed[0] = {**changed[0], "description": "something else"}
    assert not in_sync(wanted, changed)
    assert not in_sync(wanted, registered[1:])


def test_interaction_data_becomes_the_core_call() -> None:
    data = {
        "name": "voucher",
        "type": 1,
        "options": [
            {
                "name": "give",
                "type": 1,
                "options": [
                    {"name": "to", "type": 6, "value": "42"},
                    {"name": "issuer", "type": 6, "value": "43"},
                    {"name": "hours", "type": 3, "value": "1h30m"},
                ],
            }
        ],
        "resolved": {
            "users": {
                "42": {"id": "42", "username": "bob", "global_name": "Bob"},
                "43": {"id": "43", "username": "alice", "global_name": None},
            },
            "members": {"42": {"nick": "Bobby"}},
        },
    }
    invocation = read_command(data)
    assert invocation.command == "voucher give"
    assert invocation.args == {
        "to": MemberRef("discord", "42", "Bobby"),
        "issuer": MemberRef("discord", "43", "alice"),
        "hours": "1h30m",
    }
    typed = read_command(
        {
            "name": "review",
            "options": [
                {
                    "name": "vote",
                    "type": 1,
                    "options": [
                        {"name": "event", "type": 3, "value": "#1", "focused": True},
                        {"name": "rating", "type": 4, "value": 4},
                    ],
                }
            ],
        }
    )
    assert (typed.command, typed.focused, typed.typed) == ("review vote", "event", "#1")
    assert typed.args == {"rating": "4"}


def test_autocomplete_choices_stay_within_discords_limits() -> None:
    found = choices((f"#{i} " + "x" * 150, str(i)) for i in range(40))
    assert len(found) == 25
    assert all(len(c["name"]) <= 100 for c in found)


def test_replies_become_ephemeral_text_or_public_embeds() -> None:
    private = body(Reply("circle.unknown", {"value": "nope"}, private=True))
    assert private.ephemeral and "nope" in private.content and not private.embeds
    one_line = body(Reply("circle.left", {"name": "a"}))
    assert not one_line.ephemeral and one_line.content and not one_line.embeds
    listing = body(
        Reply(
            "event.reminder",
            {
                "number": 3,
                "title": "Talk",
                "circle": "a",
                "in": "1h",
                "start": instant(START),
                "where": None,
                "opens": instant(START),
            },
        )
    )
    assert f"<t:{int(START.timestamp())}:f>" in listing.content + str(listing.embeds)
    long = text_body("Title\n" + "\n".join(f"line {i}" for i in range(500)), ephemeral=False)
    assert long.embeds[0]["title"] == "Title"
    assert len(long.embeds) == 2
    assert all(len(e.get("description", "")) <= 4096 for e in long.embeds)
    huge = text_body("x" * 9000, ephemeral=True)
    assert len(huge.content) <= MAX_CONTENT and huge.attachments[-1].filename.endswith(".txt")


def test_embed_titles_are_plain_text_and_markup_moves_to_the_description() -> None:
    # Discord shows a title as typed: bold marks go, a time or mention is no title.
    record = text_body("**Bob's track record**\nEvents hosted: 2", ephemeral=False)
    assert record.embeds[0]["title"] == "Bob's track record"
    scheduled = text_body(
        "Event #2 is scheduled: Talk (spanish-a2), <t:1796119200:f>, for 1h.\nRSVP below",
        ephemeral=False,
    )
    (embed,) = scheduled.embeds
    assert "title" not in embed
    assert embed["description"].startswith("Event #2 is scheduled: Talk (spanish-a2), <t:")
    for title in ("Ping <@123> now", "See <#456>", "Use `code`", "a [link](https://x.org)"):
        assert has_markup(title)
    for title in ("spanish_a2 at 3 * 4", "Plain title", "Bob's track record"):
        assert not has_markup(title) and plain_title(title) == title
    # Every reply the catalogue can render keeps its titles plain.
    for key, params in (
        (
            "event.scheduled",
            {"number": 2, "title": "**x**", "circle": "a", "start": instant(START)},
        ),
        ("badge.earned", {"name": "Participant", "number": 3, "evidence": "4 events"}),
    ):
        for made in body(Reply(key, params)).embeds:
            assert not has_markup(made.get("title", "")), made


def test_rsvp_buttons_carry_the_command() -> None:
    reply = Reply("event.scheduled", {"number": 12}, anchor=Anchor("event", 3))
    view = event_view(reply)
    assert view is not None
    assert [item.custom_id for item in view.children] == [  # type: ignore[attr-defined]
        rsvp_id(12, "going"),
        rsvp_id(12, "maybe"),
        rsvp_id(12, "no"),
    ]
    assert event_view(Reply("circle.left", {"number": 12})) is None
    assert event_view(Reply("event.scheduled", {"number": 12})) is None  # not anchored
    assert event_view(Reply("x.y", {"number": 5}, anchor=Anchor("event", 9))) is not None
    assert read_rsvp(rsvp_id(12, "maybe")) == ("event rsvp", {"event": "12", "answer": "maybe"})
    assert read_rsvp("junto:rsvp:12:perhaps") is None


def test_secrets_are_hidden_in_log_records() -> None:
    token = "MTAx.bot-token.secret"
    record = logging.LogRecord(
        "discord.http",
        logging.DEBUG,
        __file__,
        1,
        "POST %s with %s",
        ("https://discord.com/api/v10/webhooks/1/" + "a" * 60 + "/messages/@original", token),
        None,
    )
    RedactingFilter([token]).filter(record)
    assert token not in record.getMessage() and "a" * 60 not in record.getMessage()
    assert redact("{'token': 'abc', 'x': 1}", []) == "{'token': '[hidden]', 'x': 1}"


def test_an_argument_kind_maps_to_an_option_type() -> None:
    catalogue = Catalogue(
        [
            Command(
                "t",
                (
                    Arg("m", Kind.MEMBER, "m"),
                    Arg("i", Kind.INTEGER, "i", low=1, high=9),
                    Arg("d", Kind.DURATION, "d"),
                    Arg("w", Kind.INSTANT, "w"),
                    Arg("n", Kind.NUMBER, "n", required=False),
                    Arg("s", Kind.SETTING, "s", required=False),
                    Arg("r", Kind.REST, "r", required=False, max_length=500),
                ),
                "t",
                Who.ANYONE,
                _nothing,
            )
        ]
    )
    [command] = payloads(catalogue)
    options = _by_name(command["options"])
    assert options["m"]["type"] == USER
    assert (options["i"]["type"], options["i"]["min_value"], options["i"]["max_value"]) == (
        INTEGER,
        1,
        9,
    )
    assert options["d"]["type"] == options["w"]["type"] == STRING
    assert "autocomplete" not in options["n"]  # only the numbers of known things complete
    assert options["s"].get("choices") or options["s"].get("autocomplete")
    assert options["r"]["max_length"] == 500
