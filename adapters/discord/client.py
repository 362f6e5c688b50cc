"""The Discord adapter: a discord.py client, its slash commands built from the catalogue.

Every interaction is one core call, acknowledged before it runs: the adapter
defers at once (a private "thinking…", so nobody else sees a flash of it before a
private answer), and only a command Discord took the acknowledgement for is run.
One that comes too late (Discord's three seconds passed, or a RESUME replayed it)
or that another process already acknowledged is not acted on, so nothing happens
that its member is never told of, and their retry can't make it happen twice.
The answer then fills the "thinking…" message, or, when public, replaces it with a
message of its own; a private error when anything fails. The interaction id is
the command key, so a redelivered interaction changes nothing; one already seen by
this process is not answered a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from adapters.discord import replies, wording
from adapters.discord.commands import (
    PLATFORM,
    PLATFORM_MAX_LENGTH,
    Localizations,
    choices,
    in_sync,
    payloads,
    read_command,
    suggestion_kind,
)
from adapters.discord.components import event_view, read_rsvp
from adapters.discord.notices import REVIEW_EMOJI, TO_REVIEW, DmClosed, Poster, Unusable
from adapters.discord.reactions import ReactionState
from adapters.discord.scheduled_events import EventMirror
from adapters.discord.settings import DiscordConfig
from bot.core import Call, CommunitySpec, Core, Reaction
from bot.errors import DomainError
from bot.model.members import Actor
from bot.model.units import circle_name
from bot.rendering import render
from bot.replies import Notice, Outcome, internal_error

log = logging.getLogger(__name__)

ALREADY_ACKNOWLEDGED = 40060
UNKNOWN_INTERACTION = 10062
INVALID_WEBHOOK_TOKEN = 50027
# Interactions remembered to spot a redelivery; far more than arrive in three seconds.
SEEN_LIMIT = 10_000
DEFAULT_CORE_CONCURRENCY = 8
# Answers sent at once; the rest of the HTTP connections stay free for acknowledgements.
ANSWER_CONCURRENCY = 16
# Discord wants choices within 3 s of the keystroke; what isn't found by then is not offered.
AUTOCOMPLETE_BUDGET = 2.0
# Discord's limits on making a circle's own channel.
MAX_CATEGORY_CHANNELS = 50
MAX_GUILD_CHANNELS = 500
# Discord's limit on a scheduled event's location, which `where` becomes.
MAX_LOCATION = PLATFORM_MAX_LENGTH["where"]
# Commands after which a circle's channel is checked for what Junto needs there.
CIRCLE_PLACE_COMMANDS = frozenset({"circle create", "event schedule"})
# How long a command waits for deferrals under way to go out before it runs.
DEFERRALS_FIRST = 0.25
HTTP_CONNECTIONS = 32
GUILD_ONLY = "Junto's commands work in a server: the server is the community."
# Discord out of reach: nothing more can be said to the member.
UNREACHABLE = (aiohttp.ClientError, ConnectionError, TimeoutError)
# Commands that change what a calendar shows, after which the guild's scheduled
# events are brought in line.
CALENDAR_COMMANDS = frozenset({"event schedule", "event edit", "event cancel"})


def intents() -> discord.Intents:
    """Guilds (channels, roles, the guild's name) and reactions; nothing privileged."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    return wanted


def make_client(config: DiscordConfig, *, guild_ready_timeout: float = 2.0) -> discord.Client:
    """The client for the config: sharded when it names shards. Call it in a running loop."""
    # A bounded pool of kept-alive connections: a burst of interactions then reuses
    # them instead of opening one connection (and TLS handshake) per answer.
    options: dict[str, Any] = {
        "intents": intents(),
        "guild_ready_timeout": guild_ready_timeout,
        "connector": aiohttp.TCPConnector(limit=HTTP_CONNECTIONS),
    }
    if config.shard_count is not None:
        options["shard_count"] = config.shard_count
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        return discord.AutoShardedClient(**options)
    return discord.Client(**options)


@contextlib.contextmanager
def discord_urls(api_base: str | None, gateway_url: str | None) -> Iterator[None]:
    """Point discord.py at a Discord-compatible server, and back afterwards.

    discord.py keeps these URLs on classes, so one process talks to one Discord."""
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    try:
        if api_base is not None:
            discord.http.Route.BASE = api_base
        if gateway_url is not None:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


@dataclass
class SyncResult:
    synced: bool
    commands: int


class DiscordAdapter:
    """Binds one discord.py client to the core."""

    def __init__(
        self,
        core: Core,
        config: DiscordConfig,
        *,
        client: discord.Client | None = None,
        guild_ready_timeout: float = 2.0,
        core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
        locales: Localizations | None = None,
    ) -> None:
        self.core = core
        self.config = config
        self.client = client or make_client(config, guild_ready_timeout=guild_ready_timeout)
        self._core_slots = asyncio.Semaphore(core_concurrency)
        self._answer_slots = asyncio.Semaphore(ANSWER_CONCURRENCY)
        self.autocomplete_budget = AUTOCOMPLETE_BUDGET
        self._deferring = 0
        self._no_deferrals = asyncio.Event()
        self._no_deferrals.set()
        self.locales = locales or Localizations({})
        self.reactions = ReactionState()
        self.poster = Poster(
            self.client, core, self.community_id_spec, self.guild_of, self.reactions.track
        )
        self.events = EventMirror(self.client, core, self.community_id_spec, self.tell_admins)
        self.last_sync: SyncResult | None = None
        self._seen: OrderedDict[int, None] = OrderedDict()
        # Reactions the bot took off a refused ballot: their removal is not a withdrawal.
        self._undone: set[tuple[int, int, str]] = set()
        self.client.setup_hook = self._setup_hook  # type: ignore[method-assign]
        for handler in (
            self.on_interaction,
            self.on_raw_reaction_add,
            self.on_raw_reaction_remove,
            self.on_raw_reaction_clear,
            self.on_raw_reaction_clear_emoji,
            self.on_ready,
        ):
            self.client.event(handler)

    # ------------------------------------------------------------ start and sync

    async def _setup_hook(self) -> None:
        await self.sync_commands()

    async def sync_commands(self) -> SyncResult:
        """Register the catalogue as application commands, only if Discord's copy differs."""
        wanted = payloads(self.core.catalogue, self.locales)
        http = self.client.http
        application_id = self.client.application_id
        assert application_id is not None, "sync runs after login"
        guild = self.config.sync_guild
        if guild is not None:
            registered = await http.get_guild_commands(application_id, guild)
        else:
            registered = await http.get_global_commands(application_id)
        if in_sync(wanted, registered):
            log.info("application commands are up to date (%d)", len(wanted))
            self.last_sync = SyncResult(False, len(wanted))
            return self.last_sync
        if guild is not None:
            await http.bulk_upsert_guild_commands(application_id, guild, wanted)
        else:
            await http.bulk_upsert_global_commands(application_id, wanted)
        log.info("synced %d application commands", len(wanted))
        self.last_sync = SyncResult(True, len(wanted))
        return self.last_sync

    async def on_ready(self) -> None:
        for guild in self.client.guilds:
            self.events.request(guild.id)

    # ------------------------------------------------------------ who and where

    def community_id_spec(self, guild_id: int) -> CommunitySpec:
        guild = self.client.get_guild(guild_id)
        slug = self.config.community_slug(guild_id)
        return CommunitySpec(slug=slug, name=guild.name if guild else slug)

    def guild_of(self, slug: str) -> int | None:
        """The guild a community is, when it is one of this bot's."""
        for guild_id, named in self.config.communities.items():
            if named == slug:
                return guild_id
        prefix = "discord-"
        if slug.startswith(prefix) and slug[len(prefix) :].isdigit():
            guild_id = int(slug[len(prefix) :])
            if self.config.community_slug(guild_id) == slug:
                return guild_id
        return None

    @staticmethod
    def actor(user: discord.abc.User, *, manage_guild: bool) -> Actor:
        return Actor(PLATFORM, str(user.id), user.display_name, platform_admin=manage_guild)

    def _interaction_actor(self, interaction: discord.Interaction) -> Actor:
        return self.actor(interaction.user, manage_guild=interaction.permissions.manage_guild)

    def _first_delivery(self, interaction_id: int) -> bool:
        if interaction_id in self._seen:
            return False
        self._seen[interaction_id] = None
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    # ------------------------------------------------------------ interactions

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        kind = interaction.type
        if kind not in (
            discord.InteractionType.application_command,
            discord.InteractionType.component,
            discord.InteractionType.autocomplete,
        ):
            return
        if not self._first_delivery(interaction.id):
            log.info("interaction %s delivered again; it was answered once", interaction.id)
            return
        if kind is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction)
            return
        if interaction.guild_id is None:
            await self._answer_text(interaction, GUILD_ONLY)
            return
        try:
            call = self._call(interaction)
        except Exception as error:  # a payload we can't read still gets an answer
            failure = self._failure(interaction, error).reply
            await self._answer_text(interaction, render(failure, replies.style()))
            return
        if call is None:
            return
        await self._handle(interaction, call)

    def _call(self, interaction: discord.Interaction) -> Call | None:
        data: Mapping[str, Any] = interaction.data or {}
        assert interaction.guild_id is not None
        if interaction.type is discord.InteractionType.component:
            found = read_rsvp(str(data.get("custom_id", "")))
            if found is None:
                return None  # not a Junto button
            command, args = found
        else:
            invocation = read_command(data)
            command, args = invocation.command, invocation.args
        return Call(
            command,
            self._interaction_actor(interaction),
            f"discord:{interaction.id}",
            self.community_id_spec(interaction.guild_id),
            args,
            place=str(interaction.channel_id) if interaction.channel_id else None,
        )

    async def _handle(self, interaction: discord.Interaction, call: Call) -> None:
        refusal = self._refused_at_the_edge(call)
        if refusal is not None:
            await self._answer_text(interaction, refusal)
            return
        if not await self._acknowledge(interaction):
            return
        try:
            outcome = await self._run(interaction, call)
        except Exception as error:  # never leave the member without an answer
            outcome = self._failure(interaction, error)
        if (
            call.command in CALENDAR_COMMANDS
            and interaction.guild_id is not None
            and not (outcome.refused or outcome.replayed)
        ):
            # Asked for before answering, so the guild's calendar is already being
            # brought up to date when the member reads the answer.
            self.events.request(interaction.guild_id)
        # A few answers at a time, like commands: the acknowledgements of a burst never
        # queue behind a crowd of answers for the loop and the connections.
        async with self._answer_slots:
            sent = await self._answer(interaction, outcome)
        try:
            if sent is not None:
                await self.poster.posted(
                    sent, interaction.channel_id or 0, call.community, outcome.reply
                )
            await self.poster.deliver(outcome.notices, fallback_channel=interaction.channel_id)
            if call.command in CIRCLE_PLACE_COMMANDS and not (outcome.refused or outcome.replayed):
                await self._check_circle_place(interaction, call, outcome)
        except Exception:  # the member has their answer; the rest is logged
            log.exception("after answering %s", call.command)

    def _refused_at_the_edge(self, call: Call) -> str | None:
        """Discord's own limits, said before anything is done."""
        where = call.args.get("where")
        if (
            call.command.startswith("event ")
            and isinstance(where, str)
            and len(where.strip()) > MAX_LOCATION
        ):
            return wording.location_too_long(MAX_LOCATION, len(where.strip()))
        return None

    async def _acknowledge(self, interaction: discord.Interaction) -> bool:
        """Defer ("thinking…", privately); False when Discord did not take it, and then
        the command must not run: nobody could be told what it did."""
        self._deferring += 1
        self._no_deferrals.clear()
        try:
            await interaction.response.defer(thinking=True, ephemeral=True)
            return True
        except discord.HTTPException as error:
            # 10062: too late or replayed; 40060: another process has it.
            log.info(
                "interaction %s not acknowledged (%s); not acted on",
                interaction.id,
                error.code or error.status,
            )
            return False
        except UNREACHABLE as error:
            log.warning("could not reach Discord to acknowledge %s: %r", interaction.id, error)
            return False
        finally:
            self._deferring -= 1
            if not self._deferring:
                self._no_deferrals.set()

    async def _check_circle_place(
        self, interaction: discord.Interaction, call: Call, outcome: Outcome
    ) -> None:
        """Tell the lead, privately, when the circle's channel lacks what Junto needs to
        post its notices and reviews there, and what to grant."""
        circle = outcome.reply.params.get("circle") or outcome.reply.params.get("name")
        if not isinstance(circle, str):
            return
        place = await self.core.circle_place(call.community, circle, PLATFORM)
        if place is None or not place.isdigit():
            return
        channel_id = int(place)
        if channel_id == interaction.channel_id:
            # Discord sent the bot's permissions in this channel with the interaction.
            missing = wording.missing_permissions(interaction.app_permissions, TO_REVIEW)
        else:
            missing = self.poster.missing(channel_id, TO_REVIEW)
        if not missing:
            return
        text = wording.circle_channel_warning(channel_id, missing, circle)
        try:
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        except (discord.HTTPException, *UNREACHABLE) as error:
            log.info("could not warn about channel %s: %r", channel_id, error)

    async def _after_acknowledgements(self) -> None:
        """Let acknowledgements under way go first (for a moment: under steady load
        there is always one under way)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_deferrals.wait(), DEFERRALS_FIRST)

    async def _run(self, interaction: discord.Interaction, call: Call) -> Outcome:
        # Acknowledgements keep Discord's deadline, so they go first; then a few
        # commands at a time: more would only queue on the database while holding up
        # the loop.
        await self._after_acknowledgements()
        async with self._core_slots:
            if call.command == "circle create":
                return await self._create_circle(interaction, call)
            return await self.core.run(call)

    async def _create_circle(self, interaction: discord.Interaction, call: Call) -> Outcome:
        """A new circle gets a channel of its own when the bot may make one; else its
        place is the channel it was created in."""
        guild = interaction.guild
        channel = None
        if (
            self.config.circle_channels
            and guild is not None
            and interaction.app_permissions.manage_channels
            and _valid_circle_name(call.args.get("name"))
            and len(guild.channels) < MAX_GUILD_CHANNELS
        ):
            channel = await self._circle_channel(guild, interaction, call)
        if channel is None:
            return await self.core.run(call)
        outcome = await self.core.run(
            Call(call.command, call.actor, call.key, call.community, call.args, str(channel.id))
        )
        if outcome.refused or outcome.replayed:
            with contextlib.suppress(discord.HTTPException):
                await channel.delete(reason="the circle was not created")
        return outcome

    async def _circle_channel(
        self, guild: discord.Guild, interaction: discord.Interaction, call: Call
    ) -> discord.TextChannel | None:
        """A text channel for the circle, in this channel's category while it has room
        (Discord holds 50 channels in a category), else outside any category."""
        parent = getattr(interaction.channel, "category", None)
        if parent is not None and len(parent.channels) >= MAX_CATEGORY_CHANNELS:
            parent = None
        for category in dict.fromkeys([parent, None]):
            try:
                return await guild.create_text_channel(
                    str(call.args["name"]).strip().lower(),
                    category=category,
                    topic=str(call.args.get("topic") or "")[:1024],
                    reason="a Junto circle",
                )
            except discord.HTTPException as error:
                log.warning("could not make a channel for a circle: %s", error.text)
                if category is None or error.status != 400:
                    return None
        return None

    def _failure(self, interaction: discord.Interaction, error: BaseException) -> Outcome:
        return Outcome(internal_error(log, f"interaction {interaction.id}", error), refused=True)

    async def _answer(self, interaction: discord.Interaction, outcome: Outcome) -> int | None:
        """Answer the acknowledged interaction once; the id of the message when it is
        public (something may anchor to it).

        A private answer fills the private "thinking…" message. A public one takes a
        message of its own: the thinking message goes first, since the first followup
        after a deferral would otherwise take its place, and its privacy."""
        reply = outcome.reply
        timezone = outcome.actor_timezone if reply.private else outcome.community_timezone
        body = replies.body(reply, timezone, upload_limit=_upload_limit(interaction))
        # Acknowledgements keep Discord's deadline; answers can wait a moment for them.
        await self._after_acknowledgements()
        kwargs = body.send_kwargs()
        view = event_view(reply) if not body.ephemeral else None
        if view is not None:
            kwargs["view"] = view
        try:
            if body.ephemeral:
                # Discord's endpoint for filling a deferred answer (a followup doing it
                # is a deprecated fallback).
                files = kwargs.pop("files", None)
                if files:
                    kwargs["attachments"] = files
                await interaction.edit_original_response(**kwargs)
                return None
            with contextlib.suppress(discord.NotFound):
                await interaction.delete_original_response()
            if reply.anchor is None:
                # Nothing will stand on this message: no need to wait for its copy back.
                await interaction.followup.send(**kwargs)
                return None
            message = await interaction.followup.send(**kwargs, wait=True)
            return message.id
        except discord.HTTPException as error:
            if error.code in (ALREADY_ACKNOWLEDGED, UNKNOWN_INTERACTION):
                log.info("interaction %s was answered already (%s)", interaction.id, error.code)
                return None
            if error.code == INVALID_WEBHOOK_TOKEN:
                # Fifteen minutes passed: the interaction can't be answered any more.
                return await self._answer_late(interaction, outcome)
            failure = internal_error(log, f"answering interaction {interaction.id}", error)
            await self._answer_text(interaction, render(failure, replies.style()))
            return None
        except UNREACHABLE as error:
            log.error("could not reach Discord to answer %s: %r", interaction.id, error)
            return None

    async def _answer_late(self, interaction: discord.Interaction, outcome: Outcome) -> int | None:
        """After the interaction's token expired: privately by DM, publicly in the channel."""
        reply = outcome.reply
        log.warning("interaction %s answered after its token expired", interaction.id)
        try:
            if reply.private:
                await self.poster.send_dm(interaction.user.id, reply, outcome.actor_timezone)
                return None
            if interaction.channel_id is None:
                return None
            # Recorded as a post by send_to_channel itself, so nothing is returned.
            await self.poster.send_to_channel(
                interaction.channel_id, reply, outcome.community_timezone
            )
            return None
        except (DmClosed, Unusable, discord.HTTPException, *UNREACHABLE) as error:
            log.error("interaction %s got no answer: %r", interaction.id, error)
            return None

    async def _answer_text(self, interaction: discord.Interaction, text: str) -> None:
        """A last, plain private answer."""
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except (discord.HTTPException, *UNREACHABLE) as error:
            log.error("interaction %s got no answer: %r", interaction.id, error)

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        found: list[dict[str, str]] = []
        started = time.monotonic()
        try:
            invocation = read_command(interaction.data or {})
            command = self.core.catalogue.get(invocation.command)
            arg = command.arg(invocation.focused) if command and invocation.focused else None
            kind = suggestion_kind(arg) if arg is not None else None
            if kind is not None and interaction.guild_id is not None:
                suggestions = await asyncio.wait_for(
                    self.core.suggest(
                        self.community_id_spec(interaction.guild_id),
                        self._interaction_actor(interaction),
                        kind,
                        invocation.typed,
                    ),
                    self.autocomplete_budget - (time.monotonic() - started),
                )
                found = choices((s.label, s.value) for s in suggestions)
        except TimeoutError:  # in time with nothing beats late with everything
            log.info("autocomplete %s: no suggestions within the deadline", interaction.id)
        except Exception:  # an empty list is a better answer than none
            log.exception("autocomplete failed")
        try:
            await interaction.response.autocomplete(
                [app_commands.Choice(name=c["name"], value=c["value"]) for c in found]
            )
        except (discord.HTTPException, *UNREACHABLE) as error:
            log.info("autocomplete %s not answered: %r", interaction.id, error)

    # ------------------------------------------------------------ reactions

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, added=True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, added=False)

    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        """A moderator removed every reaction: the ballots they cast are withdrawn."""
        await self._cleared(payload.guild_id, payload.channel_id, payload.message_id, None)

    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        """A moderator removed every reaction of one emoji."""
        await self._cleared(
            payload.guild_id, payload.channel_id, payload.message_id, str(payload.emoji)
        )

    def _is_bot(self, payload: discord.RawReactionActionEvent) -> bool:
        """Another bot's reaction is no ballot (an add names its member; a remove
        doesn't, so bots are remembered from their adds)."""
        if payload.member is not None and payload.member.bot:
            self.reactions.note_bot(payload.user_id)
            return True
        user = self.client.get_user(payload.user_id)
        return bool(user is not None and user.bot) or payload.user_id in self.reactions.bots

    async def _reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        me = self.client.user
        if payload.guild_id is None or (me is not None and payload.user_id == me.id):
            return
        if self._is_bot(payload):
            return
        author = payload.message_author_id
        if added and me is not None and author is not None and author != me.id:
            return  # only Junto's own posts stand for anything
        emoji = str(payload.emoji)
        marker = (payload.message_id, payload.user_id, emoji)
        if not added and marker in self._undone:
            self._undone.discard(marker)
            return
        message, user, burst = payload.message_id, payload.user_id, bool(payload.burst)
        async with self.reactions.turn(message, user):
            kinds = self.reactions.kinds(message, user, emoji)
            if added:
                if kinds:  # a normal and a super reaction of one emoji are one ballot
                    self.reactions.hold(message, user, emoji, burst)
                    return
            else:
                self.reactions.release(message, user, emoji, burst)
                if kinds - {burst}:
                    return  # the other kind still stands
            counted = await self._react(
                payload.guild_id, payload.channel_id, message, user, emoji, added, payload
            )
            if added and counted:
                self.reactions.hold(message, user, emoji, burst)

    async def _react(
        self,
        guild_id: int,
        channel_id: int,
        message_id: int,
        user_id: int,
        emoji: str,
        added: bool,
        payload: discord.RawReactionActionEvent | None = None,
    ) -> bool:
        """One reaction as a core call; whether it counted (a ballot cast or withdrawn)."""
        guild = self.client.get_guild(guild_id)
        member = (payload.member if payload else None) or (
            guild.get_member(user_id) if guild else None
        )
        actor = Actor(
            PLATFORM,
            str(user_id),
            member.display_name if member else "",
            platform_admin=bool(member and member.guild_permissions.manage_guild),
        )
        spec = self.community_id_spec(guild_id)
        # Reactions carry no id of their own; each gateway event is a new command.
        key = (
            f"discord:react:{message_id}:{user_id}:{emoji}:"
            f"{'add' if added else 'remove'}:{secrets.token_hex(6)}"
        )
        try:
            outcome = await self.core.react(
                Reaction(actor, key, spec, str(message_id), emoji, added)
            )
            if outcome is None:
                return False
            if outcome.refused and added and payload is not None:
                await self._undo_reaction(payload, emoji, (message_id, user_id, emoji))
            await self._tell_reactor(channel_id, user_id, outcome)
            await self.poster.deliver(outcome.notices)
            return not outcome.refused
        except Exception:  # a reaction has no one waiting on an answer; log it
            log.exception("reaction on message %s failed", message_id)
            return False

    async def _cleared(
        self, guild_id: int | None, channel_id: int, message_id: int, emoji: str | None
    ) -> None:
        if guild_id is None or not self.reactions.tracked(message_id):
            return
        for user_id, name in self.reactions.clear(message_id, emoji):
            async with self.reactions.turn(message_id, user_id):
                await self._react(guild_id, channel_id, message_id, user_id, name, False)
        # Junto's own ✅ and ❌ went too: put them back so people can vote again.
        for name in REVIEW_EMOJI:
            if emoji in (None, name):
                try:
                    await self.client.http.add_reaction(channel_id, message_id, name)
                except discord.HTTPException as error:
                    log.info("could not put %s back on %s: %s", name, message_id, error.text)

    async def _undo_reaction(
        self, payload: discord.RawReactionActionEvent, emoji: str, marker: tuple[int, int, str]
    ) -> None:
        channel = self.client.get_channel(payload.channel_id)
        guild = self.client.get_guild(payload.guild_id or 0)
        if guild is None or not isinstance(channel, discord.abc.GuildChannel):
            return
        if not channel.permissions_for(guild.me).manage_messages:
            return
        self._undone.add(marker)
        found = payload.emoji
        # The REST route names a custom emoji `name:id`, a Unicode one by itself.
        route_emoji = found.name if found.is_unicode_emoji() else f"{found.name}:{found.id}"
        try:
            await self.client.http.remove_reaction(
                payload.channel_id, payload.message_id, route_emoji or emoji, payload.user_id
            )
        except discord.HTTPException as error:
            self._undone.discard(marker)
            log.info("could not take a refused reaction off: %s", error.text)

    async def _tell_reactor(self, channel_id: int, user_id: int, outcome: Outcome) -> None:
        reply = outcome.reply
        if not reply.private:
            try:
                await self.poster.send_to_channel(channel_id, reply, outcome.community_timezone)
            except Unusable as unusable:
                log.info("reaction reply %s not posted: %s", reply.key, unusable)
            return
        try:
            await self.poster.send_dm(user_id, reply, outcome.actor_timezone)
        except DmClosed:
            log.info("reaction reply %s not sent: DMs closed", reply.key)

    async def tell_admins(self, guild_id: int, text: str) -> None:
        """Something only a server admin can fix: to the owner by DM, else in the
        server's system channel (where Discord posts its own notices to admins)."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return
        if guild.owner_id is not None:
            try:
                await self.poster.send_dm_text(guild.owner_id, text)
                return
            except (DmClosed, discord.HTTPException, *UNREACHABLE) as error:
                log.info("could not tell the owner of %s: %r", guild_id, error)
        channel = guild.system_channel
        if channel is not None and not self.poster.missing(channel.id):
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())

    # ------------------------------------------------------------ due work

    async def deliver(self, notices: Sequence[Notice]) -> list[Notice]:
        """Notices from due work (reminders, reviews, nudges); those left to try again."""
        return await self.poster.deliver(notices)

    # ------------------------------------------------------------ running

    async def start(self) -> None:
        await self.client.start(self.config.token)

    async def close(self) -> None:
        await self.events.close()
        await self.client.close()


def _upload_limit(interaction: discord.Interaction) -> int:
    """The most a file may weigh here: the interaction says (the guild's boosts count)."""
    limit = getattr(interaction, "filesize_limit", None)
    return limit if isinstance(limit, int) and limit > 0 else replies.DEFAULT_UPLOAD_LIMIT


def _valid_circle_name(value: Any) -> bool:
    try:
        circle_name(str(value or ""))
    except DomainError:
        return False
    return True
