"""Read-only views across features: a member's journey, their track record, and
everything stored about them for `data export`; and forgetting them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from bot.model import agreements as A
from bot.model import events as E
from bot.model import journeys as J
from bot.model import ledger as L
from bot.model.journeys import Moment, TrackRecord
from storage.repositories.base import Repository
from storage.tables import agreements as agreements_t
from storage.tables import auctions as auctions_t
from storage.tables import badges as badges_t
from storage.tables import circles as circles_t
from storage.tables import commands as commands_t
from storage.tables import events as events_t
from storage.tables import journeys as journeys_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t
from storage.tables import reviews as reviews_t

_ev = events_t.events
_hosts = events_t.event_hosts
_att = events_t.event_attendees
_ballots = reviews_t.review_ballots
_red = ledger_t.redemptions
_ag = agreements_t.agreements
_learners = agreements_t.agreement_learners
_m = members_t.members


def _moment(
    at: datetime,
    kind: str,
    text: str,
    good: bool | None,
    order: tuple[int, int],
    /,
    **params: str | int,
) -> Moment:
    return Moment(at, kind, text, good, tuple(params.items()), order)


# A journey is one statement: a branch per kind of moment, each giving the same
# columns (when, the kind's rank in J.KINDS, two numbers that order moments of one
# kind at one instant, then three texts and three numbers the kind words itself
# with), merged newest first. For a page, each branch yields at most as many rows
# as the pages up to this one hold, newest first, through its member index where
# it has one; the merge takes the page from those.
_member: Any = bindparam("member")
_RANK = {kind: index for index, kind in enumerate(J.KINDS)}


def _row(
    at: Any,
    kind: str,
    t1: Any,
    t2: Any = None,
    s1: Any = None,
    s2: Any = None,
    s3: Any = None,
    n1: Any = None,
    n2: Any = None,
    n3: Any = None,
) -> list[Any]:
    def text(value: Any) -> Any:
        return cast(null(), String) if value is None else value

    def number(value: Any) -> Any:
        return cast(null(), BigInteger) if value is None else cast(value, BigInteger)

    return [
        at.label("at"),
        literal_column(str(_RANK[kind]), Integer).label("rank"),
        cast(t1, BigInteger).label("t1"),
        (literal_column("0", BigInteger) if t2 is None else cast(t2, BigInteger)).label("t2"),
        text(s1).label("s1"),
        text(s2).label("s2"),
        text(s3).label("s3"),
        number(n1).label("n1"),
        number(n2).label("n2"),
        number(n3).label("n3"),
    ]


def _branches(own: bool) -> list[Select[Any]]:
    c, s = circles_t.circles, circles_t.circle_seats
    tr = ledger_t.transfers
    debit = aliased(ledger_t.accounts, name="debit")
    credit = aliased(ledger_t.accounts, name="credit")
    other, provider, learner = (aliased(_m, name=n) for n in ("other", "provider", "learner"))
    hosted_by_me = (
        select(_hosts.c.event_id)
        .where(_hosts.c.event_id == _ev.c.id, _hosts.c.member_id == _member)
        .exists()
    )
    first_learner = (
        select(learner.c.display_name)
        .select_from(_learners)
        .join(learner, learner.c.id == _learners.c.learner_id)
        .where(_learners.c.agreement_id == _ag.c.id)
        .order_by(_learners.c.position)
        .limit(1)
        .scalar_subquery()
    )
    settled = (_learners.c.status.in_((A.PASSED, A.FAILED)), _learners.c.settled_at.is_not(None))
    passed = case((_learners.c.status == A.PASSED, 1), else_=0)

    def event(kind: str) -> list[Any]:
        return _row(
            _ev.c.starts_at, kind, _ev.c.id, None, _ev.c.title, c.c.name, _ev.c.status, _ev.c.number
        )

    branches: list[Select[Any]] = [
        select(*_row(s.c.since, J.CIRCLE, s.c.id, None, c.c.name, n1=case((s.c.lead, 1), else_=0)))
        .join(c, c.c.id == s.c.circle_id)
        .where(s.c.member_id == _member, s.c.waiting.is_(False)),
        select(*event(J.ATTENDED))
        .select_from(_att)
        .join(_ev, _ev.c.id == _att.c.event_id)
        .join(c, c.c.id == _ev.c.circle_id)
        .where(_att.c.member_id == _member, _att.c.checked_in_at.is_not(None), ~hosted_by_me),
        select(*event(J.HOSTED))
        .select_from(_hosts)
        .join(_ev, _ev.c.id == _hosts.c.event_id)
        .join(c, c.c.id == _ev.c.circle_id)
        .where(
            _hosts.c.member_id == _member,
            _ev.c.status != E.CANCELLED,
            _ev.c.starts_at <= bindparam("now"),
        ),
        select(
            *_row(
                _ballots.c.cast_at,
                J.BALLOT,
                _ev.c.id,
                None,
                _ev.c.title,
                n1=_ev.c.number,
                n2=case((_ballots.c.at_level, 1), else_=0),
                n3=func.coalesce(_ballots.c.rating, 0),
            )
        )
        .join(_ev, _ev.c.id == _ballots.c.event_id)
        .where(_ballots.c.member_id == _member),
        select(*_row(tr.c.at, J.ISSUED, tr.c.seq, None, other.c.display_name, n1=tr.c.amount))
        .join(debit, debit.c.id == tr.c.debit_account_id)
        .join(credit, credit.c.id == tr.c.credit_account_id)
        .join(other, other.c.id == credit.c.owner_id)
        .where(tr.c.debit_owner_id == _member, debit.c.kind == L.ISSUER, tr.c.code == L.ISSUE),
    ]
    for kind, mine, theirs in (
        (J.DELIVERED, _red.c.issuer_id, _red.c.holder_id),
        (J.RECEIVED, _red.c.holder_id, _red.c.issuer_id),
    ):
        branches.append(
            select(
                *_row(
                    _red.c.updated_at,
                    kind,
                    _red.c.id,
                    None,
                    _red.c.service,
                    other.c.display_name,
                    n1=_red.c.minutes,
                )
            )
            .join(other, other.c.id == theirs)
            .where(mine == _member, _red.c.status == L.CONFIRMED)
        )
    accepted = _ag.c.accepted_at.is_not(None)
    branches += [
        select(
            *_row(
                _ag.c.accepted_at,
                J.AGREEMENT,
                _ag.c.id,
                None,
                _ag.c.skill,
                provider.c.display_name,
                literal_column("'learner'", String),
                _ag.c.number,
            )
        )
        .select_from(_learners)
        .join(_ag, _ag.c.id == _learners.c.agreement_id)
        .join(provider, provider.c.id == _ag.c.provider_id)
        .where(_learners.c.learner_id == _member, accepted),
        select(
            *_row(
                _ag.c.accepted_at,
                J.AGREEMENT,
                _ag.c.id,
                None,
                _ag.c.skill,
                first_learner,
                literal_column("'provider'", String),
                _ag.c.number,
            )
        ).where(_ag.c.provider_id == _member, accepted),
    ]
    for role, whose in (("learner", _learners.c.learner_id), ("provider", _ag.c.provider_id)):
        branches.append(
            select(
                *_row(
                    _learners.c.settled_at,
                    J.ASSESSMENT,
                    _ag.c.id,
                    _learners.c.position,
                    _ag.c.skill,
                    learner.c.display_name,
                    literal_column(f"'{role}'", String),
                    _ag.c.number,
                    passed,
                )
            )
            .select_from(_learners)
            .join(_ag, _ag.c.id == _learners.c.agreement_id)
            .join(learner, learner.c.id == _learners.c.learner_id)
            .where(whose == _member, *settled)
        )
    a, n = badges_t.badge_awards, journeys_t.journal_notes
    branches.append(
        select(*_row(a.c.awarded_at, J.BADGE, a.c.id, None, a.c.name, n1=a.c.number)).where(
            a.c.member_id == _member
        )
    )
    if own:
        # Journal notes are the member's own words, for them alone.
        branches.append(
            select(*_row(n.c.written_at, J.NOTE, n.c.id, None, n.c.text)).where(
                n.c.member_id == _member
            )
        )
    return branches


def _newest_first(columns: Any) -> list[Any]:
    return [columns.at.desc(), columns.rank.desc(), columns.t1.desc(), columns.t2.desc()]


def _every_moment() -> Select[Any]:
    merged = union_all(*_branches(own=True)).subquery("moments")
    return select(merged).order_by(*_newest_first(merged.c))


def _page_of_moments(own: bool) -> Select[Any]:
    reach: Any = bindparam("reach")
    limited = [
        select(
            branch.order_by(*_newest_first(branch.selected_columns)).limit(reach).subquery(f"b{i}")
        )
        for i, branch in enumerate(_branches(own))
    ]
    merged = union_all(*limited).subquery("moments")
    return (
        select(merged)
        .order_by(*_newest_first(merged.c))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def _counted(own: bool) -> Select[Any]:
    merged = union_all(*_branches(own)).subquery("moments")
    return select(func.count()).select_from(merged)


_EVERY = _every_moment()
_PAGE = {own: _page_of_moments(own) for own in (False, True)}
_COUNT = {own: _counted(own) for own in (False, True)}
_KIND = dict(enumerate(J.KINDS))
_GOOD = {E.VALIDATED: True, E.NOT_VALIDATED: False}


def _as_moment(r: Row[Any]) -> Moment:
    """A row of the merged branches as the moment its kind words."""
    kind = _KIND[r.rank]
    at, order = r.at, (int(r.t1), int(r.t2))
    match kind:
        case J.CIRCLE:
            return _moment(at, kind, r.s1, None, order, circle=r.s1, lead=int(r.n1))
        case J.ATTENDED | J.HOSTED:
            params = {"title": r.s1, "number": int(r.n1), "circle": r.s2, "status": r.s3}
            return _moment(at, kind, r.s1, _GOOD.get(r.s3), order, **params)
        case J.BALLOT:
            return _moment(
                at,
                kind,
                r.s1,
                None,
                order,
                title=r.s1,
                number=int(r.n1),
                at_level=int(r.n2),
                rating=int(r.n3),
            )
        case J.ISSUED:
            return _moment(at, kind, r.s1, None, order, minutes=int(r.n1), other=r.s1)
        case J.DELIVERED | J.RECEIVED:
            return _moment(at, kind, r.s1, None, order, minutes=int(r.n1), service=r.s1, other=r.s2)
        case J.AGREEMENT:
            return _moment(
                at,
                kind,
                r.s1,
                None,
                order,
                number=int(r.n1),
                skill=r.s1,
                role=r.s3,
                other=r.s2 or "",
            )
        case J.ASSESSMENT:
            return _moment(
                at,
                kind,
                r.s1,
                bool(r.n2),
                order,
                number=int(r.n1),
                skill=r.s1,
                role=r.s3,
                learner=r.s2,
            )
        case J.BADGE:
            return _moment(at, kind, r.s1, None, order, name=r.s1, number=int(r.n1))
    return _moment(at, J.NOTE, r.s1, None, order, text=r.s1)


class SqlJourneys(Repository):
    async def moments(self, member_id: int, now: datetime) -> list[Moment]:
        """Everything the member did, in time order."""
        rows = await self._exec(_EVERY, {"member": member_id, "now": now})
        return [_as_moment(r) for r in reversed(rows.all())]

    async def moments_page(
        self, member_id: int, now: datetime, own: bool, offset: int, limit: int
    ) -> list[Moment]:
        rows = await self._exec(
            _PAGE[own],
            {
                "member": member_id,
                "now": now,
                "reach": offset + limit,
                "offset": offset,
                "limit": limit,
            },
        )
        return [_as_moment(r) for r in rows]

    async def moment_count(self, member_id: int, now: datetime, own: bool) -> int:
        result = await self._exec(_COUNT[own], {"member": member_id, "now": now})
        return int(result.scalar_one())

    async def track_record(self, member_id: int, now: datetime) -> TrackRecord:
        """One round trip: single-row aggregates over indexed columns, joined side by side."""

        def count(*where: Any) -> Any:
            return func.count().filter(*where) if where else func.count()

        status = _ev.c.status
        hosted = (
            select(
                count().label("hosted"),
                count(status == E.VALIDATED).label("validated"),
                count(status == E.NOT_VALIDATED).label("below"),
                count(status == E.UNREVIEWED).label("unreviewed"),
            )
            .select_from(_hosts.join(_ev, _ev.c.id == _hosts.c.event_id))
            .where(_hosts.c.member_id == member_id, status != E.CANCELLED, _ev.c.starts_at <= now)
        )
        my_events = select(_hosts.c.event_id).where(_hosts.c.member_id == member_id)
        ratings = select(
            func.coalesce(func.sum(_ballots.c.rating), 0).label("rating_sum"),
            func.count(_ballots.c.rating).label("ratings"),
        ).where(_ballots.c.event_id.in_(my_events))
        ballots = select(count().label("ballots")).where(_ballots.c.member_id == member_id)
        issuer = ledger_t.accounts
        mine = (issuer.c.owner_id == member_id, issuer.c.kind == L.ISSUER)
        outstanding = select(
            func.coalesce(func.sum(issuer.c.debits_posted - issuer.c.credits_posted), 0).label(
                "outstanding"
            )
        ).where(*mine)
        issued = (
            select(func.coalesce(func.sum(ledger_t.transfers.c.amount), 0).label("issued"))
            .join(issuer, issuer.c.id == ledger_t.transfers.c.debit_account_id)
            .where(*mine, ledger_t.transfers.c.code == L.ISSUE)
        )
        rs = _red.c.status
        redemptions = select(
            func.coalesce(func.sum(_red.c.minutes).filter(rs == L.CONFIRMED), 0).label("delivered"),
            count(rs == L.CONFIRMED).label("confirmed"),
            count(rs.in_((L.OPEN, L.DELIVERED))).label("open"),
            count(rs == L.DECLINED).label("declined"),
            count(rs.in_((L.DISPUTED, L.REFUNDED))).label("disputed"),
        ).where(_red.c.issuer_id == member_id)
        taught = (
            select(
                count(_learners.c.status == A.PASSED).label("passed"),
                count(_learners.c.status == A.FAILED).label("failed"),
            )
            .join(_ag, _ag.c.id == _learners.c.agreement_id)
            .where(_ag.c.provider_id == member_id)
        )
        parts = [
            q.subquery(name)
            for name, q in (
                ("h", hosted),
                ("r", ratings),
                ("b", ballots),
                ("o", outstanding),
                ("i", issued),
                ("d", redemptions),
                ("t", taught),
            )
        ]
        joined: Any = parts[0]
        for part in parts[1:]:
            joined = joined.join(part, true())
        row = (await self._exec(select(*(c for p in parts for c in p.c)).select_from(joined))).one()
        closed = int(row.validated) + int(row.below) + int(row.unreviewed)
        return TrackRecord(
            hosted=int(row.hosted),
            hosted_validated=int(row.validated),
            hosted_below=int(row.below),
            hosted_unreviewed=int(row.unreviewed),
            hosted_pending=int(row.hosted) - closed,
            rating_sum=int(row.rating_sum),
            ratings=int(row.ratings),
            ballots=int(row.ballots),
            issued=int(row.issued),
            delivered=int(row.delivered),
            outstanding=int(row.outstanding),
            redemptions_confirmed=int(row.confirmed),
            redemptions_open=int(row.open),
            redemptions_declined=int(row.declined),
            redemptions_disputed=int(row.disputed),
            learners_passed=int(row.passed),
            learners_failed=int(row.failed),
        )

    async def export(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row that is about the member, table by table, for `data export`."""
        tr = ledger_t.transfers
        accounts = select(ledger_t.accounts.c.id).where(ledger_t.accounts.c.owner_id == member_id)
        wanted: Sequence[tuple[str, Any]] = (
            (
                "identities",
                select(members_t.identities).where(members_t.identities.c.member_id == member_id),
            ),
            (
                "circle_seats",
                select(circles_t.circle_seats).where(
                    circles_t.circle_seats.c.member_id == member_id
                ),
            ),
            ("events_hosted", select(_hosts).where(_hosts.c.member_id == member_id)),
            ("event_attendance", select(_att).where(_att.c.member_id == member_id)),
            ("review_ballots", select(_ballots).where(_ballots.c.member_id == member_id)),
            (
                "accounts",
                select(ledger_t.accounts).where(ledger_t.accounts.c.owner_id == member_id),
            ),
            (
                "transfers",
                select(tr)
                .where(
                    or_(tr.c.debit_account_id.in_(accounts), tr.c.credit_account_id.in_(accounts))
                )
                .order_by(tr.c.seq),
            ),
            (
                "redemptions",
                select(_red).where(
                    or_(_red.c.holder_id == member_id, _red.c.issuer_id == member_id)
                ),
            ),
            (
                "providers",
                select(agreements_t.providers).where(
                    agreements_t.providers.c.member_id == member_id
                ),
            ),
            ("agreements", select(_ag).where(_ag.c.provider_id == member_id)),
            ("agreement_learning", select(_learners).where(_learners.c.learner_id == member_id)),
            (
                "auctions",
                select(auctions_t.auctions).where(auctions_t.auctions.c.seller_id == member_id),
            ),
            ("bids", select(auctions_t.bids).where(auctions_t.bids.c.bidder_id == member_id)),
            (
                "badges",
                select(badges_t.badge_awards).where(badges_t.badge_awards.c.member_id == member_id),
            ),
            (
                "credential_statuses",
                select(badges_t.credential_statuses).where(
                    badges_t.credential_statuses.c.member_id == member_id
                ),
            ),
            (
                "journal",
                select(journeys_t.journal_notes).where(
                    journeys_t.journal_notes.c.member_id == member_id
                ),
            ),
            ("audit", select(commands_t.audit).where(commands_t.audit.c.member_id == member_id)),
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for name, query in wanted:
            found[name] = [dict(r._mapping) for r in await self._exec(query)]
        return found

    async def add_note(self, community_id: int, member_id: int, text: str, now: datetime) -> None:
        await self._exec(
            insert(journeys_t.journal_notes).values(
                community_id=community_id, member_id=member_id, text=text, written_at=now
            )
        )

    async def forget(self, member_id: int, pseudonym: str, reply: dict[str, Any]) -> None:
        """Replace who the member is with a pseudonym, drop their own words, and let the
        replies kept for their command keys say `reply`; their rows stay for balanced
        histories."""
        await self._exec(
            update(_m)
            .where(_m.c.id == member_id)
            .values(
                display_name=pseudonym,
                name_key=pseudonym.lower(),
                context=None,
                context_key=None,
                timezone=None,
                offers="",
                seeks="",
            )
        )
        i = members_t.identities
        ids = [r.id for r in await self._exec(select(i.c.id).where(i.c.member_id == member_id))]
        for identity_id in ids:
            # A random id no platform will ever send, so the person starts afresh.
            await self._exec(
                update(i)
                .where(i.c.id == identity_id)
                .values(platform="forgotten", external_id=secrets.token_hex(16))
            )
        await self._exec(
            update(_ballots).where(_ballots.c.member_id == member_id).values(comment=None)
        )
        await self._exec(
            delete(journeys_t.journal_notes).where(
                journeys_t.journal_notes.c.member_id == member_id
            )
        )
        k = commands_t.command_keys
        await self._exec(update(k).where(k.c.member_id == member_id).values(reply=reply))

    async def seats(self, member_id: int) -> list[tuple[str, bool]]:
        """The circles the member sits or waits in, by name, with whether they wait."""
        s, c = circles_t.circle_seats, circles_t.circles
        rows = await self._exec(
            select(c.c.name, s.c.waiting)
            .join(c, c.c.id == s.c.circle_id)
            .where(s.c.member_id == member_id)
            .order_by(c.c.name)
        )
        return [(r.name, bool(r.waiting)) for r in rows]
