"""Input nobody should type, refused clearly with nothing changed, on SQLite and
PostgreSQL: characters that can't be stored, dates and durations past what a
calendar holds, wall-clock times the clocks skip, and degenerate settings."""

from __future__ import annotations

import pytest

from adapters.app import App
from adapters.text import parse
from bot.catalogue import default_catalogue
from bot.core import Call, Reaction
from bot.errors import DomainError
from bot.model.members import Actor, MemberRef
from bot.rendering import Style, render
from tests.snapshots import changes, snapshot
from tests.support import Community

EVENT = '!event schedule python-basics "Conversation hour"'


async def _set_up(community: Community) -> None:
    await community.people(("alice", "Bournemouth, UK"), ("bob", "Lagos"), ("carol", "São Paulo"))
    await community.ok("alice", '!circle create python-basics "Python basics"')
    await community.ok("bob", "!circle join python-basics")
    await community.ok("carol", "!circle join python-basics")
    await community.ok("alice", "!profile set timezone:Europe/London")
    await community.ok("alice", f'{EVENT} "2026-12-02 18:00" 90m')
    await community.ok("alice", "!voucher issue @bob 2 tutoring")


REFUSED = {
    # Characters PostgreSQL (NUL) or every encoder (a lone surrogate) can't take.
    ("alice", "!journal add hello\x00world"): "input.unstorable_message",
    ("alice", "!journal add hello\ud800world"): "input.unstorable_message",
    ("alice", '!profile set name:"al\x00ice"'): "input.unstorable_message",
    ("alice", '!profile set context:"Bourne\udfffmouth"'): "input.unstorable_message",
    ("alice", "!circle join pyth\x00on-basics"): "input.unstorable_message",
    ("ali\x00ce", "!help"): "input.unstorable_speaker",
    ("b\ud800b", "!circle join python-basics"): "input.unstorable_speaker",
    # Dates past the ends of the calendar.
    ("alice", f'{EVENT} "9999-12-31 23:59" 90m'): "input.instant_range",
    ("alice", f'{EVENT} "0001-01-01T00:00+14:00" 90m'): "input.instant_range",
    ("alice", f'{EVENT} "2026-12-02 18:00" "9999-12-31T23:59+00:00"'): "input.instant_range",
    ("bob", '!auction open @alice 1 5 GBP "9999-12-31 23:59"'): "input.instant_range",
    # Durations past any use, and past what a date or a 32-bit column holds.
    ("alice", f'{EVENT} "2026-12-02 18:00" 2147483647'): "input.duration_huge",
    ("alice", f'{EVENT} "2026-12-02 18:00" 99999999999h'): "input.duration_huge",
    ("alice", f"!voucher issue @bob {'9' * 5000} tutoring"): "input.duration_huge",
    ("alice", "!voucher issue @bob 2147483647 tutoring"): "input.duration_huge",
    ("alice", "!voucher issue @bob 99999999999h tutoring"): "input.duration_huge",
    ("alice", "!provider register python 99999999999h"): "input.duration_huge",
    # Wall-clock times that don't exist in alice's zone (London springs forward at
    # 01:00 on 28 March 2027), as a start and as an end.
    ("alice", f'{EVENT} "2027-03-28 01:30" 90m'): "input.instant_gap",
    ("alice", f"{EVENT} 2027-03-28T01:59 90m"): "input.instant_gap",
    ("alice", f'{EVENT} "2027-03-28 00:30" 01:15'): "input.instant_gap",
    # Degenerate settings.
    ("alice", "!admin settings pass_share 1e-400"): "admin.setting_value",
    ("alice", "!admin settings pass_share 1e-999999999"): "admin.setting_value",
    ("alice", "!admin settings pass_share 0.00001"): "admin.setting_value",
    ("alice", "!admin settings pass_share 0"): "admin.setting_value",
    ("alice", "!admin settings pass_share 3/2"): "admin.setting_value",
    ("alice", '!admin settings badge_classes "Mentor=hosted:100000000000000000000"'): (
        "admin.setting_value"
    ),
    ("alice", '!admin settings badge_classes "Giver=delivered:99999999h"'): ("admin.setting_value"),
    # Settings fine alone that would leave the community stuck beside the others.
    ("alice", "!admin settings circle_min_members 36"): "admin.setting_order",
    ("alice", "!admin settings voucher_cap_base 41h"): "admin.setting_order",
    ("alice", "!admin settings voucher_cap_most 9h"): "admin.setting_order",
    ("alice", "!admin settings pathway_size 6"): "admin.setting_pathway",
    ("alice", "!admin settings pathway_badges participant"): "admin.setting_pathway",
    # Text that casefolding makes longer than its column.
    ("alice", f'!profile set context:"{"ß" * 81}"'): "input.too_long",
    ("alice", f"!event rsvp {'1' * 5000} going"): "input.number_ref",
    ("alice", f"!circle create big Big {'9' * 5000}"): "input.integer",
}


