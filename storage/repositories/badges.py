"""Badges, signing keys, journal notes, and the read-only summaries of other features' facts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update

from bot.model import agreements as A
from bot.model import events as E
from bot.model import ledger as L
from bot.model.badges import YEAR_DAYS, Award, Facts
from storage.repositories.base import Repository
from storage.repositories.events import counted, events_of
from storage.tables import agreements as agreements_t
from storage.tables import badges as badges_t
from storage.tables import communities as communities_t
from storage.tables import events as events_t
from storage.tables import ledger as ledger_t
from storage.tables import reviews as reviews_t


def _award(row: Row[Any]) -> Award:
    return Award(
        id=row.id,
        community_id=row.community_id,
        number=row.number,
        member_id=row.member_id,
        code=row.code,
        name=row.name,
        description=row.description,
        criteria=row.criteria,
        evidence=row.evidence,
        awarded_by=row.awarded_by,
        awarded_at=row.awarded_at,
    )


_ev = events_t.events
_att = events_t.event_attendees
_hosts = events_t.event_hosts
_ballots = reviews_t.review_ballots


# What the automatic criteria count, in one statement, each through the member's
# own index: events attended in the last year and hosted ever (as obligations
# count them), ballots cast, minutes delivered.
_me: Any = bindparam("member")
_FACTS = select(
    counted(events_of(_me, attended=True), bindparam("year_ago")).label("attended"),
    counted(events_of(_me, attended=False)).label("hosted"),
    select(func.count())
    .select_from(_ballots)
    .where(_ballots.c.member_id == _me)
    .scalar_subquery()
    .label("ballots"),
    select(func.coalesce(func.sum(ledger_t.redemptions.c.minutes), 0))
    .where(
        ledger_t.redemptions.c.issuer_id == _me,
        ledger_t.redemptions.c.status == bindparam("confirmed"),
    )
    .scalar_subquery()
    .label("delivered"),
)


class SqlBadges(Repository):
    # Awards.
    async def awards(self, member_id: int) -> list[Award]:
        a = badges_t.badge_awards
        rows = await self._exec(
            select(a).where(a.c.member_id == member_id).order_by(a.c.awarded_at, a.c.id)
        )
        return [_award(r) for r in rows]

    async def by_number(self, community_id: int, number: int) -> Award | None:
        a = badges_t.badge_awards
        row = (
            await self._exec(
                select(a).where(a.c.community_id == community_id, a.c.number == number)
            )
        ).first()
        return _award(row) if row else None

    async def add_award(
        self,
        community_id: int,
        number: int,
        member_id: int,
        code: str,
        name: str,
        description: str,
        criteria: str,
        evidence: str,
        awarded_by: int | None,
        now: datetime,
    ) -> None:
        await self._exec(
            insert(badges_t.badge_awards).values(
                community_id=community_id,
                number=number,
                member_id=member_id,
                code=code,
                name=name[:120],
                description=description[:300],
                criteria=criteria[:300],
                evidence=evidence[:500],
                awarded_by=awarded_by,
                awarded_at=now,
            )
        )

    # Facts the criteria check.
    async def facts(self, member: Any, now: datetime) -> Facts:
        row = (
            await self._exec(
                _FACTS,
                {
                    "member": member.id,
                    "validated": E.VALIDATED,
                    "year_ago": now - timedelta(days=YEAR_DAYS),
                    "confirmed": L.CONFIRMED,
                },
            )
        ).one()
        member_id = member.id
        return Facts(
            attended_year=int(row.attended),
            hosted=int(row.hosted),
            ballots=int(row.ballots),
            delivered=int(row.delivered),
            trustee=bool(member.is_trustee),
            skills=await self.passed_skills(member_id),
        )

    async def passed_skills(self, member_id: int) -> list[tuple[str, datetime, str]]:
        ag, bl = agreements_t.agreements, agreements_t.agreement_learners
        rows = await self._exec(
            select(ag.c.skill, bl.c.settled_at, bl.c.evidence)
            .join(ag, ag.c.id == bl.c.agreement_id)
            .where(bl.c.learner_id == member_id, bl.c.status == A.PASSED)
            .order_by(bl.c.settled_at)
        )
        return [(r.skill, r.settled_at, r.evidence) for r in rows]

    async def involved_in_closed(
        self, community_id: int, after: datetime | None, until: datetime
    ) -> list[int]:
        """Members whose events closed their review in [after, until]."""
        window = [_ev.c.community_id == community_id, _ev.c.closed_at <= until]
        if after is not None:
            # Inclusive: a review can close at the very instant of the last sweep.
            window.append(_ev.c.closed_at >= after)
        closed = select(_ev.c.id).where(*window)
        ids: set[int] = set()
        for table in (_att, _hosts, _ballots):
            rows = await self._exec(
                select(table.c.member_id).where(table.c.event_id.in_(closed)).distinct()
            )
            ids.update(r.member_id for r in rows)
        return sorted(ids)

    async def swept_until(self, community_id: int) -> datetime | None:
        row = (
            await self._exec(
                select(badges_t.badge_sweeps.c.swept_until).where(
                    badges_t.badge_sweeps.c.community_id == community_id
                )
            )
        ).first()
        return row.swept_until if row else None

    async def set_swept(self, community_id: int, until: datetime, *, first: bool) -> None:
        s = badges_t.badge_sweeps
        if first:
            await self._exec(insert(s).values(community_id=community_id, swept_until=until))
        else:
            await self._exec(
                update(s).where(s.c.community_id == community_id).values(swept_until=until)
            )

    async def community_ids(self) -> list[int]:
        return [r.id for r in await self._exec(select(communities_t.communities.c.id))]

    # Signing keys.
    async def key(self, community_id: int) -> str | None:
        k = badges_t.community_keys
        row = (await self._exec(select(k.c.secret).where(k.c.community_id == community_id))).first()
        return row.secret if row else None

    async def put_key(self, community_id: int, secret: str, now: datetime) -> None:
        await self._exec(
            insert(badges_t.community_keys).values(
                community_id=community_id, secret=secret, created_at=now
            )
        )
