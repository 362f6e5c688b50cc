"""The loopback FakeDiscord driven by the real discord.py client.

These tests pin down that the fake speaks enough of Discord's protocol for
discord.py to log in, sync commands, receive interactions and events, survive a
gateway drop and honour rate limits, so Discord adapter tests can rely on it; and
that it refuses what Discord refuses (each enforced limit and permission has a
test here), so an adapter test passing against it means Discord would take it.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import math
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
import pytest_asyncio
from discord import app_commands

from tests.adapters.discord.fake import FakeDiscord, Permission

# discord.py waits this long after the last GUILD_CREATE before on_ready; its
# default of 2 s would dominate the suite's run time.
GUILD_READY_TIMEOUT = 0.05
TOPICS = ["python", "pytest", "rust", "haskell"]
RSVP_ID = "junto:rsvp"
FEEDBACK_INPUT_ID = "junto:feedback:text"


class RsvpView(discord.ui.View):
    """A persistent view: no timeout and a fixed custom_id, so it survives restarts."""

    def __init__(self, clicks: list[int]) -> None:
        super().__init__(timeout=None)
        self.clicks = clicks

    @discord.ui.button(label="RSVP", style=discord.ButtonStyle.green, custom_id=RSVP_ID)
    async def rsvp(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.clicks.append(interaction.user.id)
        await interaction.response.send_message("See you there", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Session feedback"):
    def __init__(self, answers: list[str]) -> None:
        super().__init__()
        self.answers = answers
        self.text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
            label="How was it?", custom_id=FEEDBACK_INPUT_ID
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.answers.append(self.text.value)
        await interaction.response.send_message("Thanks!", ephemeral=True)


class JuntoBot(discord.Client):
    """A small bot with the command shapes Junto uses: a group, a nested group, a view."""

    def __init__(self, guild_id: int, *, members: bool = False) -> None:
        intents = discord.Intents.default()
        intents.members = members
        super().__init__(intents=intents, guild_ready_timeout=GUILD_READY_TIMEOUT)
        self.guild = discord.Object(guild_id)
        self.tree = app_commands.CommandTree(self)
        self.join_calls: list[tuple[int, str, int, discord.abc.User]] = []
        self.clicks: list[int] = []
        self.feedback: list[str] = []
        self.tree.add_command(self._build_commands(), guild=self.guild)

    def _build_commands(self) -> app_commands.Group:
        junto = app_commands.Group(name="junto", description="Peer learning circles")
        session = app_commands.Group(name="session", description="Study sessions", parent=junto)

        @junto.command(name="join", description="Join a learning circle")
        @app_commands.describe(topic="What to learn", size="Circle size", buddy="Study buddy")
        async def join(
            interaction: discord.Interaction, topic: str, size: int, buddy: discord.User
        ) -> None:
            self.join_calls.append((interaction.id, topic, size, buddy))
            await interaction.response.send_message(f"{topic}:{size}:{buddy.id}", ephemeral=True)

        @join.autocomplete("topic")
        async def topic_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)]

        @session.command(name="create", description="Plan a study session")
        async def create(interaction: discord.Interaction, title: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(f"Planned {title}")
            await interaction.followup.send("Reminder set")

        @junto.command(name="feedback", description="Tell us how it went")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal(self.feedback))

        return junto

    async def setup_hook(self) -> None:
        self.add_view(RsvpView(self.clicks))


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[JuntoBot]:
    client = JuntoBot(fake_discord.guild_id)
    async with fake_discord.run_client(client):
        await client.tree.sync(guild=client.guild)
        yield client


def _text_channel(bot: JuntoBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_client_logs_in_and_sees_the_guild(fake_discord: FakeDiscord) -> None:
    client = JuntoBot(fake_discord.guild_id, members=True)
    async with fake_discord.run_client(client):
        assert client.user is not None and client.user.id == fake_discord.bot_id
        assert client.application_id == fake_discord.application_id
        guild = client.get_guild(fake_discord.guild_id)
        assert guild is not None and not guild.unavailable
        assert guild.owner_id == fake_discord.owner_id
        assert {c.name for c in guild.text_channels} == {"general"}
        assert guild.me.get_role(fake_discord.bot_role_id) is not None
        # The members intent makes discord.py chunk the guild over the gateway.
        alice = guild.get_member(fake_discord.user_ids["alice"])
        assert alice is not None and alice.name == "alice"
        await fake_discord.wait_until(lambda: math.isfinite(client.latency), what="heartbeat ACK")

    assert [(r.method, r.path) for r in fake_discord.requests[:2]] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    ]
    assert fake_discord.received_ops[:3] == [1, 2, 8]
    assert fake_discord.gateway_connections[0].compress == "zlib-stream"
    assert fake_discord.unknown_routes == []


async def test_tree_sync_stores_group_and_subcommands(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    stored = fake_discord.guild_commands[fake_discord.guild_id]
    assert [c["name"] for c in stored] == ["junto"]
    assert fake_discord.global_commands == []
    junto = stored[0]
    options = {o["name"]: o for o in junto["options"]}
    assert options["join"]["type"] == 1
    assert [
        (o["name"], o["type"], o.get("autocomplete", False)) for o in options["join"]["options"]
    ] == [
        ("topic", 3, True),
        ("size", 4, False),
        ("buddy", 6, False),
    ]
    assert options["session"]["type"] == 2
    assert [o["name"] for o in options["session"]["options"]] == ["create"]

    resynced = await bot.tree.sync(guild=bot.guild)
    assert [c.id for c in resynced] == [int(junto["id"])]
    assert [c["name"] for c in fake_discord.commands] == ["junto"]


async def test_slash_command_gets_typed_options_and_replies_ephemerally(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.user_ids["bob"]
    interaction = await fake_discord.send_slash_command(
        "junto join", {"topic": "rust", "size": 4, "buddy": bob}
    )
    callback = await fake_discord.wait_for_callback(interaction)

    assert callback.type == 4
    assert callback.data is not None
    assert callback.data["content"] == f"rust:4:{bob}"
    assert callback.data["flags"] & 64
    [(interaction_id, topic, size, buddy)] = bot.join_calls
    assert interaction_id == interaction.id
    assert (topic, size) == ("rust", 4)
    assert isinstance(buddy, discord.Member) and buddy.id == bob and buddy.name == "bob"
    original = fake_discord.render_message(interaction.original_message_id or 0)
    assert original["flags"] & 64 and original["content"] == f"rust:4:{bob}"


async def test_defer_then_followups(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    interaction = await fake_discord.send_slash_command("junto session create", {"title": "Graphs"})
    callback = await fake_discord.wait_for_callback(interaction)
    assert callback.type == 5
    assert callback.data == {"flags": 64}

    await fake_discord.wait_until(
        lambda: interaction.followup_message_ids, what="the second followup"
    )
    # The first followup after a defer replaces the "thinking" message.
    original = fake_discord.render_message(interaction.original_message_id or 0)
    assert original["content"] == "Planned Graphs"
    assert original["flags"] == 64
    [second_id] = interaction.followup_message_ids
    assert fake_discord.render_message(second_id)["content"] == "Reminder set"
    assert interaction.rejected_callbacks == []


async def test_autocomplete_gets_a_choices_callback(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.send_autocomplete(
        "junto join", {"topic": "py"}, focused="topic"
    )
    callback = await fake_discord.wait_for_callback(interaction)

    assert callback.type == 8
    assert callback.data == {
        "choices": [{"name": "python", "value": "python"}, {"name": "pytest", "value": "pytest"}]
    }
    assert bot.join_calls == []


async def test_button_click_reaches_view_callbacks(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    alice = fake_discord.user_ids["alice"]
    bob = fake_discord.user_ids["bob"]
    channel = _text_channel(bot, fake_discord.general_channel_id)
    sent = await channel.send("Session tonight", view=RsvpView(bot.clicks))
    stored = fake_discord.render_message(sent.id)
    assert stored["components"][0]["components"][0]["custom_id"] == RSVP_ID

    click = await fake_discord.send_component(sent.id, RSVP_ID, user_id=alice)
    assert (await fake_discord.wait_for_callback(click)).type == 4

    # A message from before a restart is only known to the persistent view.
    earlier = fake_discord.store_message(fake_discord.general_channel_id, stored)
    click = await fake_discord.send_component(int(earlier["id"]), RSVP_ID, user_id=bob)
    callback = await fake_discord.wait_for_callback(click)
    assert callback.type == 4 and callback.data is not None and callback.data["flags"] & 64
    assert bot.clicks == [alice, bob]


async def test_modal_opens_and_submits(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    opened = await fake_discord.send_slash_command("junto feedback")
    callback = await fake_discord.wait_for_callback(opened)
    assert callback.type == 9

    submitted = await fake_discord.send_modal_submit(opened, {FEEDBACK_INPUT_ID: "Loved it"})
    assert (await fake_discord.wait_for_callback(submitted)).type == 4
    assert bot.feedback == ["Loved it"]


async def test_reactions_reach_raw_listeners(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    alice = fake_discord.user_ids["alice"]
    channel_id = fake_discord.general_channel_id
    message = await _text_channel(bot, channel_id).send("React if you are coming")
    await message.add_reaction("✅")
    assert fake_discord.reactions[(message.id, "✅")] == [fake_discord.bot_id]

    added = bot.wait_for("raw_reaction_add", check=lambda p: p.user_id == alice, timeout=2)
    await fake_discord.add_reaction(alice, channel_id, message.id, "👍")
    payload = await added
    assert payload.message_id == message.id and payload.channel_id == channel_id
    assert payload.guild_id == fake_discord.guild_id
    assert payload.emoji.name == "👍" and payload.emoji.id is None
    assert payload.member is not None and payload.member.id == alice

    removed = bot.wait_for("raw_reaction_remove", check=lambda p: p.user_id == alice, timeout=2)
    await fake_discord.remove_reaction(alice, channel_id, message.id, "👍")
    payload = await removed
    assert payload.message_id == message.id and payload.emoji.name == "👍"
    assert fake_discord.reactions[(message.id, "👍")] == []


async def test_redelivered_interaction_runs_twice_and_second_ack_is_rejected(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.send_slash_command(
        "junto join", {"topic": "rust", "size": 2, "buddy": fake_discord.user_ids["bob"]}
    )
    await fake_discord.wait_for_callback(interaction)
    await fake_discord.redeliver(interaction)
    [rejected] = await fake_discord.wait_until(
        lambda: interaction.rejected_callbacks, what="the second callback attempt"
    )

    assert [call[0] for call in bot.join_calls] == [interaction.id, interaction.id]
    assert (rejected.status, rejected.error_code) == (400, 40060)
    assert len(interaction.callbacks) == 1
    assert interaction.deliveries == 2


@pytest.mark.parametrize("close_code", [4000, None], ids=["close-4000", "abort"])
async def test_gateway_drop_resumes_and_replays_missed_events(
    bot: JuntoBot, fake_discord: FakeDiscord, close_code: int | None
) -> None:
    alice = fake_discord.user_ids["alice"]
    channel_id = fake_discord.general_channel_id
    message = await _text_channel(bot, channel_id).send("Still there?")
    resumed = bot.wait_for("resumed", timeout=3)
    missed = bot.wait_for("raw_reaction_add", check=lambda p: p.emoji.name == "🔁", timeout=3)

    await fake_discord.drop_gateway(close_code)
    # Dispatched while the client is reconnecting, so it must come from the replay.
    await fake_discord.add_reaction(alice, channel_id, message.id, "🔁")
    await resumed
    assert (await missed).user_id == alice

    resume_connection = fake_discord.gateway_connections[-1]
    assert resume_connection.path == "/resume" and resume_connection.resumed
    assert resume_connection.replayed >= 1
    assert 6 in fake_discord.received_ops
    assert fake_discord.identify_count == 1

    after = bot.wait_for("raw_reaction_add", check=lambda p: p.emoji.name == "🎉", timeout=2)
    await fake_discord.add_reaction(alice, channel_id, message.id, "🎉")
    assert (await after).message_id == message.id


async def test_rate_limited_request_is_retried_after_retry_after(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    rule = fake_discord.rate_limit_next("POST", r"^/channels/\d+/messages$", retry_after=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent = await _text_channel(bot, fake_discord.general_channel_id).send("after the limit")
    elapsed = loop.time() - started

    attempts = [
        r
        for r in fake_discord.requests
        if r.method == "POST" and r.route == "/channels/{channel_id}/messages"
    ]
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.3
    assert elapsed >= 0.3
    assert rule.hits and rule.remaining == 0
    assert [m["id"] for m in fake_discord.messages_in(fake_discord.general_channel_id)] == [
        str(sent.id)
    ]


async def test_dm_channel_creation_and_message(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    alice = fake_discord.user_ids["alice"]
    user = await bot.fetch_user(alice)
    dm = await user.create_dm()
    sent = await dm.send("Welcome to Junto!")

    channel = fake_discord.channels[dm.id]
    assert channel["type"] == 1
    assert [r["id"] for r in channel["recipients"]] == [str(alice)]
    [stored] = fake_discord.messages_in(dm.id)
    assert stored["id"] == str(sent.id) and stored["content"] == "Welcome to Junto!"
    again = await bot.http.start_private_message(alice)
    assert int(again["id"]) == dm.id


async def test_scheduled_event_create_edit_delete(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    guild = bot.get_guild(fake_discord.guild_id)
    assert guild is not None
    start = discord.utils.utcnow() + datetime.timedelta(days=1)
    created = bot.wait_for("scheduled_event_create", timeout=2)
    event = await guild.create_scheduled_event(
        name="Study jam",
        description="Bring questions",
        start_time=start,
        end_time=start + datetime.timedelta(hours=2),
        entity_type=discord.EntityType.external,
        location="Library, room 2",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert (await created).id == event.id
    stored = fake_discord.scheduled_events[event.id]
    assert stored["name"] == "Study jam"
    assert stored["entity_metadata"] == {"location": "Library, room 2"}
    assert event.start_time == start

    edited = await event.edit(name="Study jam (moved)", location="Café")
    assert edited.name == "Study jam (moved)" and edited.location == "Café"
    assert fake_discord.scheduled_events[event.id]["entity_metadata"] == {"location": "Café"}

    voice = guild.get_channel(fake_discord.voice_channel_id)
    assert isinstance(voice, discord.VoiceChannel)
    # discord.py leaves privacy_level out unless given, but Discord requires it.
    with pytest.raises(discord.HTTPException, match="privacy_level"):
        await guild.create_scheduled_event(name="Voice session", start_time=start, channel=voice)
    in_voice = await guild.create_scheduled_event(
        name="Voice session",
        start_time=start,
        channel=voice,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert fake_discord.scheduled_events[in_voice.id]["entity_type"] == 2

    await event.delete()
    assert event.id not in fake_discord.scheduled_events
    with pytest.raises(discord.NotFound):
        await guild.fetch_scheduled_event(event.id)
    with pytest.raises(discord.HTTPException, match="scheduled_start_time") as past:
        await guild.create_scheduled_event(
            name="Too late",
            start_time=discord.utils.utcnow() - datetime.timedelta(hours=1),
            channel=voice,
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert past.value.code == 50035


async def test_channel_creation_and_file_upload(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    guild = bot.get_guild(fake_discord.guild_id)
    assert guild is not None
    category = guild.get_channel(fake_discord.category_id)
    assert isinstance(category, discord.CategoryChannel)

    channel = await guild.create_text_channel("Circle Rust", category=category)
    assert channel.name == "circle-rust"
    assert fake_discord.channels[channel.id]["parent_id"] == str(category.id)
    assert await bot.fetch_channel(channel.id) == channel

    sent = await channel.send("Notes", file=discord.File(io.BytesIO(b"week 1"), "notes.txt"))
    [attachment] = sent.attachments
    assert attachment.filename == "notes.txt" and attachment.size == 6
    assert fake_discord.attachment_data[attachment.id] == b"week 1"

    member = await guild.fetch_member(fake_discord.user_ids["bob"])
    assert member.name == "bob"


async def test_message_content_needs_the_intent_or_a_mention(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.user_ids["bob"]
    channel_id = fake_discord.general_channel_id

    plain = bot.wait_for("message", check=lambda m: m.author.id == bob, timeout=2)
    await fake_discord.post_message(bob, channel_id, "hello everyone")
    assert (await plain).content == ""

    mention = f"<@{fake_discord.bot_id}> hello bot"
    addressed = bot.wait_for("message", check=lambda m: m.author.id == bob, timeout=2)
    await fake_discord.post_message(bob, channel_id, mention)
    assert (await addressed).content == mention


async def test_unknown_routes_are_recorded(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    route = discord.http.Route("GET", "/guilds/{guild_id}/widget.json", guild_id=bot.guild.id)
    with pytest.raises(discord.NotFound):
        await bot.http.request(route)
    assert fake_discord.unknown_routes == [("GET", f"/guilds/{bot.guild.id}/widget.json")]


async def test_privileged_intents_can_be_refused(fake_discord: FakeDiscord) -> None:
    fake_discord.privileged_intents_enabled = False
    client = JuntoBot(fake_discord.guild_id, members=True)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with fake_discord.run_client(client):
            pass
    assert fake_discord.gateway_connections[-1].close_code == 4014


async def test_discord_urls_are_restored_on_exit() -> None:
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY

    async with FakeDiscord() as fake:
        patched_base = discord.http.Route.BASE
        patched_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        assert patched_base == f"http://127.0.0.1:{fake.port}/api/v10"
        assert patched_gateway.port == fake.port
        address = f"http://127.0.0.1:{fake.port}/api/v10/users/@me"

    restored_base = discord.http.Route.BASE
    restored_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert restored_base == base
    assert restored_gateway == gateway
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(address)


# ---------------------------------------------------------------- what the fake enforces
#
# Each limit and permission the fake enforces, shown refusing what Discord refuses.
# Raw requests go around discord.py's own checks, to reach the fake's.


async def _raw(
    fake: FakeDiscord,
    method: str,
    path: str,
    body: Any = None,
    files: dict[str, bytes] | None = None,
) -> tuple[int, Any, Any]:
    """One request straight to the fake: (status, JSON body, headers)."""
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession() as session:
        if files:
            form = aiohttp.FormData()
            form.add_field("payload_json", json.dumps(body or {}))
            for index, (name, data) in enumerate(files.items()):
                form.add_field(f"files[{index}]", data, filename=name)
            request = session.request(method, fake.api_base + path, data=form, headers=headers)
        else:
            request = session.request(method, fake.api_base + path, json=body, headers=headers)
        async with request as response:
            data = await response.json() if response.status != 204 else None
            return response.status, data, response.headers


def _form_error(data: Any, *path: str | int) -> str:
    errors = data["errors"]
    for key in path:
        errors = errors[str(key)]
    return str(errors["_errors"][0]["code"])


async def test_the_fake_enforces_embed_limits(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    path = f"/channels/{fake_discord.general_channel_id}/messages"
    status, data, _ = await _raw(fake_discord, "POST", path, {"embeds": [{"title": "t" * 257}]})
    assert status == 400 and _form_error(data, "embeds", 0, "title") == "BASE_TYPE_MAX_LENGTH"
    status, data, _ = await _raw(
        fake_discord, "POST", path, {"embeds": [{"description": "d" * 4097}]}
    )
    assert status == 400 and _form_error(data, "embeds", 0, "description")
    fields = [{"name": f"f{i}", "value": "v"} for i in range(26)]
    status, data, _ = await _raw(fake_discord, "POST", path, {"embeds": [{"fields": fields}]})
    assert status == 400 and _form_error(data, "embeds", 0, "fields")
    field = [{"name": "n", "value": "v" * 1025}]
    status, data, _ = await _raw(fake_discord, "POST", path, {"embeds": [{"fields": field}]})
    assert status == 400 and _form_error(data, "embeds", 0, "fields", 0, "value")
    # Each within its own limit, but more than 6000 characters in all.
    two = [{"description": "d" * 3500}, {"description": "d" * 3500}]
    status, data, _ = await _raw(fake_discord, "POST", path, {"embeds": two})
    assert status == 400 and _form_error(data, "embeds") == "MAX_EMBED_SIZE_EXCEEDED"
    status, data, _ = await _raw(fake_discord, "POST", path, {"embeds": [{}] * 11})
    assert status == 400 and _form_error(data, "embeds")
    ok = [{"title": "t" * 256, "description": "d" * 4096, "fields": fields[:25]}]
    status, _, _ = await _raw(fake_discord, "POST", path, {"embeds": ok})
    assert status == 200


async def test_the_fake_enforces_component_limits(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    path = f"/channels/{fake_discord.general_channel_id}/messages"

    def button(custom_id: str, label: str = "Go") -> dict[str, Any]:
        return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}

    def row(*buttons: dict[str, Any]) -> dict[str, Any]:
        return {"type": 1, "components": list(buttons)}

    rows = [row(button(f"b{i}")) for i in range(6)]
    status, data, _ = await _raw(fake_discord, "POST", path, {"components": rows})
    assert status == 400 and _form_error(data, "components")
    wide = row(*(button(f"b{i}") for i in range(6)))
    status, data, _ = await _raw(fake_discord, "POST", path, {"components": [wide]})
    assert status == 400 and _form_error(data, "components", 0, "components")
    status, data, _ = await _raw(
        fake_discord, "POST", path, {"components": [row(button("x" * 101))]}
    )
    assert status == 400 and _form_error(data, "components", 0, "components", 0, "custom_id")
    status, data, _ = await _raw(
        fake_discord, "POST", path, {"components": [row(button("a", "l" * 81))]}
    )
    assert status == 400 and _form_error(data, "components", 0, "components", 0, "label")
    status, data, _ = await _raw(
        fake_discord, "POST", path, {"components": [row(button("a"), button("a"))]}
    )
    assert _form_error(data, "components", 0, "components", 1, "custom_id") == (
        "COMPONENT_CUSTOM_ID_DUPLICATED"
    )
    full = [row(*(button(f"r{r}b{b}", "l" * 80) for b in range(5))) for r in range(5)]
    status, _, _ = await _raw(fake_discord, "POST", path, {"content": "x", "components": full})
    assert status == 200


async def test_the_fake_enforces_file_count_and_size(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    path = f"/channels/{fake_discord.general_channel_id}/messages"
    eleven = {f"f{i}.txt": b"x" for i in range(11)}
    status, data, _ = await _raw(fake_discord, "POST", path, {"content": "x"}, eleven)
    assert status == 400 and _form_error(data, "attachments")
    fake_discord.upload_limit = 100
    channel = _text_channel(bot, fake_discord.general_channel_id)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(file=discord.File(io.BytesIO(b"x" * 101), "big.bin"))
    assert refused.value.status == 413 and refused.value.code == 40005
    sent = await channel.send(file=discord.File(io.BytesIO(b"x" * 100), "fits.bin"))
    assert sent.attachments[0].size == 100
    # Interactions carry the limit, as Discord's do.
    interaction = await fake_discord.send_slash_command(
        "junto join", {"topic": "rust", "size": 2, "buddy": fake_discord.user_ids["bob"]}
    )
    assert interaction.payload["attachment_size_limit"] == 100


async def test_the_fake_works_out_channel_permissions(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    channel_id = fake.general_channel_id
    channel = _text_channel(bot, channel_id)
    message = await channel.send("first")
    everything = fake.channel_permissions(channel_id, fake.bot_id)
    await fake.update_overwrite(channel_id, fake.bot_id, deny=Permission.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("no")
    assert refused.value.code == 50013
    # Without Send Messages, embeds and files go too (Discord's implicit rule).
    left = fake.channel_permissions(channel_id, fake.bot_id)
    assert not left & (Permission.EMBED_LINKS | Permission.ATTACH_FILES)
    await fake.update_overwrite(channel_id, fake.bot_id, deny=Permission.ADD_REACTIONS)
    with pytest.raises(discord.Forbidden):
        await message.add_reaction("✅")  # the first of its emoji needs Add Reactions
    await fake.add_reaction(fake.user_ids["alice"], channel_id, message.id, "✅")
    await message.add_reaction("✅")  # joining an existing one does not
    await fake.update_overwrite(channel_id, fake.bot_id, deny=Permission.VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("no")
    assert refused.value.code == 50001
    assert fake.channel_permissions(channel_id, fake.bot_id) == 0
    # A role overwrite counts too, and a member overwrite beats it.
    await fake.update_overwrite(channel_id, fake.bot_id)
    await fake.update_overwrite(channel_id, fake.bot_role_id, deny=Permission.SEND_MESSAGES)
    assert not fake.channel_permissions(channel_id, fake.bot_id) & Permission.SEND_MESSAGES
    await fake.update_overwrite(channel_id, fake.bot_id, allow=Permission.SEND_MESSAGES)
    assert fake.channel_permissions(channel_id, fake.bot_id) == everything
    # discord.py's cache (from CHANNEL_UPDATE) agrees with the fake.
    await fake.update_overwrite(channel_id, fake.bot_role_id, deny=Permission.ADD_REACTIONS)
    await fake.update_overwrite(channel_id, fake.bot_id)
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    await fake.wait_until(
        lambda: not channel.permissions_for(guild.me).add_reactions, what="the cache"
    )
    # The interaction says what the bot may do in the channel it came from.
    interaction = await fake.send_slash_command(
        "junto join", {"topic": "rust", "size": 2, "buddy": fake.user_ids["bob"]}
    )
    app = int(interaction.payload["app_permissions"])
    assert not app & Permission.ADD_REACTIONS and app & Permission.SEND_MESSAGES


async def test_the_fake_sends_nothing_from_a_channel_the_bot_cannot_view(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    channel_id = fake.general_channel_id
    message = await _text_channel(bot, channel_id).send("vote")
    alice, bob = fake.user_ids["alice"], fake.user_ids["bob"]
    fake.deny_bot(channel_id, Permission.VIEW_CHANNEL)
    unseen = bot.wait_for("raw_reaction_add", check=lambda p: p.user_id == alice, timeout=0.3)
    await fake.add_reaction(alice, channel_id, message.id, "✅")
    with pytest.raises(asyncio.TimeoutError):
        await unseen
    assert [e for e, _ in fake.suppressed_events] == ["MESSAGE_REACTION_ADD"]
    fake.set_overwrite(channel_id, fake.bot_id)
    seen = bot.wait_for("raw_reaction_add", check=lambda p: p.user_id == bob, timeout=2)
    await fake.add_reaction(bob, channel_id, message.id, "✅")
    assert (await seen).user_id == bob


async def test_the_fake_refuses_events_and_channels_without_the_permission(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    role = fake.roles[fake.guild_id][fake.bot_role_id]
    role["permissions"] = str(
        int(role["permissions"])
        & ~(Permission.MANAGE_EVENTS | Permission.CREATE_EVENTS | Permission.MANAGE_CHANNELS)
    )
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    start = discord.utils.utcnow() + datetime.timedelta(days=1)
    with pytest.raises(discord.Forbidden) as refused:
        await guild.create_scheduled_event(
            name="Jam",
            start_time=start,
            end_time=start + datetime.timedelta(hours=1),
            entity_type=discord.EntityType.external,
            location="Library",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert refused.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await guild.create_text_channel("circle")


async def test_the_fake_caps_events_and_checks_their_fields(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    start = discord.utils.utcnow() + datetime.timedelta(days=1)

    async def create(**fields: Any) -> discord.ScheduledEvent:
        return await guild.create_scheduled_event(
            **{
                "name": "Jam",
                "start_time": start,
                "end_time": start + datetime.timedelta(hours=1),
                "entity_type": discord.EntityType.external,
                "location": "Library",
                "privacy_level": discord.PrivacyLevel.guild_only,
                **fields,
            }
        )

    with pytest.raises(discord.HTTPException, match="location"):
        await create(location="x" * 101)
    with pytest.raises(discord.HTTPException, match="description"):
        await create(description="x" * 1001)
    with pytest.raises(discord.HTTPException, match="name"):
        await create(name="x" * 101)
    for index in range(99):
        fake.add_scheduled_event(fake.guild_id, f"People's {index}", start)
    made = await create()  # the hundredth
    with pytest.raises(discord.HTTPException) as refused:
        await create()
    assert refused.value.code == 30038
    await made.cancel()  # a cancelled event no longer counts
    await create()
    assert fake.uncompleted_events(fake.guild_id) == 100


async def test_the_fake_caps_channels_per_category_and_guild(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    category = guild.get_channel(fake.category_id)
    assert isinstance(category, discord.CategoryChannel)
    inside = sum(1 for c in fake.channels.values() if c.get("parent_id") == str(category.id))
    for index in range(50 - inside):
        fake.add_channel(fake.guild_id, f"room-{index}", parent_id=category.id)
    with pytest.raises(discord.HTTPException) as refused:
        await guild.create_text_channel("one-more", category=category)
    assert refused.value.code == 50035 and "parent_id" in str(refused.value)
    in_guild = sum(1 for c in fake.channels.values() if c.get("guild_id") == str(guild.id))
    for index in range(500 - in_guild):
        fake.add_channel(fake.guild_id, f"hall-{index}")
    with pytest.raises(discord.HTTPException) as refused:
        await guild.create_text_channel("one-more")
    assert refused.value.code == 30013


async def test_the_fake_ends_interaction_tokens_after_fifteen_minutes(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    assert fake_discord.interaction_token_life == 15 * 60
    fake_discord.interaction_token_life = 0.2
    interaction = await fake_discord.send_slash_command("junto session create", {"title": "x"})
    await fake_discord.wait_for_callback(interaction)
    await asyncio.sleep(0.3)
    status, data, _ = await _raw(
        fake_discord,
        "POST",
        f"/webhooks/{fake_discord.application_id}/{interaction.token}",
        {"content": "too late"},
    )
    assert status == 401 and data["code"] == 50027


async def test_the_fake_counts_rate_limit_buckets_so_discord_py_waits_first(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    fake.bucket_limits["/channels/{channel_id}/messages"] = (2, 0.5)
    channel = _text_channel(bot, fake.general_channel_id)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for index in range(5):
        await channel.send(f"message {index}")
    # discord.py read X-RateLimit-Remaining: 0 and waited out each window itself.
    assert loop.time() - started >= 1.0
    assert fake.bucket_refusals == []
    # A client that ignores the headers is refused, as Discord refuses it.
    path = f"/channels/{fake.general_channel_id}/messages"
    answers = [await _raw(fake, "POST", path, {"content": "x"}) for _ in range(3)]
    statuses = [status for status, _, _ in answers]
    assert 429 in statuses and fake.bucket_refusals
    _, body, headers = answers[statuses.index(429)]
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Scope"] == "user"
    assert body["retry_after"] > 0 and float(headers["X-RateLimit-Reset-After"]) > 0
    # Another channel is another bucket.
    other = fake.add_channel(fake.guild_id, "other")
    status, _, headers = await _raw(fake, "POST", f"/channels/{other}/messages", {"content": "x"})
    assert status == 200 and headers["X-RateLimit-Remaining"] == "1"


async def test_the_fake_refuses_unknown_emoji(bot: JuntoBot, fake_discord: FakeDiscord) -> None:
    message = await _text_channel(bot, fake_discord.general_channel_id).send("react")
    for emoji in ("thumbsup", "<:party:123456789012345678>"):
        with pytest.raises(discord.HTTPException) as refused:
            await message.add_reaction(emoji)
        assert refused.value.code == 10014
    await message.add_reaction("✅")


async def test_the_fake_sends_reaction_clears_and_super_reactions(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    alice = fake.user_ids["alice"]
    channel_id = fake.general_channel_id
    message = await _text_channel(bot, channel_id).send("vote")
    burst = bot.wait_for("raw_reaction_add", check=lambda p: p.user_id == alice, timeout=2)
    await fake.add_reaction(alice, channel_id, message.id, "✅", burst=True)
    assert (await burst).burst
    await fake.add_reaction(alice, channel_id, message.id, "✅")
    counted = fake.render_message(message.id)["reactions"][0]
    assert counted["count"] == 2 and counted["count_details"] == {"burst": 1, "normal": 1}
    one = bot.wait_for("raw_reaction_clear_emoji", timeout=2)
    await fake.clear_reactions(channel_id, message.id, "✅")
    assert str((await one).emoji) == "✅"
    await fake.add_reaction(alice, channel_id, message.id, "❌")
    every = bot.wait_for("raw_reaction_clear", timeout=2)
    await message.clear_reactions()  # a moderator's REST call, as Junto would see it
    assert (await every).message_id == message.id
    assert "reactions" not in fake.render_message(message.id)


async def test_the_fake_records_embed_titles_discord_would_show_raw(
    bot: JuntoBot, fake_discord: FakeDiscord
) -> None:
    channel = _text_channel(bot, fake_discord.general_channel_id)
    await channel.send(embed=discord.Embed(title="Plain title", description="**fine here**"))
    assert fake_discord.raw_markup == []
    for title in ("**Bob's record**", "At <t:1796119200:f>", "Hi <@123>"):
        await channel.send(embed=discord.Embed(title=title))
    assert [t for _, t in fake_discord.raw_markup] == [
        "**Bob's record**",
        "At <t:1796119200:f>",
        "Hi <@123>",
    ]
    fake_discord.raw_markup.clear()  # seen; the fixture checks the list is empty
