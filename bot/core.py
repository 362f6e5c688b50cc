"""`Core.run`: one command, one unit of work, one reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.arguments import bind
from bot.commands import Catalogue, Command, Ctx, ReactionHandler, Who
from bot.credentials.identity import CredentialsConfig
from bot.errors import DomainError
from bot.jobs import Host, address
from bot.model.members import Actor, Member
from bot.model.settings import Settings
from bot.model.units import storable, without_unstorable
from bot.ports.clock import Clock
from bot.ports.communities import Community
from bot.ports.unit_of_work import Duplicate, Retry, Unavailable, UnitOfWork, UnitOfWorkFactory
from bot.replies import Anchor, Notice, Outcome, Reply, error_reply, internal_error
from bot.services import circles, lookups, suggestions

log = logging.getLogger(__name__)

_ATTEMPTS = 4


@dataclass(frozen=True)
class CommunitySpec:
    """How an adapter names the community a command was said in."""

    slug: str
    name: str
    # The console's first speaker becomes its admin; chat platforms have their own admins.
    first_speaker_admin: bool = False


@dataclass(frozen=True)
class Call:
    command: str
    actor: Actor
    key: str
    community: CommunitySpec
    args: Mapping[str, Any] = field(default_factory=dict)
    # Where it was said (a channel or room id on the actor's platform).
    place: str | None = None


@dataclass(frozen=True)
class Reaction:
    """A neutral reaction event: someone added or removed an emoji on a message."""

    actor: Actor
    key: str
    community: CommunitySpec
    message_id: str
    emoji: str
    added: bool


DueWork = Callable[[Host], Awaitable[list[Notice]]]


class Core:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        catalogue: Catalogue,
        defaults: Mapping[str, Any] | None = None,
        reaction_handlers: Mapping[str, ReactionHandler] | None = None,
        due_work: Sequence[DueWork] = (),
        credentials: CredentialsConfig | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalogue = catalogue
        self.defaults = dict(defaults or {})
        self.reaction_handlers = dict(reaction_handlers or {})
        self.due_work = list(due_work)
        self.credentials = credentials or CredentialsConfig()
        # Communities never change once made, so each is looked up once per process.
        self._communities: dict[str, Community] = {}
        # Settings as last read, with the version they were read at; every command
        # reads the current version, so a change by any process is seen at once.
        self._settings: dict[int, tuple[int, Settings]] = {}

    async def _community(self, spec: CommunitySpec) -> Community:
        found = self._communities.get(spec.slug)
        if found is None:
            # Its own transaction, so a refused first command can't roll it back
            # while the cache remembers it.
            async with self.uow_factory() as uow:
                found = await uow.communities.get_or_create(spec.slug, spec.name, self.clock.now())
                await uow.commit()
            self._communities[spec.slug] = found
        return found

    async def run(self, call: Call) -> Outcome:
        if not _storable(call.actor, call.key, call.place or "", call.command):
            return _refused("input.unstorable_speaker")
        command = self.catalogue.get(call.command)
        if command is None:
            return Outcome(error_reply("command.unknown_nohint", {"command": call.command}))
        try:
            return await self._run_with_retries(call, command)
        except Unavailable as error:
            return _unavailable(call, error)

    async def _run_with_retries(self, call: Call, command: Command) -> Outcome:
        lost = False
        for attempt in range(_ATTEMPTS):
            try:
                return await self._run_once(call, command)
            except Retry:
                log.info("retrying %s after a storage conflict (attempt %d)", call.key, attempt)
            except Unavailable as error:
                if lost:
                    raise
                # Once more on a fresh connection: the one it had may have died while
                # idle. The key makes this safe if the first commit did land.
                lost = True
                log.info("retrying %s after losing the database: %s", call.key, error)
            except Duplicate:
                # The same key committed concurrently: its first result stands.
                # Any other clash (two members taking one name) is run again and
                # then meets the rule that refuses it.
                stored = await self._stored(call)
                if stored is not None:
                    return stored
        return Outcome(self._internal_error(call, RuntimeError("too many storage conflicts")))

    async def react(self, reaction: Reaction) -> Outcome | None:
        """Route a reaction on a message Junto posted to the object it stands for."""
        if not _storable(reaction.actor, reaction.key, reaction.message_id, reaction.emoji):
            return _refused("input.unstorable_speaker")
        try:
            return await self._react(reaction)
        except Unavailable as error:
            call = Call("react", reaction.actor, reaction.key, reaction.community)
            return _unavailable(call, error)

    async def _react(self, reaction: Reaction) -> Outcome | None:
        community = await self._community(reaction.community)
        async with self.uow_factory() as uow:
            anchor = await uow.posts.find(
                community.id, reaction.actor.platform, reaction.message_id
            )
        if anchor is None or anchor.kind not in self.reaction_handlers:
            return None
        handler = self.reaction_handlers[anchor.kind]

        async def run(ctx: Ctx, _args: Mapping[str, Any]) -> Reply:
            reply = await handler(ctx, anchor, reaction.emoji, reaction.added)
            return reply or Reply("reaction.ignored", private=True)

        pseudo = Command(f"react {anchor.kind}", (), "a reaction", Who.MEMBER, run)
        call = Call(pseudo.name, reaction.actor, reaction.key, reaction.community)
        outcome = await self._run_with_retries(call, pseudo)
        if outcome.reply.key == "reaction.ignored" and not outcome.notices:
            return None
        return outcome

    async def record_post(
        self, community: CommunitySpec, platform: str, message_id: str, anchor: Anchor
    ) -> None:
        """An adapter posted a message that stands for an object; remember which."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            await uow.posts.record(found.id, platform, message_id, anchor)
            await uow.commit()

    async def suggest(
        self, community: CommunitySpec, actor: Actor, kind: str, typed: str
    ) -> list[suggestions.Suggestion]:
        """What a half-typed argument may be (a circle name, an event's number...),
        for platforms that complete arguments as members type."""
        if not _storable(actor, typed, kind):
            return []
        found = await self._community(community)
        async with self.uow_factory() as uow:
            settings = Settings(self.defaults, await uow.settings.stored(found.id))
            member = await uow.members.by_identity(found.id, actor.platform, actor.external_id)
            asker = suggestions.Asker(
                found.id,
                member.id if member else None,
                (member.timezone if member else None) or settings.timezone,
                self.clock.now(),
            )
            return await suggestions.suggest(uow, asker, kind, typed)

    async def set_circle_place(
        self, community: CommunitySpec, circle: str, platform: str, external_id: str
    ) -> bool:
        """An adapter made a room or channel for a circle; its notices go there now."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            moved = await circles.move_place(uow, found.id, circle, platform, external_id)
            await uow.commit()
        return moved

    async def replace_place(
        self, community: CommunitySpec, platform: str, old: str, new: str
    ) -> int:
        """A place was replaced (an upgraded room): circles there move to the new one."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            moved = await circles.replace_place(uow, found.id, platform, old, new)
            await uow.commit()
        return moved

    async def fallback_place(
        self, community: CommunitySpec, platform: str, external_id: str, circle: str | None
    ) -> str | None:
        """A circle's place to reach a member whose private messages are closed."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            return await lookups.fallback_place(uow, found.id, platform, external_id, circle)

    async def circle_place(
        self, community: CommunitySpec, circle: str, platform: str
    ) -> str | None:
        """Where a circle's notices and reviews go on a platform."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            return await lookups.circle_place(uow, found.id, circle, platform)

    async def circle_leads(
        self, community: CommunitySpec, circle_id: int, platform: str
    ) -> list[str]:
        """Who to tell, on a platform, that a circle's place can't be used."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            return await lookups.circle_leads(uow, found.id, circle_id, platform)

    async def events_to_mirror(
        self, community: CommunitySpec, numbers: Sequence[int] | None = None
    ) -> list[lookups.EventView]:
        """Events as a platform's own calendar shows them: the upcoming ones, or these."""
        found = await self._community(community)
        async with self.uow_factory() as uow:
            return await lookups.events_to_mirror(uow, found.id, self.clock.now(), numbers)

    async def run_due(self) -> list[Notice]:
        """Run everything that has fallen due by the clock's now."""
        notices: list[Notice] = []
        for work in self.due_work:
            notices.extend(await work(self))
        return notices

    async def _stored(self, call: Call) -> Outcome | None:
        community = await self._community(call.community)
        actor = call.actor
        async with self.uow_factory() as uow:
            start = await uow.commands.start(
                community.id, call.key, actor.platform, actor.external_id
            )
            if start.stored is None:
                return None
            settings = await self._current_settings(uow, community.id, start.settings_version)
            return _replayed(start.stored.reply, start.member, settings)

    async def _current_settings(self, uow: UnitOfWork, community_id: int, version: int) -> Settings:
        kept = self._settings.get(community_id)
        if kept is not None and kept[0] == version:
            return kept[1]
        # Read after the version, so what is kept is never older than its stamp.
        settings = Settings(self.defaults, await uow.settings.stored(community_id))
        self._settings[community_id] = (version, settings)
        return settings

    async def _run_once(self, call: Call, command: Command) -> Outcome:
        now = self.clock.now()
        community = await self._community(call.community)
        actor = call.actor
        async with self.uow_factory() as uow:
            start = await uow.commands.start(
                community.id, call.key, actor.platform, actor.external_id
            )
            settings = await self._current_settings(uow, community.id, start.settings_version)
            if start.stored is not None:
                return _replayed(start.stored.reply, start.member, settings)
            member = start.member or await self._new_member(uow, community, call, now)
            ctx = Ctx(
                uow=uow,
                now=now,
                community=community,
                settings=settings,
                member=member,
                actor=call.actor,
                catalogue=self.catalogue,
                place=call.place,
                key=call.key,
                credentials=self.credentials,
            )
            try:
                _check_role(ctx, command)
                args = await bind(ctx, command, call.args)
                reply = await command.handler(ctx, args)
                notices = [
                    await address(uow, settings.timezone, n, community.slug) for n in ctx.notices
                ]
                await uow.commands.record(
                    community.id, call.key, command.name, member.id, reply.to_json(), now
                )
                if command.changes:
                    await uow.commands.audit(
                        community.id, member.id, command.name, call.key, _loggable(args), now
                    )
                await uow.commit()
                return _outcome(reply, member, settings, notices)
            except DomainError as error:
                failure = error_reply(error.code, error.params)
            except (Retry, Duplicate, Unavailable):
                raise
            except Exception as error:  # a bug must not leave a command unanswered
                failed = _outcome(self._internal_error(call, error), member, settings)
                return replace(failed, refused=True)
        # The command's work is rolled back; keep its refusal under its key so a
        # repeat gets the same answer. If a copy of this command committed
        # meanwhile, the refusal was caused by that copy: its result stands.
        if not await self._record_refusal(call, command, failure, now):
            stored_outcome = await self._stored(call)
            if stored_outcome is not None:
                return stored_outcome
        return replace(_outcome(failure, member, settings), refused=True)

    async def _record_refusal(
        self, call: Call, command: Command, reply: Reply, now: datetime
    ) -> bool:
        try:
            community = await self._community(call.community)
            async with self.uow_factory() as uow:
                await uow.commands.record(
                    community.id, call.key, command.name, None, reply.to_json(), now
                )
                await uow.commit()
        except Duplicate:
            return False
        return True

    async def _new_member(
        self, uow: UnitOfWork, community: Community, call: Call, now: datetime
    ) -> Member:
        # Only for a speaker not seen before: a known member keeps their chosen name
        # (`profile set name:`), since the platform's name is only the starting point.
        actor = call.actor
        first = call.community.first_speaker_admin and await uow.members.count(community.id) == 0
        # The platform's name is only a start: a character it can't store is dropped.
        name = without_unstorable(actor.display_name).strip() or actor.external_id
        member = await uow.members.create(community.id, name[:80], now, admin=first)
        await uow.members.add_identity(community.id, member.id, actor.platform, actor.external_id)
        member.identities = [(actor.platform, actor.external_id)]
        return member

    def _internal_error(self, call: Call, error: BaseException) -> Reply:
        return internal_error(log, f"command {call.command} ({call.key})", error)


