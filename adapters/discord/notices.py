"""Messages Junto sends on its own: notices to members and circles, and posts that
stand for objects (a review people vote on with ✅ and ❌, an event with RSVP buttons).

A member notice is a direct message; when the member's DMs are closed (Discord
error 50007) it is posted with a mention in a circle channel of the community the
notice came from instead, unless it is private or already went to a channel the
member reads. One bot serves many guilds, so a fallback never looks outside the
notice's own community.

Discord bans an IP for a while after 10,000 refused (401, 403, 429) requests in ten
minutes, so refusals are remembered: a member whose DMs are closed is not tried
again for `CLOSED_DM_FOR`, and a channel where the bot lacks permissions (known
from the gateway's cache, or from a 403) is not posted to; the circle's leads (or
the server's owner) are told once what to grant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import aiohttp
import discord

from adapters.discord import replies, wording
from adapters.discord.commands import PLATFORM
from adapters.discord.components import event_view
from bot.core import CommunitySpec, Core
from bot.replies import Address, Notice, Reply

log = logging.getLogger(__name__)

CANNOT_DM = 50007
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
REVIEW_EMOJI = ("✅", "❌")

# How long a refusal is believed before trying again.
CLOSED_DM_FOR = timedelta(hours=6)
FORBIDDEN_CHANNEL_FOR = timedelta(minutes=30)
TELL_AGAIN_AFTER = timedelta(hours=24)
# Remembered refusals are pruned of expired ones once there are this many.
MEMORY_LIMIT = 10_000

# What Junto needs in a channel to post there, and for a review people vote on.
TO_POST = ("view_channel", "send_messages", "embed_links", "read_message_history")
TO_REVIEW = (*TO_POST, "add_reactions")
TO_ATTACH = ("attach_files",)

# Discord out of reach: nothing more goes out in this pass.
UNREACHABLE = (aiohttp.ClientError, ConnectionError, TimeoutError)

# The community a guild is, by guild id; and the guild a community is, by slug.
CommunityOf = Callable[[int], CommunitySpec]
GuildOf = Callable[[str], int | None]


class Unusable(Exception):
    """Junto lacks permissions in a channel (or Discord refused it there)."""

    def __init__(self, channel_id: int, missing: Sequence[str]) -> None:
        super().__init__(f"channel {channel_id} lacks {', '.join(missing)}")
        self.channel_id = channel_id
        self.missing = tuple(missing)


class Misplaced(Exception):
    """A channel of another community than the notice's: never posted to."""


class DmClosed(Exception):
    """The member's DMs are closed (remembered for a while)."""


def needed(reply: Reply) -> tuple[str, ...]:
    wanted = TO_REVIEW if reply.anchor is not None and reply.anchor.kind == "review" else TO_POST
    return (*wanted, *TO_ATTACH) if reply.attachments else wanted


