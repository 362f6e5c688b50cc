"""Badges: automatic awards by their criteria, manual awards with evidence, revocation,
lists, the pathway, and signed Open Badges 3.0 credentials with a status list."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.commands import Arg, Catalogue, Command, Ctx, Handler, Kind, Who
from bot.credentials import identity, multibase, openbadges, proofs, statuslist, trust
from bot.credentials.identity import CredentialsConfig, Identity
from bot.errors import DomainError
from bot.jobs import Scope
from bot.model import badges as rules
from bot.model.badges import Award, BadgeClass, CredentialStatus
from bot.model.events import Event
from bot.model.members import Member
from bot.ports.communities import Community
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import Attachment, Reply, instant, nested

# Verifying needs the whole credential on one line; it is a few kilobytes.
CREDENTIAL_LIMIT = 100_000
# Random picks of a free status list index before giving up; the list is kept at
# most half full, so running out means something else is wrong.
_INDEX_TRIES = 64


def classes(scope: Scope) -> list[BadgeClass]:
    return rules.all_classes(rules.parse_classes(str(scope.settings["badge_classes"] or "")))


async def check_member(scope: Scope, member_id: int, member: Member | None = None) -> list[Award]:
    """Award every automatic badge the member now meets and has not held yet, dated now.
    A revoked award counts as held: revoking it is not undone by the next check."""
    if member is None:
        member = await scope.uow.members.get(member_id)
    facts = await scope.uow.badges.facts(member, scope.now)
    held = {a.code for a in await scope.uow.badges.awards(member_id)}
    new: list[Award] = []
    for earned in rules.earned(classes(scope), facts):
        if earned.code in held:
            continue
        number = await scope.uow.communities.next_number(scope.community.id)
        await scope.uow.badges.add_award(
            scope.community.id,
            number,
            member_id,
            earned.code,
            earned.name,
            earned.description,
            earned.criteria,
            earned.evidence,
            None,
            scope.now,
        )
        held.add(earned.code)
        scope.tell_member(
            member_id,
            Reply(
                "badge.earned", {"name": earned.name, "number": number, "evidence": earned.evidence}
            ),
        )
        found = await scope.uow.badges.by_number(scope.community.id, number)
        if found is not None:
            new.append(found)
    return new


async def check_event(scope: Scope, event: Event) -> None:
    """A review closed: check everyone who attended, hosted or voted, at once, so
    their badges are dated at the close."""
    involved = {a.member_id for a in await scope.uow.events.attendees(event.id) if a.present}
    involved.update(member_id for member_id, _ in await scope.uow.events.hosts(event.id))
    involved.update(b.member_id for b in await scope.uow.events.ballots(event.id))
    for member_id in sorted(involved):
        await check_member(scope, member_id)


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
                # The speaker was read at the start of the command, and `admin role`
                # keeps that copy in step with what it saves.
                await check_member(
                    ctx, member_id, ctx.member if member_id == ctx.member.id else None
                )
            return reply

        return run

    return Catalogue(
        replace(c, handler=wrap(c.handler)) if c.changes and c.changes_badge_facts else c
        for c in catalogue
    )


def _line(a: Award) -> dict[str, Any]:
    how = nested("badge.by_lead") if a.awarded_by else nested("badge.automatic")
    revoked = nested("badge.line_revoked", when=instant(a.revoked_at)) if a.revoked_at else ""
    return nested(
        "badge.line",
        number=a.number,
        name=a.name,
        when=instant(a.awarded_at),
        how=how,
        evidence=a.evidence,
        revoked=revoked,
    )


async def badge_list(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    awards = await ctx.uow.badges.awards(member.id)
    if not awards:
        return Reply("badge.none", {"member": member.display_name})
    return Reply(
        "badge.list",
        {
            "member": member.display_name,
            "count": sum(1 for a in awards if not a.revoked),
            "lines": [_line(a) for a in awards],
        },
    )


async def _leads_circle_of(ctx: Ctx, member_id: int) -> bool:
    mine = set(await ctx.uow.events.circle_ids_of(ctx.member.id))
    theirs = set(await ctx.uow.events.circle_ids_of(member_id))
    for circle_id in mine & theirs:
        seats = await ctx.uow.circles.seats(circle_id)
        if any(s.member_id == ctx.member.id and s.lead and not s.waiting for s in seats):
            return True
    return False


def _says_something(text: str) -> bool:
    """Evidence and reasons are words: quotes or punctuation alone say nothing."""
    return any(char.isalnum() for char in text)


def _manual_names(known: Sequence[BadgeClass]) -> Any:
    manual = [c.name for c in known if c.kind == rules.MANUAL]
    if not manual:
        return nested("badge.no_manual_classes")
    return ", ".join(manual)


async def award(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    """A manual badge, by a lead of a circle the member sits in or an admin, with
    evidence; never to oneself, and never a badge that its criteria award."""
    member: Member = args["member"]
    typed: str = args["badge"]
    wanted = rules.code_for(typed)
    known = classes(ctx)
    badge = next((c for c in known if c.code == wanted or c.name.lower() == typed.lower()), None)
    if badge is None and (wanted == rules.SKILL or wanted.startswith("skill-")):
        raise DomainError(
            "badge.automatic_only",
            name=typed,
            criteria=rules.criteria_text(rules.SKILL, 0, typed.removeprefix("skill-")),
            manual=_manual_names(known),
        )
    if badge is None:
        raise DomainError("badge.unknown", value=typed, known=", ".join(c.code for c in known))
    if badge.kind != rules.MANUAL:
        raise DomainError(
            "badge.automatic_only",
            name=badge.name,
            criteria=badge.criteria,
            manual=_manual_names(known),
        )
    if member.id == ctx.member.id:
        raise DomainError("badge.self_award", name=badge.name)
    if not (ctx.is_admin or await _leads_circle_of(ctx, member.id)):
        raise DomainError("badge.not_your_member", member=member.display_name)
    evidence = str(args.get("evidence") or "").strip()
    if not _says_something(evidence):
        raise DomainError("badge.no_evidence", member=member.display_name, badge=badge.code)
    held = next((a for a in await ctx.uow.badges.awards(member.id) if a.code == badge.code), None)
    if held is not None and held.revoked_at is not None:
        raise DomainError(
            "badge.revoked_before",
            member=member.display_name,
            name=badge.name,
            number=held.number,
            when=instant(held.revoked_at),
        )
    if held is not None:
        raise DomainError("badge.already_held", member=member.display_name, name=badge.name)
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


async def revoke(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    """Withdraw an award: an admin or a trustee may revoke any, the lead who made a
    manual award that one. The award stays on record as revoked, with the reason."""
    number: int = args["award"]
    found = await ctx.uow.badges.by_number(ctx.community.id, number)
    if found is None:
        raise DomainError("badge.revoke_unknown", number=number)
    allowed = ctx.is_admin or ctx.member.is_trustee or found.awarded_by == ctx.member.id
    if not allowed:
        raise DomainError("badge.revoke_forbidden", number=number)
    if found.revoked_at is not None:
        raise DomainError(
            "badge.already_revoked",
            number=number,
            name=found.name,
            when=instant(found.revoked_at),
        )
    reason = str(args.get("reason") or "").strip()
    if not _says_something(reason):
        raise DomainError("badge.no_reason", number=number)
    indexes = await ctx.uow.badges.revoke(found.id, ctx.member.id, reason, ctx.now)
    holder = await ctx.uow.members.get(found.member_id)
    ctx.tell_member(
        holder.id,
        Reply(
            "badge.revoked_you",
            {
                "name": found.name,
                "number": number,
                "by": ctx.member.display_name,
                "reason": reason,
            },
            private=True,
        ),
    )
    return Reply(
        "badge.revoked",
        {
            "name": found.name,
            "number": number,
            "member": holder.display_name,
            "reason": reason,
            "credentials": len(indexes),
        },
        private=True,
    )


async def signing_key(ctx: Ctx) -> bytes:
    return await _seed(ctx.uow, ctx.community, ctx.now)


async def _status_entry(
    ctx: Ctx, member_id: int, award_id: int | None, rests_on: Sequence[int] = ()
) -> CredentialStatus:
    """A new entry in the community's status list, at a random free index."""
    community_id = ctx.community.id
    size = statuslist.size_for(await ctx.uow.badges.status_count(community_id) + 1)
    for _ in range(_INDEX_TRIES):
        index = secrets.randbelow(size)
        if await ctx.uow.badges.status_at(community_id, index) is None:
            status = CredentialStatus(
                community_id, index, member_id, award_id, tuple(rests_on), ctx.now
            )
            await ctx.uow.badges.add_status(status)
            return status
    raise RuntimeError(f"no free status list index in {size} after {_INDEX_TRIES} tries")


