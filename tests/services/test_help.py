"""Help, generated from the catalogue."""

from __future__ import annotations

from tests.support import Community


async def test_help(community: Community) -> None:
    everything = await community.ok("alice", "!help")
    assert "`!circle create <name> <topic> [size]`" in everything.text
    one = await community.ok("alice", "!help circle join")
    assert one.text.startswith("`!circle join <name>`")
    assert "name: the circle's short name" in one.text
    group = await community.ok("alice", "!help circle")
    assert "`!circle leave <name>`" in group.text and "profile" not in group.text
    assert (await community.say("alice", "!help frobnicate")).key == "help.unknown"
