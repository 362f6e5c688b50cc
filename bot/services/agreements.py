"""Providers and learning agreements: vouchers held in escrow until a skill is shown.

Accepting moves every learner's bundle into escrow in one batch, so either all
of them move or none does. An independent assessor's pass releases a bundle to
the provider, a fail refunds it, and a bundle with no result after
`escrow_days` is refunded by due work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.arguments import resolve_member
from bot.commands import Arg, Command, Ctx, Kind, Who, page_arg, page_params
from bot.errors import DomainError
from bot.jobs import Host, Sweep, address, sweep
from bot.model import agreements as rules
from bot.model import ledger as L
from bot.model.agreements import Agreement, Bundle, Provider
from bot.model.ledger import Account, AccountKey, Transfer
from bot.model.members import Member
from bot.model.paging import command_line
from bot.model.settings import Settings
from bot.model.units import bounded_text
from bot.ports.unit_of_work import UnitOfWork
from bot.replies import Notice, Reply, instant, nested
from bot.services.ledger import Book, amount, book, hours, reserved_note

_LEARNERS = re.compile(r"[\s,;]+")


# Providers.


async def register(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    skills = ", ".join(rules.parse_skills(args["skills"]))
    if len(skills) > 200:
        raise DomainError("input.too_long", field="skills", limit=200)
    terms = amount(args, "terms")
    kind = args.get("kind") or "tutor"
    guarantee = bounded_text(args["guarantee"], "guarantee", 500) if args.get("guarantee") else ""
    new = await ctx.uow.agreements.save_provider(
        ctx.community.id, ctx.member.id, kind, skills, terms, guarantee, ctx.now
    )
    return Reply(
        "provider.registered" if new else "provider.updated",
        {
            "name": ctx.member.display_name,
            "kind": kind,
            "skills": skills,
            "terms": hours(terms),
            "guarantee": guarantee or "-",
        },
    )


async def list_providers(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    skill: str | None = args.get("skill")
    if skill is not None and skill.isdigit() and args.get("page") is None:
        # `!provider list 2` asks for the second page; no skill is a bare number.
        args = {**args, "page": int(skill)}
        skill = None
    page = ctx.page(args)
    found = await ctx.uow.agreements.providers(ctx.community.id, skill, page.offset, page.limit)
    shown, more = page.rows(found, command_line("provider list", skill))
    if not shown:
        return Reply("provider.list_empty", {"skill": skill or "-"})
    lines = [
        nested(
            "provider.list_line",
            name=name,
            kind=p.kind,
            skills=p.skills,
            terms=hours(p.terms_minutes),
            guarantee=nested("provider.guarantee", guarantee=p.guarantee) if p.guarantee else "",
        )
        for p, name in shown
    ]
    return Reply(
        "provider.list", {"lines": lines, **page_params(page, more, "provider list", skill)}
    )


async def _provider(ctx: Ctx, member: Member) -> Provider:
    found = await ctx.uow.agreements.provider(ctx.community.id, member.id)
    if found is None:
        raise DomainError("agreement.not_a_provider", provider=member.display_name)
    return found


# Proposing and joining.


def _source(bundle: Bundle) -> AccountKey:
    """The account a learner's bundle is paid from."""
    issuer = bundle.source_issuer_id
    assert issuer is not None
    if issuer == bundle.learner_id:
        return L.issuer_key(issuer)
    return L.holding_key(issuer, bundle.learner_id)


def _escrow(bundle: Bundle) -> AccountKey:
    assert bundle.source_issuer_id is not None
    return AccountKey(bundle.source_issuer_id, L.ESCROW, bundle.learner_id, bundle.agreement_id)


async def _move(
    ledger: Book, agreement: Agreement, moves: list[tuple[AccountKey, AccountKey]], code: str
) -> dict[AccountKey, Account]:
    """One bundle's hours per (from, to) pair, all in one batch: escrow in, release, refund."""
    accounts = await ledger.accounts(*(key for pair in moves for key in pair))
    await ledger.execute(
        [
            Transfer(
                ledger.next_id(),
                accounts[source].id,
                accounts[target].id,
                agreement.minutes_each,
                code,
                memo=f"agreement #{agreement.number}",
            )
            for source, target in moves
        ]
    )
    return accounts


