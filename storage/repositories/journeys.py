"""Read-only views across features: a member's journey, their track record, and
everything stored about them for `data export`; and forgetting them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, or_, select, true, update
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

_OUTCOME = {E.VALIDATED: True, E.NOT_VALIDATED: False}


def _moment(
    at: datetime, kind: str, text: str, good: bool | None = None, /, **params: str | int
) -> Moment:
    return Moment(at, kind, text, good, tuple(params.items()))


def _event_params(r: Row[Any]) -> dict[str, str | int]:
    return {"title": r.title, "number": r.number, "circle": r.circle, "status": r.status}


class SqlJourneys(Repository):
    async def moments(self, member_id: int, now: datetime) -> list[Moment]:
        """Everything the member did, unordered: the service puts it in time order."""
        found: list[Moment] = []
        for part in (
            self._circles,
            self._events,
            self._ballots,
            self._vouchers,
            self._agreements,
            self._badges_and_notes,
        ):
            found.extend(await part(member_id, now))
        return found

    async def _circles(self, member_id: int, now: datetime) -> list[Moment]:
        s, c = circles_t.circle_seats, circles_t.circles
        rows = await self._exec(
            select(s.c.since, s.c.lead, c.c.name)
            .join(c, c.c.id == s.c.circle_id)
            .where(s.c.member_id == member_id, s.c.waiting.is_(False))
        )
        return [
            _moment(r.since, J.CIRCLE, r.name, circle=r.name, lead=int(bool(r.lead))) for r in rows
        ]

    async def _events(self, member_id: int, now: datetime) -> list[Moment]:
        c = circles_t.circles
        columns = (
            _ev.c.starts_at,
            _ev.c.title,
            _ev.c.number,
            _ev.c.status,
            c.c.name.label("circle"),
        )
        hosted_ids = select(_hosts.c.event_id).where(_hosts.c.member_id == member_id)
        attended = await self._exec(
            select(*columns)
            .select_from(_att.join(_ev, _ev.c.id == _att.c.event_id))
            .join(c, c.c.id == _ev.c.circle_id)
            .where(
                _att.c.member_id == member_id,
                _att.c.checked_in_at.is_not(None),
                _ev.c.id.not_in(hosted_ids),
            )
        )
        hosted = await self._exec(
            select(*columns)
            .select_from(_hosts.join(_ev, _ev.c.id == _hosts.c.event_id))
            .join(c, c.c.id == _ev.c.circle_id)
            .where(
                _hosts.c.member_id == member_id,
                _ev.c.status != E.CANCELLED,
                _ev.c.starts_at <= now,
            )
        )
        return [
            _moment(r.starts_at, kind, r.title, _OUTCOME.get(r.status), **_event_params(r))
            for kind, rows in ((J.ATTENDED, attended), (J.HOSTED, hosted))
            for r in rows
        ]

    async def _ballots(self, member_id: int, now: datetime) -> list[Moment]:
        rows = await self._exec(
            select(
                _ballots.c.cast_at,
                _ballots.c.at_level,
                _ballots.c.rating,
                _ev.c.title,
                _ev.c.number,
            )
            .join(_ev, _ev.c.id == _ballots.c.event_id)
            .where(_ballots.c.member_id == member_id)
        )
        return [
            _moment(
                r.cast_at,
                J.BALLOT,
                r.title,
                title=r.title,
                number=r.number,
                at_level=int(bool(r.at_level)),
                rating=r.rating or 0,
            )
            for r in rows
        ]

    async def _vouchers(self, member_id: int, now: datetime) -> list[Moment]:
        tr = ledger_t.transfers
        debit = aliased(ledger_t.accounts, name="debit")
        credit = aliased(ledger_t.accounts, name="credit")
        issued = await self._exec(
            select(tr.c.at, tr.c.amount, _m.c.display_name.label("other"))
            .join(debit, debit.c.id == tr.c.debit_account_id)
            .join(credit, credit.c.id == tr.c.credit_account_id)
            .join(_m, _m.c.id == credit.c.owner_id)
            .where(debit.c.owner_id == member_id, debit.c.kind == L.ISSUER, tr.c.code == L.ISSUE)
        )
        found = [
            _moment(r.at, J.ISSUED, r.other, minutes=int(r.amount), other=r.other) for r in issued
        ]
        for kind, mine, theirs in (
            (J.DELIVERED, _red.c.issuer_id, _red.c.holder_id),
            (J.RECEIVED, _red.c.holder_id, _red.c.issuer_id),
        ):
            rows = await self._exec(
                select(_red.c.updated_at, _red.c.minutes, _red.c.service, _m.c.display_name)
                .join(_m, _m.c.id == theirs)
                .where(mine == member_id, _red.c.status == L.CONFIRMED)
            )
            found.extend(
                _moment(
                    r.updated_at,
                    kind,
                    r.service,
                    minutes=int(r.minutes),
                    service=r.service,
                    other=r.display_name,
                )
                for r in rows
            )
        return found

    async def _agreements(self, member_id: int, now: datetime) -> list[Moment]:
        provider = aliased(_m, name="provider")
        learner = aliased(_m, name="learner")
        rows = await self._exec(
            select(
                _ag.c.number,
                _ag.c.skill,
                _ag.c.provider_id,
                _ag.c.accepted_at,
                _learners.c.learner_id,
                _learners.c.status,
                _learners.c.settled_at,
                provider.c.display_name.label("provider"),
                learner.c.display_name.label("learner"),
            )
            .join(_ag, _ag.c.id == _learners.c.agreement_id)
            .join(provider, provider.c.id == _ag.c.provider_id)
            .join(learner, learner.c.id == _learners.c.learner_id)
            .where(
                or_(_learners.c.learner_id == member_id, _ag.c.provider_id == member_id),
                _ag.c.accepted_at.is_not(None),
            )
            .order_by(_ag.c.number, _learners.c.position)
        )
        found: list[Moment] = []
        taught: set[int] = set()
        for r in rows:
            as_learner = r.learner_id == member_id
            if as_learner or r.number not in taught:
                taught.add(r.number)
                role = "learner" if as_learner else "provider"
                found.append(
                    _moment(
                        r.accepted_at,
                        J.AGREEMENT,
                        r.skill,
                        number=r.number,
                        skill=r.skill,
                        role=role,
                        other=r.provider if as_learner else r.learner,
                    )
                )
            if r.status in (A.PASSED, A.FAILED) and r.settled_at is not None:
                found.append(
                    _moment(
                        r.settled_at,
                        J.ASSESSMENT,
                        r.skill,
                        r.status == A.PASSED,
                        number=r.number,
                        skill=r.skill,
                        role="learner" if as_learner else "provider",
                        learner=r.learner,
                    )
                )
        return found

    async def _badges_and_notes(self, member_id: int, now: datetime) -> list[Moment]:
        a, n = badges_t.badge_awards, journeys_t.journal_notes
        awards = await self._exec(
            select(a.c.awarded_at, a.c.name, a.c.number, a.c.evidence).where(
                a.c.member_id == member_id
            )
        )
        notes = await self._exec(select(n.c.written_at, n.c.text).where(n.c.member_id == member_id))
        return [
            _moment(r.awarded_at, J.BADGE, r.name, name=r.name, number=r.number) for r in awards
        ] + [_moment(r.written_at, J.NOTE, r.text, text=r.text) for r in notes]

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
