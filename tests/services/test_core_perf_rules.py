"""What the core may leave out per command, and the rules that keep it correct:
settings kept between commands, and badge checks only where a badge can follow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from adapters.app import App
from bot.core import Core
from storage.tables.badges import badge_awards
from tests.support import Community

# The tables the automatic badge criteria read, besides the awards themselves.
_BADGE_TABLES = ("badge_awards", "event_attendees", "event_hosts", "review_ballots", "redemptions")


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", capture)


def _setting_shown(said_params: Any) -> str:
    return str(said_params["lines"][0]["$params"]["value"])


async def test_a_setting_changed_by_another_core_is_seen_at_once(app: App) -> None:
    # Two cores on one database stand for two bot processes, each keeping settings.
    here = Community(app.core)
    there = Community(Core(app.core.uow_factory, app.core.clock, app.core.catalogue))
    shown = await here.ok("alice", "!admin settings circle_size")
    assert _setting_shown(shown.outcome.reply.params) == "35"
    await there.ok("alice", "!admin settings circle_size 5")
    shown = await here.ok("alice", "!admin settings circle_size")
    assert _setting_shown(shown.outcome.reply.params) == "5"
    created = await here.ok("alice", "!circle create spanish-a2 Spanish")
    assert created.key == "circle.created"
    info = await here.ok("alice", "!circle info spanish-a2")
    assert info.outcome.reply.params["size"] == 5


async def test_a_repeated_key_keeps_its_first_reply_after_a_settings_change(
    community: Community,
) -> None:
    first = await community.say("alice", "!admin settings circle_size 7", key="same")
    await community.ok("alice", "!admin settings circle_size 9")
    again = await community.say("alice", "!admin settings circle_size 7", key="same")
    assert again.outcome.replayed
    assert again.outcome.reply == first.outcome.reply


async def test_granting_trustee_awards_the_badge_in_the_same_command(
    community: Community, app: App
) -> None:
    await community.ok("alice", "!circle list")
    await community.ok("bob", "!circle list")
    granted = await community.ok("alice", "!admin role @bob trustee")
    assert any(who == "member:bob" and "Trustee" in text for who, text in granted.notices)
    await community.ok("alice", "!admin role @alice trustee")
    async with app.engine.connect() as conn:
        codes = (await conn.execute(select(badge_awards.c.code))).scalars().all()
    assert sorted(codes) == ["trustee", "trustee"]


async def test_circle_and_profile_changes_run_no_badge_queries(
    community: Community, app: App
) -> None:
    await community.ok("alice", "!circle create spanish-a2 Spanish")
    with statements(app) as seen:
        await community.ok("bob", "!circle join spanish-a2")
        await community.ok("bob", "!profile set offers:spanish")
        await community.ok("bob", "!circle leave spanish-a2")
    assert seen
    assert not [s for s in seen if any(table in s for table in _BADGE_TABLES)]
    with statements(app) as seen:
        await community.ok("alice", "!admin role @bob assessor")
    assert [s for s in seen if "badge_awards" in s]


def test_only_commands_that_cannot_change_a_badge_fact_skip_the_check(app: App) -> None:
    # Adding a command here is a claim that it cannot change anything the criteria
    # count; when in doubt, leave the flag alone and the badges are checked.
    skipping = {c.name for c in app.core.catalogue if c.changes and not c.changes_badge_facts}
    assert skipping == {
        "circle create",
        "circle join",
        "circle leave",
        "circle lead",
        "circle archive",
        "profile set",
        "journal add",
        "data forget",
        # Events count once their review closes (due work, whose sweep checks
        # everyone involved); check-in, cancelling and changes stop before that.
        "event schedule",
        "event rsvp",
        "event checkin",
        "event cancel",
        "event edit",
        # Only delivered and confirmed hours count.
        "voucher issue",
        "voucher give",
        "voucher redeem",
        "voucher deliver",
        "voucher cancel",
        "voucher decline",
        "voucher dispute",
        # Only a passed assessment counts.
        "provider register",
        "agreement propose",
        "agreement join",
        "agreement accept",
        "agreement decline",
        "auction open",
        "auction bid",
        "auction settle",
        "auction withdraw",
        # Manual classes only, which no criterion counts; a signing key.
        "badge award",
        "badge export",
        "badge pathway",
        "badge revoke",
    }
    checking = {c.name for c in app.core.catalogue if c.changes and c.changes_badge_facts}
    assert checking == {
        "profile link",  # two members' records become one
        "review vote",
        "voucher confirm",
        "voucher resolve",
        "assess",
        "admin settings",  # the badge classes
        "admin role",  # the trustee role
    }


async def test_a_give_runs_no_badge_check_and_a_confirm_one_cheap_check(
    community: Community, app: App
) -> None:
    for name in ("alice", "bob", "carol"):
        await community.ok(name, "!circle list")
    await community.ok("alice", "!voucher issue @bob 3 tutoring")
    with statements(app) as seen:
        await community.ok("bob", "!voucher give @carol @alice 1")
    assert not [s for s in seen if any(table in s for table in _BADGE_TABLES)]
    # The key and speaker, the two members named, the accounts (carol's opened),
    # the transfer and totals, whom to tell, the key and the audit: 22 with the check.
    assert len(seen) <= 13, seen
    number = (await community.ok("bob", "!voucher redeem @alice 1 help")).outcome.reply.params[
        "number"
    ]
    await community.ok("alice", f"!voucher deliver {number}")
    with statements(app) as seen:
        await community.ok("bob", f"!voucher confirm {number}")
    facts = [s for s in seen if "review_ballots" in s]
    # One statement of facts for each of the two members checked.
    assert len(facts) == 2, facts
