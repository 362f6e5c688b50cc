"""Profiles and linking identities, on both engines."""

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
