"""Providers, learning agreements and escrowed bundles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select, update

from bot.model import agreements as ag
from bot.model.agreements import Agreement, Bundle, Provider
from storage.repositories.base import Repository
from storage.tables import agreements as agreements_t


def _provider(row: Row[Any]) -> Provider:
    return Provider(
        id=row.id,
        community_id=row.community_id,
        member_id=row.member_id,
        kind=row.kind,
        skills=row.skills,
        terms_minutes=row.terms_minutes,
        guarantee=row.guarantee,
        registered_at=row.registered_at,
    )


def _agreement(row: Row[Any]) -> Agreement:
    return Agreement(
        id=row.id,
        community_id=row.community_id,
        number=row.number,
        provider_id=row.provider_id,
        skill=row.skill,
        minutes_each=row.minutes_each,
        status=row.status,
        proposed_by=row.proposed_by,
        proposed_at=row.proposed_at,
        accepted_at=row.accepted_at,
        expires_at=row.expires_at,
    )


def _bundle(row: Row[Any]) -> Bundle:
    return Bundle(
        agreement_id=row.agreement_id,
        learner_id=row.learner_id,
        status=row.status,
        position=row.position,
        source_issuer_id=row.source_issuer_id,
        escrow_account_id=row.escrow_account_id,
        assessor_id=row.assessor_id,
        evidence=row.evidence,
        settled_at=row.settled_at,
    )


class SqlAgreements(Repository):
    async def provider(self, community_id: int, member_id: int) -> Provider | None:
        p = agreements_t.providers
        row = (
            await self._exec(
                select(p).where(p.c.community_id == community_id, p.c.member_id == member_id)
            )
        ).first()
        return _provider(row) if row else None

    async def save_provider(
        self,
        community_id: int,
        member_id: int,
        kind: str,
        skills: str,
        terms_minutes: int,
        guarantee: str,
        now: datetime,
    ) -> bool:
        p = agreements_t.providers
        values = {"kind": kind, "skills": skills, "terms_minutes": terms_minutes}
        values["guarantee"] = guarantee
        result = await self._exec(
            update(p)
            .where(p.c.community_id == community_id, p.c.member_id == member_id)
            .values(**values)
        )
        if result.rowcount:
            return False
        await self._exec(
            p.insert().values(
                community_id=community_id, member_id=member_id, registered_at=now, **values
            )
        )
        return True

    async def providers(self, community_id: int) -> list[Provider]:
        p = agreements_t.providers
        rows = await self._exec(
            select(p).where(p.c.community_id == community_id).order_by(p.c.registered_at, p.c.id)
        )
        return [_provider(r) for r in rows]

    async def create(
        self,
        community_id: int,
        number: int,
        provider_id: int,
        skill: str,
        minutes_each: int,
        proposed_by: int,
        now: datetime,
    ) -> Agreement:
        values: dict[str, Any] = {
            "community_id": community_id,
            "number": number,
            "provider_id": provider_id,
            "skill": skill,
            "minutes_each": minutes_each,
            "status": ag.PROPOSED,
            "proposed_by": proposed_by,
            "proposed_at": now,
        }
        result = await self._exec(
            agreements_t.agreements.insert().values(values).returning(agreements_t.agreements.c.id)
        )
        return Agreement(id=int(result.scalar_one()), **values)

    async def add_bundle(self, bundle: Bundle) -> None:
        await self._exec(
            agreements_t.agreement_learners.insert().values(
                agreement_id=bundle.agreement_id,
                learner_id=bundle.learner_id,
                status=bundle.status,
                position=bundle.position,
                source_issuer_id=bundle.source_issuer_id,
                escrow_account_id=bundle.escrow_account_id,
                assessor_id=bundle.assessor_id,
                evidence=bundle.evidence,
                settled_at=bundle.settled_at,
            )
        )

    async def get(self, community_id: int, number: int, *, lock: bool = False) -> Agreement | None:
        g = agreements_t.agreements
        query = select(g).where(g.c.community_id == community_id, g.c.number == number)
        row = (await self._exec(self._for_update(query) if lock else query)).first()
        return _agreement(row) if row else None

    async def by_id(
        self, agreement_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> Agreement | None:
        g = agreements_t.agreements
        query = select(g).where(g.c.id == agreement_id)
        if lock:
            query = self._claim(query, skip_locked)
        row = (await self._exec(query)).first()
        return _agreement(row) if row else None

    async def bundles(self, agreement_id: int) -> list[Bundle]:
        b = agreements_t.agreement_learners
        rows = await self._exec(
            select(b).where(b.c.agreement_id == agreement_id).order_by(b.c.position)
        )
        return [_bundle(r) for r in rows]

    async def save_bundle(self, bundle: Bundle) -> None:
        b = agreements_t.agreement_learners
        await self._exec(
            update(b)
            .where(b.c.agreement_id == bundle.agreement_id, b.c.learner_id == bundle.learner_id)
            .values(
                status=bundle.status,
                source_issuer_id=bundle.source_issuer_id,
                escrow_account_id=bundle.escrow_account_id,
                assessor_id=bundle.assessor_id,
                evidence=bundle.evidence,
                settled_at=bundle.settled_at,
            )
        )

    async def set_status(
        self,
        agreement_id: int,
        status: str,
        *,
        accepted_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        g = agreements_t.agreements
        values: dict[str, Any] = {"status": status}
        if accepted_at is not None:
            values["accepted_at"] = accepted_at
        if expires_at is not None:
            values["expires_at"] = expires_at
        await self._exec(update(g).where(g.c.id == agreement_id).values(**values))

    async def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        g = agreements_t.agreements
        rows = await self._exec(
            select(g.c.community_id, g.c.id)
            .where(g.c.status == ag.ACCEPTED, g.c.expires_at <= now)
            .order_by(g.c.expires_at, g.c.id)
            .limit(limit)
        )
        return [(r.community_id, r.id) for r in rows]

    async def involving(self, community_id: int, member_id: int) -> list[Agreement]:
        g = agreements_t.agreements
        b = agreements_t.agreement_learners
        learner_of = select(b.c.agreement_id).where(b.c.learner_id == member_id)
        rows = await self._exec(
            select(g)
            .where(
                g.c.community_id == community_id,
                or_(g.c.provider_id == member_id, g.c.id.in_(learner_of)),
            )
            .order_by(g.c.number)
        )
        return [_agreement(r) for r in rows]