async def _check_affordable(ctx: Ctx, learner: Member, issuer: Member, minutes: int) -> None:
    """Refuse early, with the learner's own numbers, a bundle they could not pay now.

    Nothing is reserved until the provider accepts; acceptance checks again.
    """
    ledger = ctx.uow.ledger
    if issuer.id == learner.id:
        own = await ledger.find(L.issuer_key(learner.id))
        outstanding = own.outstanding if own else 0
        cap = Book.of(ctx).cap(await ledger.delivered(learner.id))
        if outstanding + minutes > cap:
            raise DomainError(
                "voucher.over_cap",
                outstanding=hours(outstanding),
                cap=hours(cap),
                headroom=hours(max(0, cap - outstanding)),
                wanted=hours(minutes),
                base=hours(int(ctx.settings["voucher_cap_base"])),
                most=hours(int(ctx.settings["voucher_cap_most"])),
            )
        return
    held = await ledger.find(L.holding_key(issuer.id, learner.id))
    if held is None or held.balance <= 0:
        raise DomainError("voucher.none_held", issuer=issuer.display_name)
    if held.available < minutes:
        raise DomainError(
            "voucher.not_enough",
            issuer=issuer.display_name,
            available=hours(held.available),
            reserved=reserved_note(held.debits_pending),
            wanted=hours(minutes),
        )


async def _learners(ctx: Ctx, text: str) -> list[Member]:
    found: dict[int, Member] = {ctx.member.id: ctx.member}
    for word in _LEARNERS.split(text.strip()):
        if word and word.lower() not in ("me", "@me"):
            member = await resolve_member(ctx, word, "learners")
            found.setdefault(member.id, member)
    if len(found) > rules.MOST_LEARNERS:
        raise DomainError("agreement.too_many", most=rules.MOST_LEARNERS)
    return list(found.values())


