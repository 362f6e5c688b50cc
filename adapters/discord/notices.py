"""Messages Junto sends on its own: notices to members and circles, and posts that
stand for objects (a review people vote on with ✅ and ❌, an event with RSVP buttons).

A member notice is a direct message; when the member's DMs are closed (Discord
error 50007) it is posted with a mention in the circle's channel instead, unless
it is private or already went to a channel the member reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import discord

from adapters.discord import replies
from adapters.discord.commands import PLATFORM
from adapters.discord.components import event_view
from bot.core import CommunitySpec, Core
from bot.replies import Address, Notice, Reply

log = logging.getLogger(__name__)

CANNOT_DM = 50007
REVIEW_EMOJI = ("✅", "❌")

# The community a guild is, by guild id.
CommunityOf = Callable[[int], CommunitySpec]


class Poster:
    """Sends replies and notices, and records the posts people react to."""

    def __init__(self, client: discord.Client, core: Core, community_of: CommunityOf) -> None:
        self.client = client
        self.core = core
        self.community_of = community_of
        self._dm_channels: dict[int, discord.DMChannel] = {}

    # ------------------------------------------------------------ posts

    async def posted(
        self, message_id: int, channel_id: int, guild_id: int | None, reply: Reply
    ) -> None:
        """A public message went out: if it stands for an object, remember which, and
        add the reactions people vote with."""
        anchor = reply.anchor
        if anchor is None or guild_id is None:
            return
        await self.core.record_post(self.community_of(guild_id), PLATFORM, str(message_id), anchor)
        if anchor.kind == "review":
            for emoji in REVIEW_EMOJI:
                await self.client.http.add_reaction(channel_id, message_id, emoji)

    async def send_to_channel(
        self, channel_id: int, reply: Reply, timezone: str, *, mention: int | None = None
    ) -> discord.Message:
        channel = self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)
        assert isinstance(channel, discord.abc.Messageable)
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
        message = await channel.send(**kwargs)
        guild = getattr(channel, "guild", None)
        await self.posted(message.id, channel_id, guild.id if guild else None, reply)
        return message

    async def send_dm(self, user_id: int, reply: Reply, timezone: str) -> discord.Message:
        """A direct message; raises discord.Forbidden when the member's DMs are closed."""
        channel = self._dm_channels.get(user_id)
        if channel is None:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            channel = await user.create_dm()
            self._dm_channels[user_id] = channel
        kwargs = replies.body(reply, timezone, ephemeral=False).send_kwargs()
        return await channel.send(**kwargs)

    # ------------------------------------------------------------ notices

    async def deliver(
        self,
        notices: Sequence[Notice],
        *,
        fallback_channel: int | None = None,
        community: CommunitySpec | None = None,
    ) -> None:
        """Send each notice to its Discord addresses. A channel or member that is gone
        or forbids it is logged and skipped; anything else is raised, so due work tries
        its delivery again later."""
        for notice in notices:
            ours = [a for a in notice.addresses if a.platform == PLATFORM]
            in_a_channel = any(a.kind == "place" for a in ours)
            for address in ours:
                try:
                    if address.kind == "place":
                        await self.send_to_channel(
                            int(address.external_id), notice.reply, address.timezone
                        )
                    else:
                        await self._to_member(
                            address,
                            notice.reply,
                            fallback_channel=None if in_a_channel else fallback_channel,
                            community=community,
                            may_fall_back=not in_a_channel,
                        )
                except (discord.Forbidden, discord.NotFound) as error:
                    log.warning(
                        "could not deliver %s to %s %s: %s",
                        notice.reply.key,
                        address.kind,
                        address.external_id,
                        error.text or error.status,
                    )

    async def _to_member(
        self,
        address: Address,
        reply: Reply,
        *,
        fallback_channel: int | None,
        community: CommunitySpec | None,
        may_fall_back: bool,
    ) -> None:
        user_id = int(address.external_id)
        try:
            await self.send_dm(user_id, reply, address.timezone)
            return
        except discord.Forbidden as error:
            if error.code != CANNOT_DM or not may_fall_back or reply.private:
                raise
        place = await self.fallback_place(user_id, reply, community, fallback_channel)
        if place is None:
            log.info("%s: DMs closed and no circle channel to fall back to", reply.key)
            return
        await self.send_to_channel(place, reply, address.timezone, mention=user_id)

    async def fallback_place(
        self,
        user_id: int,
        reply: Reply,
        community: CommunitySpec | None,
        fallback_channel: int | None,
    ) -> int | None:
        """The channel of the circle the notice is about (or of one the member sits in);
        else where the member just spoke."""
        circle = reply.params.get("circle")
        circle_name = circle if isinstance(circle, str) else None
        if community is not None:
            specs = [community]
        else:
            specs = [self.community_of(guild.id) for guild in self.client.guilds]
        for spec in specs:
            place = await self.core.fallback_place(spec, PLATFORM, str(user_id), circle_name)
            if place is not None and place.isdigit():
                return int(place)
        return fallback_channel
