"""Badges: automatic awards after every change, lead awards, lists, pathway,
and signed Open Badges 3.0 credentials."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.commands import Arg, Catalogue, Command, Ctx, Handler, Kind, Who
from bot.credentials import multibase, openbadges, proofs
from bot.errors import DomainError
from bot.jobs import Host, Sweep, address
from bot.model import badges as rules
from bot.model.badges import Award, BadgeClass
from bot.model.members import Actor, Member
from bot.model.settings import Settings
from bot.ports.unit_of_work import Duplicate, Retry
from bot.replies import Attachment, Notice, Reply, instant, nested

log = logging.getLogger(__name__)

# Verifying needs the whole credential on one line; it is a few kilobytes.
CREDENTIAL_LIMIT = 100_000


def classes(ctx: Ctx) -> list[BadgeClass]:
    return rules.all_classes(rules.parse_classes(str(ctx.settings["badge_classes"] or "")))


async def check_member(ctx: Ctx, member_id: int) -> list[Award]:
    """Award every automatic badge the member now meets and does not hold yet."""
    # The speaker was read at the start of the command, and `admin role` keeps
    # that copy in step with what it saves.
    member = ctx.member if member_id == ctx.member.id else await ctx.uow.members.get(member_id)
    facts = await ctx.uow.badges.facts(member, ctx.now)
    held = {a.code for a in await ctx.uow.badges.awards(member_id)}
    new: list[Award] = []
    for earned in rules.earned(classes(ctx), facts):
        if earned.code in held:
            continue
        number = await ctx.uow.communities.next_number(ctx.community.id)
        await ctx.uow.badges.add_award(
            ctx.community.id,
            number,
            member_id,
            earned.code,
            earned.name,
            earned.description,
            earned.criteria,
            earned.evidence,
            None,
            ctx.now,
        )
        held.add(earned.code)
        ctx.tell_member(
            member_id,
            Reply(
                "badge.earned", {"name": earned.name, "number": number, "evidence": earned.evidence}
            ),
        )
        found = await ctx.uow.badges.by_number(ctx.community.id, number)
        if found is not None:
            new.append(found)
    return new


def with_automatic_awards(catalogue: Catalogue) -> Catalogue:
    """After every command that can change what the criteria count, check the badges
    of the speaker and of everyone the command named or told: no other service
    needs to know. A command that changes only other things (circle seats, a
    profile's text) cannot earn a badge, so it is not checked."""

    def wrap(handler: Handler) -> Handler:
        async def run(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
            reply = await handler(ctx, args)
            touched = {ctx.member.id}
            touched.update(v.id for v in args.values() if isinstance(v, Member))
            touched.update(n.member_id for n in ctx.notices if n.member_id is not None)
            for member_id in sorted(touched):
                await check_member(ctx, member_id)
            return reply

        return run

    return Catalogue(
        replace(c, handler=wrap(c.handler)) if c.changes and c.changes_badge_facts else c
        for c in catalogue
    )


async def due_work(core: Host) -> list[Notice]:
    """Reviews close as due work, so check everyone whose events closed since last time."""
    notices: list[Notice] = []
    now = core.clock.now()
    async with core.uow_factory() as uow:
        community_ids = await uow.badges.community_ids()
    for community_id in community_ids:
        try:
            notices.extend(await _sweep(core, community_id, now))
        except (Duplicate, Retry):
            # Another runner swept this community at the same moment; its awards stand.
            log.info("badge sweep of community %s left to a concurrent runner", community_id)
    return notices


async def _sweep(core: Host, community_id: int, now: datetime) -> list[Notice]:
    notices: list[Notice] = []
    async with core.uow_factory() as uow:
        after = await uow.badges.swept_until(community_id)
        involved = await uow.badges.involved_in_closed(community_id, after, now)
        await uow.badges.set_swept(community_id, now, first=after is None)
        if involved:
            community = await uow.jobs.community(community_id)
            settings = Settings(core.defaults, await uow.settings.stored(community_id))
            for member_id in involved:
                member = await uow.members.get(member_id)
                ctx = Ctx(uow, now, community, settings, member, _system_actor(), core.catalogue)
                await check_member(ctx, member_id)
                notices.extend([await address(uow, settings.timezone, n) for n in ctx.notices])
        await uow.commit()
    return notices


def _system_actor() -> Actor:
    return Actor(platform="system", external_id="badges", display_name="Junto")


def _line(a: Award) -> dict[str, Any]:
    how = nested("badge.by_lead") if a.awarded_by else nested("badge.automatic")
    return nested(
        "badge.line",
        number=a.number,
        name=a.name,
        when=instant(a.awarded_at),
        how=how,
        evidence=a.evidence,
    )


async def badge_list(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    awards = await ctx.uow.badges.awards(member.id)
    if not awards:
        return Reply("badge.none", {"member": member.display_name})
    return Reply(
        "badge.list",
        {"member": member.display_name, "count": len(awards), "lines": [_line(a) for a in awards]},
    )


async def _leads_circle_of(ctx: Ctx, member_id: int) -> bool:
    mine = set(await ctx.uow.events.circle_ids_of(ctx.member.id))
    theirs = set(await ctx.uow.events.circle_ids_of(member_id))
    for circle_id in mine & theirs:
        seats = await ctx.uow.circles.seats(circle_id)
        if any(s.member_id == ctx.member.id and s.lead and not s.waiting for s in seats):
            return True
    return False


async def award(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args["member"]
    wanted = rules.code_for(args["badge"])
    badge = next(
        (c for c in classes(ctx) if c.code == wanted or c.name.lower() == args["badge"].lower()),
        None,
    )
    if badge is None:
        known = ", ".join(c.code for c in classes(ctx))
        raise DomainError("badge.unknown", value=args["badge"], known=known)
    if not (ctx.is_admin or await _leads_circle_of(ctx, member.id)):
        raise DomainError("badge.not_your_member", member=member.display_name)
    held = {a.code for a in await ctx.uow.badges.awards(member.id)}
    if badge.code in held:
        raise DomainError("badge.already_held", member=member.display_name, name=badge.name)
    evidence = args["evidence"]
    number = await ctx.uow.communities.next_number(ctx.community.id)
    await ctx.uow.badges.add_award(
        ctx.community.id,
        number,
        member.id,
        badge.code,
        badge.name,
        badge.description,
        badge.criteria,
        evidence,
        ctx.member.id,
        ctx.now,
    )
    ctx.tell_member(
        member.id,
        Reply(
            "badge.awarded_you",
            {
                "name": badge.name,
                "number": number,
                "by": ctx.member.display_name,
                "evidence": evidence,
            },
        ),
    )
    return Reply(
        "badge.awarded", {"name": badge.name, "number": number, "member": member.display_name}
    )


async def signing_key(ctx: Ctx) -> bytes:
    secret = await ctx.uow.badges.key(ctx.community.id)
    if secret is None:
        keys = proofs.KeyPair.generate()
        secret = multibase.secret_multikey(keys.seed)
        await ctx.uow.badges.put_key(ctx.community.id, secret, ctx.now)
    return multibase.seed_from_multikey(secret)


async def export(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    found = await ctx.uow.badges.by_number(ctx.community.id, args["badge"])
    if found is None or found.member_id != ctx.member.id:
        raise DomainError("badge.not_yours", number=args["badge"])
    seed = await signing_key(ctx)
    credential = openbadges.sign(
        openbadges.Award(
            community_slug=ctx.community.slug,
            community_name=ctx.community.name,
            number=found.number,
            badge_code=found.code,
            badge_name=found.name,
            badge_description=found.description,
            criteria=found.criteria,
            holder_name=ctx.member.display_name,
            holder_ref=str(ctx.member.id),
            awarded_at=found.awarded_at,
            evidence=found.evidence,
        ),
        seed,
        ctx.now,
    )
    data = json.dumps(credential, indent=2, ensure_ascii=False).encode("utf-8")
    return Reply(
        "badge.exported",
        {"name": found.name, "number": found.number, "issuer": credential["issuer"]["id"]},
        private=True,
        attachments=(Attachment(f"badge-{found.number}.json", "application/ld+json", data),),
    )


def describe(checked: openbadges.Checked) -> Reply:
    if checked.failure is None:
        return Reply(
            "badge.valid",
            {
                "achievement": checked.achievement,
                "holder": checked.holder,
                "date": checked.valid_from[:10],
                "issuer": checked.issuer,
                "did": checked.issuer_did,
            },
        )
    return Reply(
        "badge.invalid",
        {"why": nested(f"badge.why.{checked.failure}", detail=checked.detail)},
    )


async def verify(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return describe(openbadges.check(args["credential"]))


async def pathway(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    size = int(ctx.settings["pathway_size"])
    badge_set = rules.parse_set(str(ctx.settings["pathway_badges"]))
    held = [a.code for a in await ctx.uow.badges.awards(member.id)]
    progress = rules.pathway(size, badge_set, held)
    names = {c.code: c.name for c in classes(ctx)}
    names[rules.SKILL] = "any Skill badge"
    return Reply(
        "pathway.complete" if progress.complete else "pathway.progress",
        {
            "member": member.display_name,
            "have": min(len(progress.counted), size),
            "size": size,
            "bar": "■" * min(len(progress.counted), size)
            + "□" * max(0, size - len(progress.counted)),
            "counted": ", ".join(names.get(c, c) for c in progress.counted) or "none yet",
            "missing": ", ".join(names.get(c, c) for c in progress.missing) or "none",
        },
    )


DUE_WORK: list[Sweep] = [due_work]

COMMANDS = [
    Command(
        "badge list",
        (Arg("member", Kind.MEMBER, "whose badges (default: yours)", required=False),),
        "Badges a member holds",
        Who.ANYONE,
        badge_list,
        changes=False,
    ),
    Command(
        "badge award",
        (
            Arg("member", Kind.MEMBER, "who earned it"),
            Arg("badge", Kind.TEXT, "the badge's code or name"),
            Arg("evidence", Kind.REST, "what they did", max_length=500),
        ),
        "Award a badge to a member of your circle, with evidence",
        Who.LEAD,
        award,
        changes_badge_facts=False,
    ),
    Command(
        "badge export",
        (Arg("badge", Kind.NUMBER, "the badge's number, as shown by badge list"),),
        "A signed Open Badges 3.0 credential for one of your badges",
        Who.MEMBER,
        export,
        changes_badge_facts=False,
    ),
    Command(
        "badge verify",
        (Arg("credential", Kind.REST, "the credential's JSON", max_length=CREDENTIAL_LIMIT),),
        "Check a badge credential offline",
        Who.ANYONE,
        verify,
        changes=False,
    ),
    Command(
        "pathway",
        (Arg("member", Kind.MEMBER, "whose progress (default: yours)", required=False),),
        "Progress towards the qualification",
        Who.MEMBER,
        pathway,
        changes=False,
    ),
]
