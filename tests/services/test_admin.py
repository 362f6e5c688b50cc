"""Community settings and roles, on both engines."""

from __future__ import annotations

from tests.support import Community


async def test_settings_show_and_change(community: Community) -> None:
    listed = await community.ok("alice", "!admin settings")
    assert "- circle_size = 35 (default)" in listed.text
    assert "- review_window = 72h (default)" in listed.text
    changed = await community.ok("alice", "!admin settings circle_size 20")
    assert changed.text == "circle_size is now 20 (was 35)."
    refused = await community.say("alice", "!circle create big Big 21")
    assert refused.key == "circle.size_range"
    await community.ok("alice", "!admin settings review_window 48h")
    assert "- review_window = 48h:" in (await community.ok("alice", "!admin settings")).text


async def test_bad_settings_change_nothing(community: Community) -> None:
    await community.ok("alice", "!profile show")
    cases = {
        "!admin settings circle_size 2": "admin.setting_value",
        "!admin settings circle_size lots": "admin.setting_value",
        "!admin settings pass_share 3/2": "admin.setting_value",
        "!admin settings timezone Mars/Base": "admin.setting_value",
        "!admin settings colour blue": "admin.setting_unknown",
    }
    for line, key in cases.items():
        said = await community.say("alice", line)
        assert said.key == key, (line, said.text)
    assert "(default)" in (await community.ok("alice", "!admin settings circle_size")).text
    assert (await community.say("bob", "!admin settings circle_size 20")).key == "command.forbidden"
    assert (
        "- circle_size = 35 (default)"
        in (await community.ok("alice", "!admin settings circle_size")).text
    )


async def test_roles(community: Community) -> None:
    await community.ok("alice", "!profile show")
    await community.ok("bob", "!profile show")
    forbidden = await community.say("bob", "!admin role @bob admin")
    assert forbidden.key == "command.forbidden"
    assert forbidden.text == "Only community admins may use `!admin role`."
    granted = await community.ok("alice", "!admin role @bob assessor")
    assert ("member:bob", "bob is now assessor.") in granted.notices
    assert "Roles: assessor" in (await community.ok("bob", "!profile show")).text
    assert (await community.say("alice", "!admin role @bob assessor")).key == "admin.role_unchanged"
    assert (await community.say("alice", "!admin role @bob wizard")).key == "input.choice"
    await community.ok("alice", "!admin role @bob assessor remove")
    assert "Roles: member" in (await community.ok("bob", "!profile show")).text
    last = await community.say("alice", "!admin role @alice admin remove")
    assert last.key == "admin.last_admin"
    await community.ok("alice", "!admin role @bob admin")
    await community.ok("bob", "!admin role @alice admin remove")
    assert (await community.say("alice", "!admin settings")).key == "command.forbidden"
