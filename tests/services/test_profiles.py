from __future__ import annotations

from adapters.app import App
from tests.support import Community


async def test_profile_set_and_show(community: Community) -> None:
    said = await community.ok(
        "alice",
        '!profile set context:"Bournemouth, UK" timezone:Europe/London '
        'offers:"tutoring, keyboarding" seeks:spanish',
    )
    assert said.private
    shown = await community.ok("bob", "!profile show @alice")
    assert not shown.private
    assert "Context: Bournemouth, UK" in shown.text
    assert "Time zone: Europe/London" in shown.text
    assert "Offers: tutoring, keyboarding" in shown.text
    assert "Seeks: spanish" in shown.text
    assert "Roles: admin" in shown.text  # the community's first speaker
    assert "Roles: member" in (await community.ok("bob", "!profile show")).text


async def test_a_chosen_name_stays(community: Community) -> None:
    await community.ok("alice", '!profile set name:"Alice Liddell"')
    await community.ok("alice", "!circle list")
    assert (await community.ok("bob", "!profile show @alice")).text.startswith("Alice Liddell")
    assert (await community.ok("bob", '!profile show "alice liddell"')).text.startswith("Alice")


async def test_times_are_shown_in_the_readers_zone(community: Community) -> None:
    await community.ok("alice", "!profile set timezone:Asia/Tokyo")
    shown = await community.ok("alice", "!profile show")
    assert "Member since: Tue 01 Dec 2026 18:00 JST" in shown.text


async def test_bad_profile_input_changes_nothing(community: Community) -> None:
    await community.ok("alice", "!profile set context:Lagos timezone:Africa/Lagos")
    before = (await community.ok("alice", "!profile show")).text
    cases = {
        "!profile set timezone:Mars/Base": "input.timezone",
        "!profile set context:" + "x" * 81: "input.too_long",
        '!profile set context:"   "': "profile.nothing",
        "!profile set": "profile.nothing",
        "!profile set colour:blue": "input.extra",
        "!profile show @nobody": "member.unknown",
        # A valid part with an invalid one: nothing of it is kept.
        "!profile set context:Paris timezone:Nowhere/Town": "input.timezone",
    }
    for line, key in cases.items():
        said = await community.say("alice", line)
        assert said.key == key, (line, said.text)
        assert said.private
    assert (await community.ok("alice", "!profile show")).text == before


async def test_linking_two_identities(app: App) -> None:
    console = Community(app.core, slug="shared", platform="console")
    matrix = Community(app.core, slug="shared", platform="matrix")
    await console.ok("alice", '!profile set context:"Bournemouth, UK"')
    code_reply = await console.ok("alice", "!profile link")
    code = code_reply.outcome.reply.params["code"]
    assert code_reply.private and len(code) == 8
    linked = await matrix.ok("@alice:example.org", f"!profile link {code}")
    assert linked.key == "profile.linked"
    shown = await matrix.ok("@alice:example.org", "!profile show")
    assert "Context: Bournemouth, UK" in shown.text
    assert "matrix:@alice:example.org" in shown.text and "console:alice" in shown.text
    reused = await matrix.say("@bob:example.org", f"!profile link {code}")
    assert reused.key == "profile.link_bad"


async def test_link_codes_expire(app: App, community: Community) -> None:
    from datetime import timedelta

    code = (await community.ok("alice", "!profile link")).outcome.reply.params["code"]
    app.clock.advance(timedelta(minutes=31))
    late = await Community(app.core, slug="test", platform="matrix").say(
        "@alice:x.org", f"!profile link {code}"
    )
    assert late.key == "profile.link_bad"


async def test_an_account_with_history_is_not_merged(app: App, community: Community) -> None:
    code = (await community.ok("alice", "!profile link")).outcome.reply.params["code"]
    await community.ok("bob", "!circle create bobs Bobs")
    refused = await community.say("bob", f"!profile link {code}")
    assert refused.key == "profile.link_busy"


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


async def test_help(community: Community) -> None:
    everything = await community.ok("alice", "!help")
    assert "`!circle create <name> <topic> [size]`" in everything.text
    one = await community.ok("alice", "!help circle join")
    assert one.text.startswith("`!circle join <name>`")
    assert "name: the circle's short name" in one.text
    group = await community.ok("alice", "!help circle")
    assert "`!circle leave <name>`" in group.text and "profile" not in group.text
    assert (await community.say("alice", "!help frobnicate")).key == "help.unknown"
