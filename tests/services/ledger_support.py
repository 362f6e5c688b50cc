"""Shared pieces of the ledger suites: snapshots of the books and their soundness."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from adapters.app import App
from storage.repositories.ledger import check_ledger
from storage.tables import agreements as agreements_t
from storage.tables import auctions as auctions_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t


async def snapshot(app: App) -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    async with app.engine.connect() as conn:
        accounts = (
            await conn.execute(select(ledger_t.accounts).order_by(ledger_t.accounts.c.id))
        ).all()
        counts = {
            table.name: int(
                (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            )
            for table in (
                ledger_t.transfers,
                ledger_t.redemptions,
                agreements_t.agreements,
                agreements_t.agreement_learners,
                auctions_t.auctions,
                auctions_t.bids,
                agreements_t.providers,
            )
        }
        statuses = {
            table.name: sorted(
                (r.id, r.status) for r in await conn.execute(select(table.c.id, table.c.status))
            )
            for table in (ledger_t.redemptions, agreements_t.agreements, auctions_t.auctions)
        }
    return {
        "accounts": [tuple(r) for r in accounts],
        "counts": counts,
        "statuses": statuses,
    }


async def clean(app: App) -> None:
    """The ledger check finds nothing wrong."""
    async with app.engine.connect() as conn:
        assert await check_ledger(conn) == []


async def member_id(app: App, name: str) -> int:
    async with app.engine.connect() as conn:
        return int(
            (
                await conn.execute(
                    select(members_t.members.c.id).where(members_t.members.c.display_name == name)
                )
            ).scalar_one()
        )


async def totals(app: App, owner: str, issuer: str, kind: str = "holding") -> tuple[int, ...]:
    """(debits pending, debits posted, credits pending, credits posted) of one account."""
    owner_id, issuer_id = await member_id(app, owner), await member_id(app, issuer)
    a = ledger_t.accounts
    async with app.engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    a.c.debits_pending, a.c.debits_posted, a.c.credits_pending, a.c.credits_posted
                ).where(a.c.owner_id == owner_id, a.c.issuer_id == issuer_id, a.c.kind == kind)
            )
        ).first()
    return tuple(row) if row else (0, 0, 0, 0)


async def held(app: App, owner: str, issuer: str) -> int:
    """Posted balance of a holding, in minutes."""
    _, dpo, _, cpo = await totals(app, owner, issuer)
    return cpo - dpo


async def outstanding(app: App, issuer: str) -> int:
    _, dpo, _, cpo = await totals(app, issuer, issuer, "issuer")
    return dpo - cpo