async def propose(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    provider_member: Member = args["provider"]
    if provider_member.id == ctx.member.id:
        raise DomainError("agreement.self_provider")
    provider = await _provider(ctx, provider_member)
    skill = bounded_text(args["skill"], "skill", 80)
    if not provider.offers(skill):
        raise DomainError(
            "agreement.skill_not_offered",
            provider=provider_member.display_name,
            skill=skill,
            skills=provider.skills,
        )
    minutes = amount(args, "hours_each")
    learners = await _learners(ctx, args["learners"])
    if any(m.id == provider_member.id for m in learners):
        raise DomainError("agreement.provider_learner", provider=provider_member.display_name)
    source: Member = args.get("from") or ctx.member
    await _check_affordable(ctx, ctx.member, source, minutes)
    number = await ctx.uow.communities.next_number(ctx.community.id)
    agreement = await ctx.uow.agreements.create(
        ctx.community.id, number, provider_member.id, skill, minutes, ctx.member.id, ctx.now
    )
    for position, learner in enumerate(learners):
        mine = learner.id == ctx.member.id
        await ctx.uow.agreements.add_bundle(
            Bundle(
                agreement.id,
                learner.id,
                rules.READY if mine else rules.INVITED,
                position,
                source_issuer_id=source.id if mine else None,
            )
        )
    others = [m for m in learners if m.id != ctx.member.id]
    params = {
        "number": number,
        "proposer": ctx.member.display_name,
        "provider": provider_member.display_name,
        "skill": skill,
        "hours": hours(minutes),
        "learners": ", ".join(m.display_name for m in learners),
        "terms": hours(provider.terms_minutes),
    }
    for learner in others:
        ctx.tell_member(learner.id, Reply("agreement.invited", params))
    ctx.tell_member(provider_member.id, Reply("agreement.proposed_to_you", params))
    waiting = (
        nested("agreement.waiting_for", names=", ".join(m.display_name for m in others))
        if others
        else nested("agreement.ready", provider=provider_member.display_name, number=number)
    )
    return Reply("agreement.proposed", {**params, "waiting": waiting})


async def _agreement(ctx: Ctx, number: int, *, lock: bool = False) -> Agreement:
    found = await ctx.uow.agreements.get(ctx.community.id, number, lock=lock)
    if found is None:
        raise DomainError("agreement.unknown", number=number)
    return found


def _status(agreement: Agreement) -> dict[str, str]:
    return {"$key": f"agreement.status_{agreement.status}"}


async def join(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    agreement = await _agreement(ctx, args["agreement"], lock=True)
    if agreement.status != rules.PROPOSED:
        raise DomainError("agreement.not_open", number=agreement.number, status=_status(agreement))
    bundles = await ctx.uow.agreements.bundles(agreement.id)
    mine = next((b for b in bundles if b.learner_id == ctx.member.id), None)
    if mine is None:
        raise DomainError("agreement.not_learner", number=agreement.number)
    source: Member = args.get("from") or ctx.member
    if mine.status == rules.READY and mine.source_issuer_id == source.id:
        raise DomainError("agreement.already_joined", number=agreement.number)
    await _check_affordable(ctx, ctx.member, source, agreement.minutes_each)
    mine.status, mine.source_issuer_id = rules.READY, source.id
    await ctx.uow.agreements.save_bundle(mine)
    names = await ctx.uow.ledger.names([agreement.provider_id, source.id])
    params = {
        "number": agreement.number,
        "learner": ctx.member.display_name,
        "provider": names[agreement.provider_id],
        "hours": hours(agreement.minutes_each),
        "paid": {"$key": "agreement.paid_own"}
        if source.id == ctx.member.id
        else nested("agreement.paid_with", issuer=names[source.id]),
    }
    waiting = [b for b in bundles if b.status != rules.READY]
    if not waiting:
        ctx.tell_member(agreement.provider_id, Reply("agreement.all_joined", params))
    return Reply("agreement.joined", params)


# The provider's answer.


async def accept(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    agreement = await _agreement(ctx, args["agreement"], lock=True)
    if agreement.provider_id != ctx.member.id:
        raise DomainError("agreement.not_their_provider", number=agreement.number)
    if agreement.status == rules.ACCEPTED:
        raise DomainError("agreement.already_accepted", number=agreement.number)
    if agreement.status != rules.PROPOSED:
        raise DomainError("agreement.not_open", number=agreement.number, status=_status(agreement))
    bundles = await ctx.uow.agreements.bundles(agreement.id)
    waiting = [b for b in bundles if b.status != rules.READY]
    if waiting:
        names = await ctx.uow.ledger.names(b.learner_id for b in waiting)
        raise DomainError(
            "agreement.not_ready",
            number=agreement.number,
            names=", ".join(names[b.learner_id] for b in waiting),
        )
    ledger = book(ctx)
    accounts = await _move(
        ledger, agreement, [(_source(b), _escrow(b)) for b in bundles], L.ESCROW_IN
    )
    expires = ctx.now + timedelta(days=int(ctx.settings["escrow_days"]))
    for bundle in bundles:
        bundle.status = rules.ESCROWED
        bundle.escrow_account_id = accounts[_escrow(bundle)].id
        await ctx.uow.agreements.save_bundle(bundle)
    await ctx.uow.agreements.set_status(
        agreement.id, rules.ACCEPTED, accepted_at=ctx.now, expires_at=expires
    )
    params = {
        "number": agreement.number,
        "provider": ctx.member.display_name,
        "skill": agreement.skill,
        "hours": hours(agreement.minutes_each),
        "count": len(bundles),
        "expires": instant(expires),
    }
    for bundle in bundles:
        ctx.tell_member(bundle.learner_id, Reply("agreement.accepted_notice", params))
    return Reply("agreement.accepted", params)


async def decline(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    agreement = await _agreement(ctx, args["agreement"], lock=True)
    if agreement.provider_id != ctx.member.id:
        raise DomainError("agreement.not_their_provider", number=agreement.number)
    if agreement.status != rules.PROPOSED:
        raise DomainError("agreement.not_open", number=agreement.number, status=_status(agreement))
    await ctx.uow.agreements.set_status(agreement.id, rules.DECLINED)
    params = {"number": agreement.number, "provider": ctx.member.display_name}
    for bundle in await ctx.uow.agreements.bundles(agreement.id):
        ctx.tell_member(bundle.learner_id, Reply("agreement.declined_notice", params))
    return Reply("agreement.declined", params)


# Assessment.


async def assess(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    agreement = await _agreement(ctx, args["agreement"], lock=True)
    learner: Member = args["learner"]
    passed = args["result"] == "pass"
    evidence = bounded_text(args["evidence"], "evidence", 500)
    if agreement.status != rules.ACCEPTED:
        raise DomainError("assess.not_accepted", number=agreement.number, status=_status(agreement))
    bundles = await ctx.uow.agreements.bundles(agreement.id)
    rules.check_assessor(agreement, bundles, ctx.member.id)
    bundle = next((b for b in bundles if b.learner_id == learner.id), None)
    if bundle is None:
        raise DomainError(
            "assess.not_learner", number=agreement.number, learner=learner.display_name
        )
    if bundle.status != rules.ESCROWED:
        raise DomainError(
            "assess.already",
            number=agreement.number,
            learner=learner.display_name,
            result={"$key": f"agreement.bundle_{bundle.status}"},
        )
    assert bundle.source_issuer_id is not None
    target = (
        L.receiving_key(bundle.source_issuer_id, agreement.provider_id)
        if passed
        else _source(bundle)
    )
    ledger = book(ctx)
    await _move(ledger, agreement, [(_escrow(bundle), target)], L.RELEASE if passed else L.REFUND)
    bundle.status = rules.PASSED if passed else rules.FAILED
    bundle.assessor_id, bundle.evidence, bundle.settled_at = ctx.member.id, evidence, ctx.now
    await ctx.uow.agreements.save_bundle(bundle)
    if rules.finished(bundles):
        await ctx.uow.agreements.set_status(agreement.id, rules.COMPLETED)
    names = await ctx.uow.ledger.names([agreement.provider_id, bundle.source_issuer_id])
    params = {
        "number": agreement.number,
        "learner": learner.display_name,
        "provider": names[agreement.provider_id],
        "issuer": names[bundle.source_issuer_id],
        "assessor": ctx.member.display_name,
        "skill": agreement.skill,
        "hours": hours(agreement.minutes_each),
        "evidence": evidence,
    }
    key = "assess.passed" if passed else "assess.failed"
    ctx.tell_member(learner.id, Reply(key + "_learner", params))
    ctx.tell_member(agreement.provider_id, Reply(key + "_provider", params))
    return Reply(key, params)


# Looking.


async def info(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    agreement = await _agreement(ctx, args["agreement"])
    bundles = await ctx.uow.agreements.bundles(agreement.id)
    me = ctx.member
    involved = me.id == agreement.provider_id or any(b.learner_id == me.id for b in bundles)
    if not (involved or me.is_assessor or me.is_trustee or ctx.is_admin):
        raise DomainError("agreement.private", number=agreement.number)
    names = await ctx.uow.ledger.names(
        [agreement.provider_id]
        + [b.learner_id for b in bundles]
        + [b.source_issuer_id for b in bundles if b.source_issuer_id]
        + [b.assessor_id for b in bundles if b.assessor_id]
    )
    lines = [
        nested(
            "agreement.info_learner",
            learner=names[b.learner_id],
            status={"$key": f"agreement.bundle_{b.status}"},
            paid=nested("agreement.info_paid", issuer=names[b.source_issuer_id])
            if b.source_issuer_id
            else "",
            assessed=nested(
                "agreement.info_assessed", assessor=names[b.assessor_id], evidence=b.evidence
            )
            if b.assessor_id
            else "",
        )
        for b in bundles
    ]
    expires = (
        nested("agreement.info_expires", expires=instant(agreement.expires_at))
        if agreement.expires_at and agreement.status == rules.ACCEPTED
        else ""
    )
    return Reply(
        "agreement.info",
        {
            "number": agreement.number,
            "provider": names[agreement.provider_id],
            "skill": agreement.skill,
            "hours": hours(agreement.minutes_each),
            "status": _status(agreement),
            "expires": expires,
            "learners": lines,
        },
        private=True,
    )


async def list_agreements(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    page = ctx.page(args)
    agreements = ctx.uow.agreements
    fetched = await agreements.involving_page(
        ctx.community.id, ctx.member.id, page.offset, page.limit
    )
    found, more = page.rows(fetched, "agreement list")
    if not found:
        return Reply("agreement.list_empty", private=True)
    names = await ctx.uow.ledger.names(a.provider_id for a in found)
    lines = [
        nested(
            "agreement.list_line",
            number=a.number,
            provider=names[a.provider_id],
            skill=a.skill,
            hours=hours(a.minutes_each),
            status=_status(a),
        )
        for a in found
    ]
    return Reply(
        "agreement.list",
        {"lines": lines, **page_params(page, more, "agreement list")},
        private=True,
    )


# Due work: escrows with no result in time are refunded.


async def expire_escrows(core: Host) -> list[Notice]:
    return await sweep(core, lambda uow, now: uow.agreements.due(now, 50), _expire_one)


async def _expire_one(
    core: Host, community_id: int, agreement_id: int, now: Any
) -> list[Notice] | None:
    async with core.uow_factory() as uow:
        agreement = await uow.agreements.by_id(agreement_id, lock=True, skip_locked=True)
        # Another process holds it, or settled it since it was listed.
        if agreement is None or agreement.status != rules.ACCEPTED:
            return None
        if agreement.expires_at is None or agreement.expires_at > now:
            return None
        settings = Settings(core.defaults, await uow.settings.stored(community_id))
        ledger = Book(uow, community_id, settings, f"escrow-expiry:{agreement.id}", now)
        bundles = await uow.agreements.bundles(agreement.id)
        open_ = [b for b in bundles if b.status == rules.ESCROWED]
        notices = await _refund(uow, ledger, agreement, open_, now)
        await uow.agreements.set_status(agreement.id, rules.COMPLETED)
        slug = (await uow.jobs.community(community_id)).slug
        result = [await address(uow, settings.timezone, n, slug) for n in notices]
        await uow.commit()
        return result


async def _refund(
    uow: UnitOfWork, ledger: Book, agreement: Agreement, bundles: list[Bundle], now: Any
) -> list[Notice]:
    if not bundles:
        return []
    await _move(ledger, agreement, [(_escrow(b), _source(b)) for b in bundles], L.REFUND)
    names = await uow.ledger.names([agreement.provider_id] + [b.learner_id for b in bundles])
    notices = []
    for bundle in bundles:
        bundle.status, bundle.settled_at = rules.EXPIRED, now
        await uow.agreements.save_bundle(bundle)
        params = {
            "number": agreement.number,
            "learner": names[bundle.learner_id],
            "provider": names[agreement.provider_id],
            "hours": hours(agreement.minutes_each),
            "skill": agreement.skill,
        }
        notices.append(Notice(Reply("agreement.expired_learner", params), bundle.learner_id))
        notices.append(Notice(Reply("agreement.expired_provider", params), agreement.provider_id))
    return notices


_AGREEMENT = Arg("agreement", Kind.NUMBER, "the agreement's number, like 12 or #12")
_FROM = Arg(
    "from",
    Kind.MEMBER,
    "pay with vouchers you hold from this issuer (default: your own hours)",
    required=False,
    named_only=True,
)

SWEEPS: list[Sweep] = [expire_escrows]

COMMANDS = [
    Command(
        "provider register",
        (
            Arg("skills", Kind.TEXT, 'what you teach, comma separated: "spanish, guitar"'),
            Arg("terms", Kind.DURATION, "hours of vouchers you ask of each learner"),
            Arg(
                "kind",
                Kind.CHOICE,
                "tutor (default), homeschool, onsite or online",
                required=False,
                choices=rules.PROVIDER_KINDS,
                named_only=True,
            ),
            Arg("guarantee", Kind.REST, "your quality guarantee", required=False, max_length=500),
        ),
        "offer to teach skills for vouchers held in escrow until learners pass",
        Who.MEMBER,
        register,
        changes_badge_facts=False,
    ),
    Command(
        "provider list",
        (
            Arg(
                "skill",
                Kind.TEXT,
                "only providers of this skill (quote it if it has spaces)",
                required=False,
                max_length=80,
            ),
            page_arg(),
        ),
        "who teaches what, and on what terms",
        Who.ANYONE,
        list_providers,
        changes=False,
    ),
    Command(
        "agreement propose",
        (
            Arg("provider", Kind.MEMBER, "the provider who will teach"),
            Arg("skill", Kind.TEXT, "one of the provider's skills"),
            Arg("learners", Kind.TEXT, 'the learners besides you: "@bob @carol" (or "me")'),
            Arg("hours_each", Kind.DURATION, "hours of vouchers each learner puts in escrow"),
            _FROM,
        ),
        "propose a learning agreement for yourself and other learners",
        Who.MEMBER,
        propose,
        changes_badge_facts=False,
    ),
    Command(
        "agreement join",
        (_AGREEMENT, _FROM),
        "confirm your place and bundle in an agreement you were named in",
        Who.MEMBER,
        join,
        changes_badge_facts=False,
    ),
    Command(
        "agreement accept",
        (_AGREEMENT,),
        "accept an agreement: every bundle moves into escrow at once",
        Who.MEMBER,
        accept,
        changes_badge_facts=False,
    ),
    Command(
        "agreement decline",
        (_AGREEMENT,),
        "decline an agreement",
        Who.MEMBER,
        decline,
        changes_badge_facts=False,
    ),
    Command(
        "agreement info",
        (_AGREEMENT,),
        "an agreement's learners, bundles and results",
        Who.MEMBER,
        info,
        changes=False,
    ),
    Command(
        "agreement list",
        (page_arg(),),
        "the agreements you provide or learn in",
        Who.MEMBER,
        list_agreements,
        changes=False,
    ),
    Command(
        "assess",
        (
            _AGREEMENT,
            Arg("learner", Kind.MEMBER, "the learner you tested"),
            Arg("result", Kind.CHOICE, "the test's result", choices=("pass", "fail")),
            Arg("evidence", Kind.REST, "how the skill was shown", max_length=500),
        ),
        "record an independent test result: pass pays the provider, fail refunds the learner",
        Who.ASSESSOR,
        assess,
    ),
]