def transient(error: BaseException) -> bool:
    """Worth trying again later: Discord failed, not refused."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, UNREACHABLE)


class Poster:
    """Sends replies and notices, and records the posts people react to."""

    def __init__(
        self,
        client: discord.Client,
        core: Core,
        community_of: CommunityOf,
        guild_of: GuildOf | None = None,
        on_review: Callable[[int], None] | None = None,
    ) -> None:
        self.client = client
        self.core = core
        self.community_of = community_of
        self.guild_of = guild_of or (lambda _slug: None)
        # Told of each review post, so its reactions are followed from the start.
        self.on_review = on_review
        self._dm_channels: dict[int, int] = {}
        # user id -> until when their DMs are taken to be closed
        self._closed_dms: dict[int, datetime] = {}
        # channel id -> (until when, what Discord refused)
        self._forbidden: dict[int, tuple[datetime, tuple[str, ...]]] = {}
        # (channel id, missing) -> when the people who can fix it were last told
        self._told: dict[tuple[int, tuple[str, ...]], datetime] = {}

    def _now(self) -> datetime:
        return self.core.clock.now()

    # ------------------------------------------------------------ what is known

    def dm_closed(self, user_id: int) -> bool:
        until = self._closed_dms.get(user_id)
        return until is not None and until > self._now()

    def _remember(self, memory: dict[int, datetime], key: int, until: datetime) -> None:
        if len(memory) >= MEMORY_LIMIT:
            now = self._now()
            for stale in [k for k, v in memory.items() if v <= now]:
                del memory[stale]
        memory[key] = until

    def missing(self, channel_id: int, wanted: Sequence[str] = TO_POST) -> list[str]:
        """What Junto lacks in a channel: from the gateway's cache of roles and
        overwrites, else what Discord refused lately; [] when nothing is known."""
        remembered = self._forbidden.get(channel_id)
        if remembered is not None and remembered[0] > self._now():
            return list(remembered[1])
        channel = self.client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        me = channel.guild.me
        if me is None:
            return []
        return wording.missing_permissions(channel.permissions_for(me), wanted)

    def _refused(self, channel_id: int, error: discord.Forbidden) -> Unusable:
        missing = ("view_channel",) if error.code == MISSING_ACCESS else ("send_messages",)
        until = self._now() + FORBIDDEN_CHANNEL_FOR
        if len(self._forbidden) >= MEMORY_LIMIT:
            self._forbidden.clear()
        self._forbidden[channel_id] = (until, missing)
        return Unusable(channel_id, missing)

    def _community_of_channel(self, channel_id: int) -> str | None:
        channel = self.client.get_channel(channel_id)
        if isinstance(channel, discord.abc.GuildChannel):
            return self.community_of(channel.guild.id).slug
        return None

    # ------------------------------------------------------------ posts

    async def posted(
        self, message_id: int, channel_id: int, community: CommunitySpec | None, reply: Reply
    ) -> None:
        """A public message went out: if it stands for an object, remember which, and
        add the reactions people vote with."""
        anchor = reply.anchor
        if anchor is None or community is None:
            return
        await self.core.record_post(community, PLATFORM, str(message_id), anchor)
        if anchor.kind == "review":
            if self.on_review is not None:
                self.on_review(message_id)
            for emoji in REVIEW_EMOJI:
                try:
                    await self.client.http.add_reaction(channel_id, message_id, emoji)
                except discord.Forbidden as error:
                    raise self._refused_reactions(channel_id, error) from None

    def _refused_reactions(self, channel_id: int, error: discord.Forbidden) -> Unusable:
        log.warning("could not add review reactions in %s: %s", channel_id, error.text)
        return Unusable(channel_id, ("add_reactions", "read_message_history"))

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        found = self.client.get_channel(channel_id)
        if isinstance(found, discord.abc.Messageable):
            return found
        # Not in this process's cache (another shard's guild): sent by id, no lookup.
        return self.client.get_partial_messageable(channel_id)

    async def send_to_channel(
        self,
        channel_id: int,
        reply: Reply,
        timezone: str,
        *,
        mention: int | None = None,
        community: str | None = None,
    ) -> discord.Message:
        """Post in a channel; raises Unusable (without asking Discord) where Junto lacks
        permissions, and Misplaced for a channel of another community than `community`."""
        owner = self._community_of_channel(channel_id)
        if community is not None and owner is not None and owner != community:
            raise Misplaced(f"channel {channel_id} belongs to {owner}, not {community}")
        missing = self.missing(channel_id, needed(reply))
        if missing:
            raise Unusable(channel_id, missing)
        body = replies.body(reply, timezone, ephemeral=False)
        kwargs = body.send_kwargs()
        if mention is not None:
            text = kwargs.pop("content", "")
            if len(text) > replies.MAX_CONTENT - 30:
                # No room for the mention: the text moves into an embed of its own.
                kwargs.setdefault("embeds", []).insert(
                    0, discord.Embed(description=text[: replies.MAX_EMBED_TEXT])
                )
                text = ""
            kwargs["content"] = f"<@{mention}> {text}".strip()
            kwargs["allowed_mentions"] = discord.AllowedMentions(
                users=[discord.Object(mention)], everyone=False, roles=False
            )
        view = event_view(reply)
        if view is not None:
            kwargs["view"] = view
        try:
            message = await self._channel(channel_id).send(**kwargs)
        except discord.Forbidden as error:
            raise self._refused(channel_id, error) from None
        spec = self._spec(community or owner)
        await self.posted(message.id, channel_id, spec, reply)
        return message

    def _spec(self, slug: str | None) -> CommunitySpec | None:
        if slug is None:
            return None
        guild_id = self.guild_of(slug)
        if guild_id is not None:
            return self.community_of(guild_id)
        return CommunitySpec(slug, slug)

    async def _dm_channel(self, user_id: int) -> discord.abc.Messageable:
        channel_id = self._dm_channels.get(user_id)
        if channel_id is None:
            # Opened by id: no user lookup first, one request fewer per member.
            data = await self.client.http.start_private_message(user_id)
            channel_id = int(data["id"])
            if len(self._dm_channels) >= MEMORY_LIMIT:
                self._dm_channels.clear()
            self._dm_channels[user_id] = channel_id
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def send_dm(self, user_id: int, reply: Reply, timezone: str) -> discord.Message:
        """A direct message; raises DmClosed when the member's DMs are closed (learnt
        now, or remembered from a refusal within `CLOSED_DM_FOR`)."""
        kwargs = replies.body(reply, timezone, ephemeral=False).send_kwargs()
        return await self._dm(user_id, kwargs)

    async def send_dm_text(self, user_id: int, text: str) -> discord.Message:
        return await self._dm(
            user_id, {"content": text, "allowed_mentions": discord.AllowedMentions.none()}
        )

    async def _dm(self, user_id: int, kwargs: dict[str, object]) -> discord.Message:
        if self.dm_closed(user_id):
            raise DmClosed(user_id)
        channel = await self._dm_channel(user_id)
        try:
            return await channel.send(**kwargs)  # type: ignore[call-overload]
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            self._remember(self._closed_dms, user_id, self._now() + CLOSED_DM_FOR)
            raise DmClosed(user_id) from None

    # ------------------------------------------------------------ notices

    async def deliver(
        self, notices: Sequence[Notice], *, fallback_channel: int | None = None
    ) -> list[Notice]:
        """Send each notice to its Discord addresses; the notices (narrowed to their
        addresses) that did not go and may yet: those on other platforms, and those
        Discord failed (5xx, 429, out of reach). A member or channel that is gone or
        refuses is logged and dropped; sending again would only be refused again."""
        left: list[Notice] = []
        reachable = True
        for notice in notices:
            pending = [a for a in notice.addresses if a.platform != PLATFORM]
            ours = [a for a in notice.addresses if a.platform == PLATFORM]
            in_a_channel = any(a.kind == "place" for a in ours)
            for address in ours:
                if not reachable:
                    pending.append(address)
                    continue
                try:
                    await self._deliver_one(
                        notice, address, None if in_a_channel else fallback_channel, in_a_channel
                    )
                except Unusable as unusable:
                    log.warning(
                        "%s not posted in %s: Junto lacks %s",
                        notice.reply.key,
                        unusable.channel_id,
                        ", ".join(unusable.missing),
                    )
                    await self._tell(notice, unusable)
                except Misplaced as error:
                    log.error("%s not posted: %s", notice.reply.key, error)
                except Exception as error:
                    if not transient(error):
                        log.warning(
                            "could not deliver %s to %s %s: %r",
                            notice.reply.key,
                            address.kind,
                            address.external_id,
                            error,
                        )
                        continue
                    log.info("delivering %s failed, kept to try again: %r", notice.reply.key, error)
                    pending.append(address)
                    reachable = not isinstance(error, UNREACHABLE)
            if pending:
                left.append(notice.only(pending))
        return left

    async def _deliver_one(
        self, notice: Notice, address: Address, fallback_channel: int | None, in_a_channel: bool
    ) -> None:
        if address.kind == "place":
            await self.send_to_channel(
                int(address.external_id),
                notice.reply,
                address.timezone,
                community=notice.community,
            )
            return
        await self._to_member(notice, address, fallback_channel, may_fall_back=not in_a_channel)

    async def _to_member(
        self,
        notice: Notice,
        address: Address,
        fallback_channel: int | None,
        *,
        may_fall_back: bool,
    ) -> None:
        user_id = int(address.external_id)
        reply = notice.reply
        try:
            await self.send_dm(user_id, reply, address.timezone)
            return
        except DmClosed:
            pass
        if not may_fall_back or reply.private:
            log.info("%s: DMs of %s closed; not for a channel", reply.key, user_id)
            return
        place = await self.fallback_place(user_id, notice, fallback_channel)
        if place is None:
            log.info("%s: DMs closed and no circle channel to fall back to", reply.key)
            return
        await self.send_to_channel(
            place, reply, address.timezone, mention=user_id, community=notice.community
        )

    async def fallback_place(
        self, user_id: int, notice: Notice, fallback_channel: int | None
    ) -> int | None:
        """In the notice's own community: the channel of the circle it is about (or of
        one the member sits in); else where the member just spoke."""
        if notice.community is None:
            return None  # a notice from before notices named their community
        circle = notice.reply.params.get("circle")
        circle_name = circle if isinstance(circle, str) else None
        spec = self._spec(notice.community)
        assert spec is not None
        place = await self.core.fallback_place(spec, PLATFORM, str(user_id), circle_name)
        if place is not None and place.isdigit() and not self.missing(int(place)):
            return int(place)
        if fallback_channel is not None and not self.missing(fallback_channel):
            return fallback_channel
        return int(place) if place is not None and place.isdigit() else None

    # ------------------------------------------------------------ telling who can fix it

    async def _tell(self, notice: Notice, unusable: Unusable) -> None:
        """Tell the circle's leads (or the server's owner) once what to grant."""
        key = (unusable.channel_id, unusable.missing)
        now = self._now()
        last = self._told.get(key)
        if last is not None and now - last < TELL_AGAIN_AFTER:
            return
        self._told[key] = now
        circle = notice.reply.params.get("circle") or notice.reply.params.get("name")
        text = wording.grant_in_channel(
            unusable.channel_id, unusable.missing, circle if isinstance(circle, str) else None
        )
        for user_id in await self._fixers(notice, unusable.channel_id):
            try:
                await self.send_dm_text(user_id, text)
            except (DmClosed, discord.HTTPException, *UNREACHABLE) as error:
                log.info(
                    "could not tell %s about channel %s: %r", user_id, unusable.channel_id, error
                )

    async def _fixers(self, notice: Notice, channel_id: int) -> list[int]:
        spec = self._spec(notice.community)
        found: list[int] = []
        if spec is not None and notice.circle_id is not None:
            leads = await self.core.circle_leads(spec, notice.circle_id, PLATFORM)
            found.extend(int(u) for u in leads if u.isdigit())
        if not found:
            channel = self.client.get_channel(channel_id)
            guild = channel.guild if isinstance(channel, discord.abc.GuildChannel) else None
            if guild is None and notice.community is not None:
                guild_id = self.guild_of(notice.community)
                guild = self.client.get_guild(guild_id) if guild_id is not None else None
            if guild is not None and guild.owner_id is not None:
                found.append(guild.owner_id)
        return list(dict.fromkeys(found))