async def test_each_is_refused_clearly_and_changes_nothing(community: Community, app: App) -> None:
    await _set_up(community)
    for (who, line), key in REFUSED.items():
        before = await snapshot(app.engine)
        said = await community.say(who, line)
        assert said.key == key, (line[:80], said.text)
        assert said.private and "went wrong" not in said.text
        assert changes(before, await snapshot(app.engine)) == {}, line[:80]


async def test_a_time_the_clocks_skip_is_named_with_the_next_that_exists(
    community: Community,
) -> None:
    await _set_up(community)
    said = await community.say("alice", f'{EVENT} "2027-03-28 01:30" 90m')
    assert said.text == (
        "2027-03-28 01:30 does not exist in Europe/London: the clocks skip over it when "
        "daylight saving time begins. The first time after it is `2027-03-28 02:00`."
    )
    # What it suggests works when pasted back, and lands on the first minute of summer time.
    scheduled = await community.ok("alice", f'{EVENT} "2027-03-28 02:00" 90m')
    assert "Sun 28 Mar 2027 01:00 UTC" in scheduled.text
    # A time the clocks pass twice (autumn) is the earlier of the two.
    autumn = await community.ok("alice", f'{EVENT} "2027-10-31 01:30" 30m')
    assert "Sun 31 Oct 2027 00:30 UTC" in autumn.text


async def test_text_that_casefolds_longer_is_stored(community: Community) -> None:
    await _set_up(community)
    said = await community.ok("alice", f'!profile set context:"{"ß" * 80}"')
    assert "ß" * 80 in said.text
    await community.ok("alice", f'!profile set name:"{"ﬃ" * 80}"')


async def test_sane_settings_next_to_the_degenerate_ones_are_kept(community: Community) -> None:
    await _set_up(community)
    for value, shown in (("2/3", "2/3"), ("0.75", "3/4"), ("1", "1"), ("1/1000", "1/1000")):
        said = await community.ok("alice", f"!admin settings pass_share {value}")
        assert said.text.startswith(f"pass_share is now {shown} "), said.text
    said = await community.ok(
        "alice", '!admin settings badge_classes "Mentor=hosted:10000; Giver=delivered:10000h"'
    )
    assert said.key == "admin.setting_set"


async def test_a_platform_that_sends_what_cant_be_stored_is_refused_for_every_command(
    community: Community, app: App
) -> None:
    """Discord's typed options reach the core without the text parser: the core refuses
    a NUL or lone surrogate in any argument of any command itself."""
    await _set_up(community)
    spec = community.spec
    before = await snapshot(app.engine)
    for index, command in enumerate(app.core.catalogue):
        if not command.args:
            continue
        for which, bad in enumerate(("a\x00b", "a\ud800b")):
            args = {arg.name: bad for arg in command.args}
            alice = Actor("console", "alice", "alice")
            outcome = await app.core.run(Call(command.name, alice, f"p{index}-{which}", spec, args))
            assert outcome.reply.key == "input.unstorable", (command.name, outcome.reply)
            assert outcome.refused
    assert changes(before, await snapshot(app.engine)) == {}
    # A member picked from a platform's list, with a broken id.
    outcome = await app.core.run(
        Call(
            "voucher issue",
            Actor("console", "alice", "alice"),
            "picked",
            spec,
            {"to": MemberRef("discord", "4\x002", "bob"), "hours": "2", "services": "x"},
        )
    )
    assert outcome.reply.key == "input.unstorable"
    # A platform's number for a duration is held to the same limit as typed text.
    outcome = await app.core.run(
        Call(
            "voucher issue",
            Actor("console", "alice", "alice"),
            "huge",
            spec,
            {"to": "bob", "hours": 2**40, "services": "x"},
        )
    )
    assert outcome.reply.key == "input.duration_huge"