def _list_entry(ctx: Ctx, status: CredentialStatus) -> statuslist.Entry:
    return statuslist.Entry(
        identity.status_list_url(ctx.credentials, ctx.community.slug), status.index
    )


def _attachment(name: str, credential: Mapping[str, Any]) -> Attachment:
    data = json.dumps(credential, indent=2, ensure_ascii=False).encode("utf-8")
    return Attachment(name, "application/ld+json", data)


async def export(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    found = await ctx.uow.badges.by_number(ctx.community.id, args["badge"])
    if found is None or found.member_id != ctx.member.id:
        raise DomainError("badge.not_yours", number=args["badge"])
    if found.revoked_at is not None:
        raise DomainError(
            "badge.export_revoked",
            number=found.number,
            name=found.name,
            when=instant(found.revoked_at),
        )
    seed = await signing_key(ctx)
    status = await ctx.uow.badges.status_of_award(found.id) or await _status_entry(
        ctx, found.member_id, found.id
    )
    by = ""
    if found.awarded_by is not None:
        by = (await ctx.uow.members.get(found.awarded_by)).display_name
    issuer = identity.identity(ctx.credentials, proofs.KeyPair(seed).public)
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
            awarded_by=by,
        ),
        seed,
        ctx.now,
        issuer=issuer,
        status=_list_entry(ctx, status),
    )
    return Reply(
        "badge.exported",
        {"name": found.name, "number": found.number, "issuer": issuer.did},
        private=True,
        attachments=(_attachment(f"badge-{found.number}.json", credential),),
    )


