"""Providers, learning agreements and escrowed bundles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, select, union, update

from bot.model import agreements as ag
from bot.model.agreements import Agreement, Bundle, Provider
from storage.repositories.base import Repository
from storage.tables import agreements as agreements_t
from storage.tables import members as members_t


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


_p, _skills, _m = agreements_t.providers, agreements_t.provider_skills, members_t.members
_LISTED = select(_p, _m.c.display_name).join(_m, _m.c.id == _p.c.member_id)
# A page of a community's providers, or of those listing one skill, by registration.
_PROVIDERS = {
    False: _LISTED.where(_p.c.community_id == bindparam("community_id"))
    .order_by(_p.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset")),
    True: _LISTED.join(_skills, _skills.c.provider_id == _p.c.id)
    .where(
        _skills.c.community_id == bindparam("community_id"),
        _skills.c.skill_key == bindparam("skill_key"),
    )
    .order_by(_skills.c.provider_id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset")),
}


# The agreements a member provides or learns in: one branch per role, each through
# its own index (an OR of the two would leave PostgreSQL scanning every agreement).
_g, _b = agreements_t.agreements, agreements_t.agreement_learners
_ROLES = (
    select(_g).where(
        _g.c.provider_id == bindparam("member_id"), _g.c.community_id == bindparam("community_id")
    ),
    select(_g)
    .join(_b, _b.c.agreement_id == _g.c.id)
    .where(
        _b.c.learner_id == bindparam("member_id"), _g.c.community_id == bindparam("community_id")
    ),
)
_involved = union(*_ROLES).subquery("involved")
_INVOLVING = select(_involved).order_by(_involved.c.number)
_involved_reach = union(
    *(
        select(role.order_by(_g.c.number).limit(bindparam("reach")).subquery(f"r{i}"))
        for i, role in enumerate(_ROLES)
    )
).subquery("involved")
_INVOLVING_PAGE = (
    select(_involved_reach)
    .order_by(_involved_reach.c.number)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
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
        updated = (
            await self._exec(
                update(p)
                .where(p.c.community_id == community_id, p.c.member_id == member_id)
                .values(**values)
                .returning(p.c.id)
            )
        ).first()
        if updated is not None:
            provider_id = int(updated.id)
            await self._exec(delete(_skills).where(_skills.c.provider_id == provider_id))
        else:
            result = await self._exec(
                p.insert()
                .values(community_id=community_id, member_id=member_id, registered_at=now, **values)
                .returning(p.c.id)
            )
            provider_id = int(result.scalar_one())
        keys = {ag.skill_key(skill) for skill in ag.parse_skills(skills)}
        await self._exec(
            insert(_skills),
            [
                {"provider_id": provider_id, "skill_key": key, "community_id": community_id}
                for key in sorted(keys)
            ],
        )
        return updated is None

    async def providers(
        self, community_id: int, skill: str | None, offset: int, limit: int
    ) -> list[tuple[Provider, str]]:
        rows = await self._exec(
            _PROVIDERS[skill is not None],
            {
                "community_id": community_id,
                "skill_key": None if skill is None else ag.skill_key(skill),
                "offset": offset,
                "limit": limit,
            },
        )
        return [(_provider(r), r.display_name) for r in rows]

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
        rows = await self._exec(_INVOLVING, {"community_id": community_id, "member_id": member_id})
        return [_agreement(r) for r in rows]

    async def involving_page(
        self, community_id: int, member_id: int, offset: int, limit: int
    ) -> list[Agreement]:
        rows = await self._exec(
            _INVOLVING_PAGE,
            {
                "community_id": community_id,
                "member_id": member_id,
                "reach": offset + limit,
                "offset": offset,
                "limit": limit,
            },
        )
        return [_agreement(r) for r in rows]