# The longest platform id or command key storage keeps (Matrix allows 255 for ids).
_LONGEST_ID = 255


def _storable(actor: Actor, *texts: str) -> bool:
    """Whether what a platform says about a call (its key, its place, who spoke) can
    be stored. A display name is not asked: an unstorable one is cleaned instead."""
    return all(
        storable(text) and len(text) <= _LONGEST_ID
        for text in (actor.platform, actor.external_id, *texts)
    )


def _unavailable(call: Call, error: Unavailable) -> Outcome:
    log.warning("%s (%s): the database is unavailable: %s", call.command, call.key, error)
    return _refused("error.unavailable")


def _refused(code: str) -> Outcome:
    return Outcome(error_reply(code, {}), refused=True)


def _replayed(reply: Mapping[str, Any], member: Member | None, settings: Settings) -> Outcome:
    return Outcome(
        Reply.from_json(reply),
        replayed=True,
        actor_timezone=(member.timezone if member else None) or settings.timezone,
        community_timezone=settings.timezone,
    )


def _outcome(
    reply: Reply, member: Member, settings: Settings, notices: Sequence[Notice] = ()
) -> Outcome:
    return Outcome(
        reply,
        notices,
        actor_timezone=member.timezone or settings.timezone,
        community_timezone=settings.timezone,
    )


def _check_role(ctx: Ctx, command: Command) -> None:
    member = ctx.member
    allowed = {
        Who.ADMIN: ctx.is_admin,
        Who.ASSESSOR: member.is_assessor or ctx.is_admin,
        Who.TRUSTEE: member.is_trustee or ctx.is_admin,
    }.get(command.who, True)
    if not allowed:
        raise DomainError(
            "command.forbidden", who={"$key": f"who.{command.who}"}, command=command.name
        )


def _loggable(args: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, Member):
            return {"member": value.id}
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    return {name: plain(value) for name, value in args.items()}