def _pathway_awards(
    size: int, badge_set: Sequence[str], held: Sequence[Award]
) -> tuple[rules.Pathway, list[Award]]:
    """Progress on the badges still held (not revoked), and the award each counted
    code rests on: its earliest one."""
    live = [a for a in held if not a.revoked]
    progress = rules.pathway(size, badge_set, [a.code for a in live])
    rests: list[Award] = []
    for code in progress.counted:
        for a in live:
            if a.code == code or (code == rules.SKILL and a.code.startswith("skill-")):
                rests.append(a)
                break
    return progress, rests


async def export_pathway(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    """A completed pathway as a credential of its own, naming the badges it rests on."""
    size = int(ctx.settings["pathway_size"])
    badge_set = rules.parse_set(str(ctx.settings["pathway_badges"]))
    progress, rests = _pathway_awards(size, badge_set, await ctx.uow.badges.awards(ctx.member.id))
    if not progress.complete:
        raise DomainError("badge.pathway_incomplete", have=len(progress.counted), size=size)
    rests_on = tuple(sorted(a.id for a in rests))
    status = next(
        (
            s
            for s in await ctx.uow.badges.pathway_statuses(ctx.member.id)
            if s.rests_on == rests_on and s.revoked_at is None
        ),
        None,
    ) or await _status_entry(ctx, ctx.member.id, None, rests_on)
    seed = await signing_key(ctx)
    issuer = identity.identity(ctx.credentials, proofs.KeyPair(seed).public)
    names = {c.code: c.name for c in classes(ctx)}
    names[rules.SKILL] = "any Skill badge"
    criteria = (
        f"Hold {size} of these badges, each earned from peer-reviewed work or awarded "
        "with evidence: " + ", ".join(names.get(c, c) for c in badge_set) + "."
    )
    dates = sorted(a.awarded_at for a in rests)
    credential = openbadges.sign_pathway(
        openbadges.Pathway(
            community_slug=ctx.community.slug,
            community_name=ctx.community.name,
            holder_name=ctx.member.display_name,
            holder_ref=str(ctx.member.id),
            size=size,
            criteria=criteria,
            completed_at=dates[size - 1],
            badges=[
                openbadges.PathwayBadge(a.number, a.name, a.awarded_at, a.evidence) for a in rests
            ],
        ),
        seed,
        ctx.now,
        issuer=issuer,
        status=_list_entry(ctx, status),
    )
    return Reply(
        "badge.pathway_exported",
        {
            "count": len(rests),
            "names": ", ".join(f"{a.name} (#{a.number})" for a in rests),
            "issuer": issuer.did,
        },
        private=True,
        attachments=(_attachment("pathway.json", credential),),
    )


async def community_trust(
    uow: UnitOfWork, community: Community, config: CredentialsConfig
) -> trust.Trust:
    """Whom a community recognises as itself (its key under each of its names) and
    the communities its config trusts. A community that never signed has no name."""
    secret = await uow.badges.key(community.id)
    own: list[Identity] = []
    if secret is not None:
        public = proofs.KeyPair(multibase.seed_from_multikey(secret)).public
        own = identity.own_names(config, public)
    return trust.Trust(own, tuple(config.trusted_issuers))


async def stored_status(
    uow: UnitOfWork,
    community: Community,
    config: CredentialsConfig,
    checked: openbadges.Checked,
    standing: str,
) -> trust.Status:
    """A credential's status from the community's own records, when it is one of its
    own credentials in its own list; else unchecked."""
    entry = checked.status
    if entry is None:
        return trust.Status(trust.NO_ENTRY)
    # Its list under either of its names: a did:web given later keeps the old list.
    own_lists = {
        identity.status_list_url(config, community.slug),
        identity.status_list_url(CredentialsConfig(), community.slug),
    }
    if standing != trust.OWN or entry.list_url not in own_lists:
        return trust.Status(trust.UNCHECKED, detail=entry.list_url)
    found = await uow.badges.status_at(community.id, entry.index)
    if found is None:
        return trust.Status(trust.UNLISTED, detail=f"index {entry.index} was never given out")
    if found.revoked_at is not None:
        return trust.Status(trust.REVOKED, revoked_at=found.revoked_at)
    return trust.Status(trust.ACTIVE)


async def verify_text(
    uow: UnitOfWork | None,
    community: Community | None,
    config: CredentialsConfig,
    text: str,
    now: datetime,
    status_list: openbadges.CheckedList | None = None,
) -> trust.Verdict:
    """Check a credential as a community sees it: the signature, the dates, who issued
    it, and its status (from a status list given, else the community's records).
    Without a community (no database at hand) only the trusted issuers are known."""
    checked = openbadges.check(text)
    found = trust.Trust((), tuple(config.trusted_issuers))
    if uow is not None and community is not None:
        found = await community_trust(uow, community, config)
    standing = trust.standing(checked, found)
    if checked.failure is not None:
        status = trust.Status(trust.UNCHECKED)
    elif status_list is not None:
        status = trust.from_list(checked, status_list)
    elif uow is not None and community is not None:
        status = await stored_status(uow, community, config, checked, standing)
    else:
        status = trust.Status(trust.UNCHECKED if checked.status else trust.NO_ENTRY)
    return trust.judge(checked, found, now, status)


def _date(text: str) -> str:
    return text[:10] if text else "?"


def _status_line(status: trust.Status) -> Any:
    if status.state == trust.REVOKED and status.revoked_at is not None:
        return nested("badge.status_revoked", when=instant(status.revoked_at))
    if status.state == trust.REVOKED:
        return nested("badge.status_revoked_list", date=_date(status.list_date))
    if status.state == trust.ACTIVE and status.list_date:
        return nested("badge.status_active_list", date=_date(status.list_date))
    return nested(f"badge.status_{status.state}", detail=status.detail)


def describe(verdict: trust.Verdict) -> Reply:
    checked = verdict.checked
    if checked.failure is not None:
        return Reply(
            "badge.invalid",
            {"why": nested(f"badge.why.{checked.failure}", detail=checked.detail)},
        )
    until = nested("badge.until", date=_date(checked.valid_until)) if checked.valid_until else ""
    issuer_line = {
        trust.OWN: nested("badge.issuer_own", did=checked.issuer_did),
        trust.TRUSTED: nested("badge.issuer_trusted", name=checked.issuer, did=checked.issuer_did),
        trust.UNKNOWN: nested("badge.issuer_unknown", did=checked.issuer_did),
    }[verdict.issuer]
    lines = [
        nested("badge.signature_intact", did=checked.issuer_did),
        nested(
            f"badge.dates_{verdict.dates}",
            start=_date(checked.valid_from),
            end=_date(checked.valid_until),
            until=until,
        ),
        issuer_line,
        _status_line(verdict.status),
    ]
    return Reply(
        "badge.valid" if verdict.valid else "badge.not_valid",
        {
            "achievement": checked.achievement,
            "holder": checked.holder,
            "date": _date(checked.valid_from),
            "issuer": checked.issuer,
            "did": checked.issuer_did,
            "lines": lines,
        },
    )


async def verify(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    return describe(
        await verify_text(ctx.uow, ctx.community, ctx.credentials, args["credential"], ctx.now)
    )


async def signing_identity(
    uow: UnitOfWork, community: Community, config: CredentialsConfig, now: datetime
) -> Identity:
    """The community's issuer identity, making its key when it has none (so the
    caller commits)."""
    return identity.identity(config, proofs.KeyPair(await _seed(uow, community, now)).public)


async def _seed(uow: UnitOfWork, community: Community, now: datetime) -> bytes:
    secret = await uow.badges.key(community.id)
    if secret is None:
        seed = proofs.KeyPair.generate().seed
        await uow.badges.put_key(community.id, multibase.secret_multikey(seed), now)
        return seed
    return multibase.seed_from_multikey(secret)


async def status_list_credential(
    uow: UnitOfWork, community: Community, config: CredentialsConfig, now: datetime
) -> dict[str, Any]:
    """The community's status list, signed: every revoked credential's bit set."""
    seed = await _seed(uow, community, now)
    issuer = identity.identity(config, proofs.KeyPair(seed).public)
    size = statuslist.size_for(await uow.badges.status_count(community.id))
    document = statuslist.credential(
        identity.status_list_url(config, community.slug),
        issuer.did,
        await uow.badges.revoked_indexes(community.id),
        size,
        openbadges.stamp(now),
    )
    signed: dict[str, Any] = openbadges.sign_document(
        document, seed, issuer.verification_method, now
    )
    return signed


async def pathway(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args.get("member") or ctx.member
    size = int(ctx.settings["pathway_size"])
    badge_set = rules.parse_set(str(ctx.settings["pathway_badges"]))
    progress, _ = _pathway_awards(size, badge_set, await ctx.uow.badges.awards(member.id))
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
            Arg("member", Kind.MEMBER, "who earned it (not yourself)"),
            Arg("badge", Kind.TEXT, "a manual badge's code or name"),
            Arg("evidence", Kind.REST, "what they did to earn it", max_length=500),
        ),
        "Award a manual badge to a member of your circle, with evidence",
        Who.LEAD,
        award,
        changes_badge_facts=False,
    ),
    Command(
        "badge revoke",
        (
            Arg("award", Kind.NUMBER, "the award's number, as shown by badge list"),
            Arg("reason", Kind.REST, "why it is withdrawn", max_length=500),
        ),
        "Revoke a badge award; its credentials then check as revoked",
        Who.MEMBER,
        revoke,
        # Taking a badge away changes nothing the criteria count.
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
        "badge pathway",
        (),
        "Your completed pathway as a signed credential, naming the badges it rests on",
        Who.MEMBER,
        export_pathway,
        changes_badge_facts=False,
    ),
    Command(
        "badge verify",
        (Arg("credential", Kind.REST, "the credential's JSON", max_length=CREDENTIAL_LIMIT),),
        "Check a badge credential: signature, dates, issuer and revocation",
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