async def test_who_speaks_and_how_they_react_are_checked_too(
    community: Community, app: App
) -> None:
    await _set_up(community)
    spec = community.spec
    before = await snapshot(app.engine)
    for actor, key, place in (
        (Actor("console", "\x00", "x"), "spk-1", None),
        (Actor("console", "dave", "dave"), "spk-\ud800", None),
        (Actor("console", "dave", "dave"), "spk-2", "gen\x00eral"),
        # Longer than any platform's ids, and than storage keeps.
        (Actor("matrix", "@" + "d" * 300 + ":example.org", "dave"), "spk-4", None),
        (Actor("console", "dave", "dave"), "k" * 256, None),
    ):
        outcome = await app.core.run(Call("help", actor, key, spec, {}, place=place))
        assert outcome.reply.key == "input.unstorable_speaker"
    reaction = Reaction(Actor("console", "bob", "bob"), "spk-r1", spec, "m1", "\x00", added=True)
    refused = await app.core.react(reaction)
    assert refused is not None and refused.reply.key == "input.unstorable_speaker"
    assert await app.core.suggest(spec, Actor("console", "bob", "bob"), "circle", "py\x00") == []
    assert changes(before, await snapshot(app.engine)) == {}
    # A platform's display name is only where a member's name starts: a character it
    # can't store is dropped rather than turning the member away.
    said = await app.core.run(
        Call("profile show", Actor("discord", "77", "Eve\x00\ud800lyn"), "spk-3", spec, {})
    )
    assert said.reply.key == "profile.card"
    assert render(said.reply, Style()).splitlines()[0] == "Evelyn"


@pytest.mark.parametrize(
    "line",
    [
        '!circle create "py\x00"',
        "!profile set context:\ud83d",
        "\x00",
    ],
)
def test_the_text_parser_refuses_before_echoing_anything(line: str) -> None:
    with pytest.raises(DomainError) as error:
        parse(line, "!", default_catalogue())
    assert error.value.code == "input.unstorable_message"
    assert error.value.params == {}


async def test_the_snapshot_sees_what_an_accepted_command_changes(
    community: Community, app: App
) -> None:
    await _set_up(community)
    before = await snapshot(app.engine)
    await community.ok("bob", "!journal add Another note")
    await community.ok("alice", "!admin settings pass_share 3/4")
    changed = changes(before, await snapshot(app.engine))
    assert {"journal_notes", "settings", "audit", "command_keys"} <= changed.keys()
    assert changed["journal_notes"][0] == [] and len(changed["journal_notes"][1]) == 1


async def test_a_long_skill_still_makes_a_badge_that_fits_its_table(
    community: Community,
) -> None:
    """The skill badge's code is "skill-" and the skill: an 80-character skill made it
    longer than the awards table keeps, and a passing assessment failed."""
    await _set_up(community)
    skill = "a" * 80
    await community.ok("carol", f"!provider register {skill} 1")
    proposed = await community.ok("bob", f"!agreement propose @carol {skill} @bob 1 from:@alice")
    number = proposed.text.split("#", 1)[1].split(" ", 1)[0].rstrip(":.,)")
    await community.ok("carol", f"!agreement accept {number}")
    await community.ok("dan", "!profile set context:Lima")
    await community.ok("alice", "!admin role @dan assessor")
    passed = await community.ok("dan", f"!assess {number} @bob pass showed it")
    assert passed.key == "assess.passed"
    listed = await community.ok("bob", "!badge list")
    assert f"Skill: {skill}" in listed.text


async def test_what_a_refusal_quotes_back_is_kept_short(community: Community) -> None:
    said = await community.say("alice", "!circle list " + "z " * 20_000)
    assert said.key == "input.extra"
    assert len(said.text) < 500 and said.text.count("z") <= 300
    said = await community.say("alice", "!" + "x" * 60_000)
    assert said.key == "command.unknown_nohint" and len(said.text) < 500
