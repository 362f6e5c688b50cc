"""Badges, signing keys, journal notes, and the read-only summaries of other features' facts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update

from bot.model import agreements as A
from bot.model import events as E
from bot.model import ledger as L
from bot.model.badges import YEAR_DAYS, Award, CredentialStatus, Facts
from bot.ports.communities import Community
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
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def _status(row: Row[Any]) -> CredentialStatus:
    rests_on = tuple(int(part) for part in (row.rests_on or "").split(",") if part)
    return CredentialStatus(
        community_id=row.community_id,
        index=row.status_index,
        member_id=row.member_id,
        award_id=row.award_id,
        rests_on=rests_on,
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
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

    async def revoke(self, award_id: int, by: int, reason: str, now: datetime) -> list[int]:
        a, cs = badges_t.badge_awards, badges_t.credential_statuses
        award = (await self._exec(select(a).where(a.c.id == award_id))).one()
        await self._exec(
            update(a)
            .where(a.c.id == award_id)
            .values(revoked_at=now, revoked_by=by, revoke_reason=reason[:500])
        )
        # The badge's own credential, and every pathway credential of the holder
        # that names it among the badges it rests on.
        rows = await self._exec(
            select(cs).where(cs.c.member_id == award.member_id, cs.c.revoked_at.is_(None))
        )
        indexes = [
            r.status_index
            for r in rows
            if r.award_id == award_id or award_id in _status(r).rests_on
        ]
        if indexes:
            await self._exec(
                update(cs)
                .where(cs.c.community_id == award.community_id, cs.c.status_index.in_(indexes))
                .values(revoked_at=now)
            )
        return sorted(indexes)

    async def communities(self) -> list[Community]:
        rows = await self._exec(
            select(communities_t.communities).order_by(communities_t.communities.c.id)
        )
        return [Community(r.id, r.slug, r.name, r.created_at) for r in rows]

    # Status list entries.
    async def status_of_award(self, award_id: int) -> CredentialStatus | None:
        cs = badges_t.credential_statuses
        row = (await self._exec(select(cs).where(cs.c.award_id == award_id))).first()
        return _status(row) if row else None

    async def status_at(self, community_id: int, index: int) -> CredentialStatus | None:
        cs = badges_t.credential_statuses
        row = (
            await self._exec(
                select(cs).where(cs.c.community_id == community_id, cs.c.status_index == index)
            )
        ).first()
        return _status(row) if row else None

    async def pathway_statuses(self, member_id: int) -> list[CredentialStatus]:
        cs = badges_t.credential_statuses
        rows = await self._exec(
            select(cs)
            .where(cs.c.member_id == member_id, cs.c.award_id.is_(None))
            .order_by(cs.c.issued_at)
        )
        return [_status(r) for r in rows]

    async def status_count(self, community_id: int) -> int:
        cs = badges_t.credential_statuses
        count = await self._exec(
            select(func.count()).select_from(cs).where(cs.c.community_id == community_id)
        )
        return int(count.scalar_one())

    async def add_status(self, status: CredentialStatus) -> None:
        await self._exec(
            insert(badges_t.credential_statuses).values(
                community_id=status.community_id,
                status_index=status.index,
                member_id=status.member_id,
                award_id=status.award_id,
                rests_on=",".join(str(i) for i in status.rests_on) or None,
                issued_at=status.issued_at,
                revoked_at=status.revoked_at,
            )
        )

    async def revoked_indexes(self, community_id: int) -> list[int]:
        cs = badges_t.credential_statuses
        rows = await self._exec(
            select(cs.c.status_index).where(
                cs.c.community_id == community_id, cs.c.revoked_at.is_not(None)
            )
        )
        return [r.status_index for r in rows]

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
