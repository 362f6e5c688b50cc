"""core.run: command keys, rollback, refusals, bugs, and concurrent members."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from adapters.app import App
from bot.catalogue import default_catalogue
from bot.commands import Arg, Catalogue, Command, Ctx, Kind, Who
from bot.core import Call, CommunitySpec, Core
from bot.errors import DomainError
from bot.model.members import Actor
from bot.replies import Reply
from storage.tables import circles as circles_t
from storage.tables import commands as commands_t
from tests.support import Community, app_on


async def count(app: App, table: Any) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_repeated_key_returns_the_first_reply_and_changes_nothing(
    community: Community, app: App
) -> None:
    await community.people(("alice", "UK"), ("bob", "Nigeria"))
    await community.ok("alice", "!circle create tiny Tiny 3")
    first = await community.say("bob", "!circle join tiny", key="discord:1234")
    seats = await count(app, circles_t.circle_seats)
    audit = await count(app, commands_t.audit)
    again = await community.say("bob", "!circle join tiny", key="discord:1234")
    assert again.outcome.replayed and not first.outcome.replayed
    assert again.text == first.text == "Welcome to tiny! 2/3 members."
    assert await count(app, circles_t.circle_seats) == seats
    assert await count(app, commands_t.audit) == audit
    # A new key is a new command: bob is told he is a member already.
    assert (await community.say("bob", "!circle join tiny")).key == "circle.already_member"


async def test_a_repeated_refusal_is_refused_the_same_way(community: Community) -> None:
    first = await community.say("bob", "!circle join nope", key="same")
    await community.ok("alice", "!circle create nope Nope")
    again = await community.say("bob", "!circle join nope", key="same")
    assert again.key == first.key == "circle.unknown"


async def test_every_change_is_audited_with_actor_and_command(
    community: Community, app: App
) -> None:
    await community.ok("alice", "!circle create tiny Tiny")
    await community.ok("alice", "!circle list")
    async with app.engine.connect() as conn:
        rows = (
            await conn.execute(select(commands_t.audit.c.command, commands_t.audit.c.details))
        ).all()
    assert [r.command for r in rows] == ["circle create"]
    assert rows[0].details["name"] == "tiny"


def _failing_catalogue(error: Exception) -> Catalogue:
    async def half_then_fail(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
        number = await ctx.uow.communities.next_number(ctx.community.id)
        await ctx.uow.circles.create(ctx.community.id, number, "half", "Half", 5, ctx.now)
        raise error

    return Catalogue(
        [
            *default_catalogue(),
            Command(
                "explode",
                (Arg("x", Kind.TEXT, "x", required=False),),
                "fails",
                Who.ANYONE,
                half_then_fail,
            ),
        ]
    )


async def _run_failing(engine_name: str, tmp_path: Path, error: Exception) -> tuple[Reply, int]:
    async with app_on(engine_name, tmp_path) as app:
        core = Core(app.core.uow_factory, app.clock, _failing_catalogue(error))
        outcome = await core.run(
            Call(
                "explode",
                Actor("console", "alice", "alice"),
                "k1",
                CommunitySpec("test", "test"),
                {},
            )
        )
        return outcome.reply, await count(app, circles_t.circles)


async def test_a_refusal_rolls_back_everything_the_command_did(
    engine_name: str, tmp_path: Path
) -> None:
    reply, circles = await _run_failing(
        engine_name, tmp_path, DomainError("circle.exists", name="half")
    )
    assert reply.key == "circle.exists" and reply.private
    assert circles == 0


async def test_a_bug_is_answered_privately_without_a_trace_and_rolled_back(
    engine_name: str, tmp_path: Path
) -> None:
    reply, circles = await _run_failing(engine_name, tmp_path, KeyError("boom"))
    assert reply.key == "error.internal" and reply.private
    assert len(reply.params["ref"]) == 8
    assert circles == 0


async def test_concurrent_joins_never_overfill_a_circle(app: App) -> None:
    community = Community(app.core)
    await community.ok("lead", "!circle create busy Busy 5")
    names = [f"m{i}" for i in range(16)]
    for name in names:
        await community.ok(name, "!profile show")
    results = await asyncio.gather(*(community.say(n, "!circle join busy") for n in names))
    keys = [r.key for r in results]
    assert keys.count("circle.joined") == 4
    assert keys.count("circle.waiting") == 12
    positions = sorted(
        int(r.outcome.reply.params["position"]) for r in results if r.key == "circle.waiting"
    )
    assert positions == list(range(1, 13))
    info = await community.ok("lead", "!circle info busy")
    assert "Members: 5/5" in info.text and "12 waiting" in info.text


async def test_concurrent_copies_of_one_key_have_one_effect(app: App) -> None:
    community = Community(app.core)
    await community.ok("lead", "!circle create busy Busy 30")
    await community.ok("bob", "!profile set context:Lagos")
    results = await asyncio.gather(
        *(community.say("bob", "!circle join busy", key="one-key") for _ in range(20))
    )
    assert {r.text for r in results} == {"Welcome to busy! 2/30 members."}
    assert sum(not r.outcome.replayed for r in results) == 1
    assert await count(app, circles_t.circle_seats) == 2


async def test_two_members_racing_for_one_name(app: App) -> None:
    community = Community(app.core)
    results = await asyncio.gather(
        *(community.say(f"m{i}", "!circle create same Same") for i in range(6))
    )
    keys = sorted(r.key for r in results)
    assert keys == ["circle.created"] + ["circle.exists"] * 5


async def test_reactions_reach_the_object_their_message_stands_for(app: App) -> None:
    from bot.core import Reaction
    from bot.replies import Anchor

    seen: list[tuple[int, str, bool, str]] = []

    async def on_demo(ctx: Ctx, anchor: Anchor, emoji: str, added: bool) -> Reply | None:
        seen.append((anchor.object_id, emoji, added, ctx.member.display_name))
        return Reply("circle.list_empty", private=True) if emoji == "✅" else None

    core = Core(
        app.core.uow_factory, app.clock, default_catalogue(), reaction_handlers={"demo": on_demo}
    )
    spec = CommunitySpec("test", "test")
    bob = Actor("console", "bob", "bob")
    await core.record_post(spec, "console", "m3", Anchor("demo", 42))
    added = await core.react(Reaction(bob, "r1", spec, "m3", "✅", added=True))
    assert added is not None and added.reply.key == "circle.list_empty"
    assert await core.react(Reaction(bob, "r2", spec, "m3", "👍", added=True)) is None
    await core.react(Reaction(bob, "r3", spec, "m3", "✅", added=False))
    assert await core.react(Reaction(bob, "r4", spec, "m999", "✅", added=True)) is None
    assert seen == [(42, "✅", True, "bob"), (42, "👍", True, "bob"), (42, "✅", False, "bob")]
