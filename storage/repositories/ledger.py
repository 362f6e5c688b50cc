"""The ledger, agreement and auction ports, with explicit row <-> model mapping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, tuple_, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import aliased

from bot.model import ledger as L
from bot.model.ledger import Account, AccountKey, Movement, Redemption, Sums, Transfer
from storage.repositories.base import Repository
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t


def _account(row: Row[Any]) -> Account:
    return Account(
        id=row.id,
        community_id=row.community_id,
        issuer_id=row.issuer_id,
        kind=row.kind,
        owner_id=row.owner_id,
        ref=row.ref,
        debits_pending=row.debits_pending,
        debits_posted=row.debits_posted,
        credits_pending=row.credits_pending,
        credits_posted=row.credits_posted,
        services=row.services,
    )


def _transfer(row: Row[Any]) -> Transfer:
    return Transfer(
        id=row.id,
        debit_account_id=row.debit_account_id,
        credit_account_id=row.credit_account_id,
        amount=row.amount,
        code=row.code,
        flag=row.flag,
        pending_id=row.pending_id,
        memo=row.memo,
    )


def _redemption(row: Row[Any]) -> Redemption:
    return Redemption(
        id=row.id,
        community_id=row.community_id,
        number=row.number,
        holder_id=row.holder_id,
        issuer_id=row.issuer_id,
        minutes=row.minutes,
        service=row.service,
        status=row.status,
        hold_id=row.hold_id,
        requested_at=row.requested_at,
        updated_at=row.updated_at,
        resolved_by=row.resolved_by,
    )


def _key(row: Row[Any]) -> AccountKey:
    return AccountKey(row.issuer_id, row.kind, row.owner_id, row.ref)


# Every movement runs these; built once, so each use only binds its values.
_a, _tr = ledger_t.accounts, ledger_t.transfers
_BY_KEYS = (
    select(_a)
    .where(
        tuple_(_a.c.issuer_id, _a.c.owner_id, _a.c.kind, _a.c.ref).in_(
            bindparam("keys", expanding=True)
        )
    )
    .order_by(_a.c.id)
)
_BY_IDS = select(_a).where(_a.c.id.in_(bindparam("ids", expanding=True))).order_by(_a.c.id)
_SAVE_TOTALS = (
    update(_a)
    .where(_a.c.id == bindparam("account"))
    .values(
        debits_pending=bindparam("dpe"),
        debits_posted=bindparam("dpo"),
        credits_pending=bindparam("cpe"),
        credits_posted=bindparam("cpo"),
    )
)
# Only a clash of ids means "made already"; resolving one pending transfer
# twice must still fail loudly on its own unique key.
# Each side's owner is copied from its account as the row goes in.
_OWNERS = {
    f"{side}_owner_id": select(_a.c.owner_id)
    .where(_a.c.id == bindparam(f"b_{side}"))
    .scalar_subquery()
    for side in ("debit", "credit")
}
_INSERT_TRANSFERS = {
    name: insert_(_tr)
    .values(**_OWNERS)
    .on_conflict_do_nothing(index_elements=[_tr.c.id])
    .returning(_tr.c.id)
    for name, insert_ in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_DELIVERED = (
    select(func.coalesce(func.sum(ledger_t.redemptions.c.minutes), 0))
    .where(
        ledger_t.redemptions.c.issuer_id == bindparam("owner"),
        ledger_t.redemptions.c.status == L.CONFIRMED,
    )
    .scalar_subquery()
)
_DELIVERED_BY = select(_DELIVERED)
# A balance in one round trip: what the member holds, whose it is, what they delivered.
_OWNED = (
    select(_a, members_t.members.c.display_name, _DELIVERED.label("delivered"))
    .join(members_t.members, members_t.members.c.id == _a.c.issuer_id)
    .where(_a.c.owner_id == bindparam("owner"), _a.c.community_id == bindparam("community"))
    .order_by(_a.c.id)
)
# A member's movements, newest first: the newest of each side from its owner
# index (a movement between two of their own accounts counts on the debit side),
# merged, paged, and only then joined to the accounts and names it shows.
_reach: Any = bindparam("reach")
_sides = [
    select(_tr.c.seq)
    .where(_tr.c.debit_owner_id == bindparam("owner"))
    .order_by(_tr.c.seq.desc())
    .limit(_reach)
    .subquery("debits"),
    select(_tr.c.seq)
    .where(_tr.c.credit_owner_id == bindparam("owner"), _tr.c.debit_owner_id != bindparam("owner"))
    .order_by(_tr.c.seq.desc())
    .limit(_reach)
    .subquery("credits"),
]
_moves = union_all(*(select(side.c.seq) for side in _sides)).subquery("moves")
_page = (
    select(_moves.c.seq)
    .order_by(_moves.c.seq.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    .subquery("page")
)
_debit, _credit = aliased(_a, name="debit"), aliased(_a, name="credit")
_debit_m, _credit_m, _issuer_m = (
    aliased(members_t.members, name=n) for n in ("debit_m", "credit_m", "issuer_m")
)
_HISTORY = (
    select(
        _tr.c.at,
        _tr.c.code,
        _tr.c.flag,
        _tr.c.amount,
        _tr.c.memo,
        _tr.c.seq,
        _debit.c.owner_id.label("debit_owner"),
        _debit.c.kind.label("debit_kind"),
        _credit.c.owner_id.label("credit_owner"),
        _credit.c.kind.label("credit_kind"),
        _debit.c.issuer_id,
        _debit_m.c.display_name.label("debit_name"),
        _credit_m.c.display_name.label("credit_name"),
        _issuer_m.c.display_name.label("issuer_name"),
    )
    .select_from(_page)
    .join(_tr, _tr.c.seq == _page.c.seq)
    .join(_debit, _debit.c.id == _tr.c.debit_account_id)
    .join(_credit, _credit.c.id == _tr.c.credit_account_id)
    .join(_debit_m, _debit_m.c.id == _debit.c.owner_id)
    .join(_credit_m, _credit_m.c.id == _credit.c.owner_id)
    .join(_issuer_m, _issuer_m.c.id == _debit.c.issuer_id)
    .order_by(_tr.c.seq.desc())
)
# A member's open requests, made and received: each side through its own index (an
# OR of the two would leave PostgreSQL's generic plan reading every request).
_r = ledger_t.redemptions
_open = _r.c.status.in_((L.OPEN, L.DELIVERED, L.DISPUTED))
_mine_open = union_all(
    select(_r).where(_r.c.holder_id == bindparam("member"), _open),
    select(_r).where(
        _r.c.issuer_id == bindparam("member"), _r.c.holder_id != bindparam("member"), _open
    ),
).subquery("mine")
_OPEN_REDEMPTIONS = (
    select(_mine_open)
    .where(_mine_open.c.community_id == bindparam("community"))
    .order_by(_mine_open.c.number)
)
# SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks the rows.
_LOCKING = {
    False: {"keys": _BY_KEYS, "ids": _BY_IDS},
    True: {"keys": _BY_KEYS.with_for_update(), "ids": _BY_IDS.with_for_update()},
}


class SqlLedger(Repository):
    async def _by_keys(self, keys: Sequence[AccountKey], lock: bool) -> dict[AccountKey, Account]:
        query = _LOCKING[lock and not self.sqlite]["keys"]
        rows = await self._exec(
            query, {"keys": [(k.issuer_id, k.owner_id, k.kind, k.ref) for k in keys]}
        )
        return {_key(r): _account(r) for r in rows}

    async def accounts(
        self, community_id: int, keys: Iterable[AccountKey], *, lock: bool
    ) -> dict[AccountKey, Account]:
        wanted = list(dict.fromkeys(keys))
        found = await self._by_keys(wanted, lock)
        missing = [k for k in wanted if k not in found]
        if missing:
            a = ledger_t.accounts
            await self._exec(
                self._insert(a)
                .values(
                    [
                        {
                            "community_id": community_id,
                            "issuer_id": k.issuer_id,
                            "kind": k.kind,
                            "owner_id": k.owner_id,
                            "ref": k.ref,
                        }
                        for k in missing
                    ]
                )
                .on_conflict_do_nothing(
                    index_elements=[a.c.issuer_id, a.c.owner_id, a.c.kind, a.c.ref]
                )
            )
            found.update(await self._by_keys(missing, lock))
        return found

    async def find(self, key: AccountKey) -> Account | None:
        found = await self._by_keys([key], lock=False)
        return found.get(key)

    async def lock(self, account_ids: Iterable[int]) -> dict[int, Account]:
        query = _LOCKING[not self.sqlite]["ids"]
        rows = await self._exec(query, {"ids": sorted(set(account_ids))})
        return {r.id: _account(r) for r in rows}

    async def transfers(self, ids: Iterable[str]) -> dict[str, Transfer]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self._exec(
            select(ledger_t.transfers).where(ledger_t.transfers.c.id.in_(wanted))
        )
        return {r.id: _transfer(r) for r in rows}

    async def resolved(self, pending_ids: Iterable[str]) -> set[str]:
        wanted = list(pending_ids)
        if not wanted:
            return set()
        rows = await self._exec(
            select(ledger_t.transfers.c.pending_id).where(
                ledger_t.transfers.c.pending_id.in_(wanted)
            )
        )
        return {r.pending_id for r in rows}

    async def insert(self, community_id: int, batch: Sequence[Transfer], now: datetime) -> int:
        statement = _INSERT_TRANSFERS["sqlite" if self.sqlite else "postgresql"]
        rows = [
            {
                "id": x.id,
                "community_id": community_id,
                "debit_account_id": x.debit_account_id,
                "credit_account_id": x.credit_account_id,
                "amount": x.amount,
                "code": x.code,
                "flag": x.flag,
                "pending_id": x.pending_id,
                "at": now,
                "memo": x.memo,
                "b_debit": x.debit_account_id,
                "b_credit": x.credit_account_id,
            }
            for x in batch
        ]
        result = await self._exec(statement, rows if len(rows) > 1 else rows[0])
        return len(result.all())

    async def save_totals(self, accounts: Iterable[Account]) -> None:
        rows = [
            {
                "account": x.id,
                "dpe": x.debits_pending,
                "dpo": x.debits_posted,
                "cpe": x.credits_pending,
                "cpo": x.credits_posted,
            }
            for x in accounts
        ]
        if rows:
            await self._exec(_SAVE_TOTALS, rows if len(rows) > 1 else rows[0])

    async def set_services(self, account_id: int, services: str) -> None:
        a = ledger_t.accounts
        await self._exec(update(a).where(a.c.id == account_id).values(services=services))

    async def owned(
        self, community_id: int, owner_id: int
    ) -> tuple[list[tuple[Account, str]], int]:
        rows = (await self._exec(_OWNED, {"owner": owner_id, "community": community_id})).all()
        # Without accounts a member never issued, so never delivered either.
        delivered = int(rows[0].delivered) if rows else 0
        return [(_account(r), r.display_name) for r in rows], delivered

    async def names(self, member_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(member_ids))
        if not wanted:
            return {}
        rows = await self._exec(
            select(members_t.members.c.id, members_t.members.c.display_name).where(
                members_t.members.c.id.in_(wanted)
            )
        )
        return {r.id: r.display_name for r in rows}

    async def delivered(self, issuer_id: int) -> int:
        result = await self._exec(_DELIVERED_BY, {"owner": issuer_id})
        return int(result.scalar_one())

    async def history(self, owner_id: int, offset: int, limit: int) -> list[Movement]:
        rows = (
            await self._exec(
                _HISTORY,
                {"owner": owner_id, "reach": offset + limit, "offset": offset, "limit": limit},
            )
        ).all()
        moves = []
        spendable = (L.HOLDING, L.ISSUER)
        for r in rows:
            debit_mine = r.debit_owner == owner_id and r.debit_kind in spendable
            credit_mine = r.credit_owner == owner_id and r.credit_kind in spendable
            if credit_mine and not debit_mine:
                direction, other_owner, other_kind = "in", r.debit_owner, r.debit_kind
            elif debit_mine and not credit_mine:
                direction, other_owner, other_kind = "out", r.credit_owner, r.credit_kind
            else:
                direction = "aside"
                other_owner, other_kind = (
                    (r.credit_owner, r.credit_kind)
                    if r.debit_owner == owner_id
                    else (r.debit_owner, r.debit_kind)
                )
            moves.append(
                Movement(
                    at=r.at,
                    code=r.code,
                    flag=r.flag,
                    amount=r.amount,
                    direction=direction,
                    issuer_id=r.issuer_id,
                    issuer_name=r.issuer_name,
                    counterpart_id=other_owner,
                    counterpart_name=r.debit_name
                    if other_owner == r.debit_owner
                    else r.credit_name,
                    counterpart_kind=other_kind,
                    memo=r.memo,
                )
            )
        return moves

    async def trustees(self, community_id: int) -> list[int]:
        m = members_t.members
        rows = await self._exec(
            select(m.c.id)
            .where(
                m.c.community_id == community_id,
                m.c.is_trustee.is_(True),
                m.c.merged_into.is_(None),
            )
            .order_by(m.c.id)
        )
        return [r.id for r in rows]

    async def add_redemption(
        self,
        community_id: int,
        number: int,
        holder_id: int,
        issuer_id: int,
        minutes: int,
        service: str,
        hold_id: str,
        now: datetime,
    ) -> Redemption:
        values: dict[str, Any] = {
            "community_id": community_id,
            "number": number,
            "holder_id": holder_id,
            "issuer_id": issuer_id,
            "minutes": minutes,
            "service": service,
            "status": L.OPEN,
            "hold_id": hold_id,
            "requested_at": now,
            "updated_at": now,
        }
        result = await self._exec(
            ledger_t.redemptions.insert().values(values).returning(ledger_t.redemptions.c.id)
        )
        return Redemption(id=int(result.scalar_one()), **values)

    async def redemption(
        self, community_id: int, number: int, *, lock: bool = False
    ) -> Redemption | None:
        r = ledger_t.redemptions
        query = select(r).where(r.c.community_id == community_id, r.c.number == number)
        row = (await self._exec(self._for_update(query) if lock else query)).first()
        return _redemption(row) if row else None

    async def open_redemptions(self, community_id: int, member_id: int) -> list[Redemption]:
        rows = await self._exec(_OPEN_REDEMPTIONS, {"community": community_id, "member": member_id})
        return [_redemption(x) for x in rows]

    async def set_redemption(
        self, redemption_id: int, status: str, now: datetime, resolved_by: int | None = None
    ) -> None:
        r = ledger_t.redemptions
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if resolved_by is not None:
            values["resolved_by"] = resolved_by
        await self._exec(update(r).where(r.c.id == redemption_id).values(**values))

    async def check(self, community_id: int | None = None) -> list[str]:
        return await check_ledger(self.conn, community_id)


async def check_ledger(conn: AsyncConnection, community_id: int | None = None) -> list[str]:
    """Recompute every account's totals from its transfers and compare; words for each fault."""
    a = ledger_t.accounts
    tr = ledger_t.transfers
    scope_a = [a.c.community_id == community_id] if community_id is not None else []
    scope_t = [tr.c.community_id == community_id] if community_id is not None else []
    accounts = [_account(r) for r in await conn.execute(select(a).where(*scope_a))]
    sums: dict[int, list[int]] = {}
    for side in ("debit", "credit"):
        column = tr.c.debit_account_id if side == "debit" else tr.c.credit_account_id
        rows = await conn.execute(
            select(column.label("account"), tr.c.flag, func.sum(tr.c.amount).label("total"))
            .where(*scope_t)
            .group_by(column, tr.c.flag)
        )
        for row in rows:
            totals = sums.setdefault(row.account, [0, 0, 0, 0])
            pending, posted = (0, 1) if side == "debit" else (2, 3)
            total = int(row.total)
            if row.flag == L.POSTED:
                totals[posted] += total
            elif row.flag == L.PENDING:
                totals[pending] += total
            elif row.flag == L.POST:
                totals[pending] -= total
                totals[posted] += total
            else:
                totals[pending] -= total
    problems: list[str] = []
    debit = aliased(a, name="debit")
    credit = aliased(a, name="credit")
    crossing = await conn.execute(
        select(tr.c.id)
        .join(debit, debit.c.id == tr.c.debit_account_id)
        .join(credit, credit.c.id == tr.c.credit_account_id)
        .where(debit.c.issuer_id != credit.c.issuer_id, *scope_t)
    )
    problems += [f"transfer {r.id} moves between two currencies" for r in crossing]
    held = aliased(tr, name="held")
    mismatched = await conn.execute(
        select(tr.c.id)
        .outerjoin(held, held.c.id == tr.c.pending_id)
        .where(
            tr.c.flag.in_([L.POST, L.VOID]),
            or_(
                held.c.id.is_(None),
                held.c.flag != L.PENDING,
                held.c.debit_account_id != tr.c.debit_account_id,
                held.c.credit_account_id != tr.c.credit_account_id,
                held.c.amount != tr.c.amount,
            ),
            *scope_t,
        )
    )
    problems += [f"transfer {r.id} resolves no matching pending transfer" for r in mismatched]
    stray = await conn.execute(
        select(tr.c.id).where(
            tr.c.flag.in_([L.POSTED, L.PENDING]), tr.c.pending_id.is_not(None), *scope_t
        )
    )
    problems += [f"transfer {r.id} names a pending transfer it cannot resolve" for r in stray]
    known = {x.id for x in accounts}
    problems += [
        f"transfers name account {account_id}, which does not exist"
        for account_id in sorted(set(sums) - known)
    ]
    recomputed = {i: Sums(*v) for i, v in sums.items()}
    return L.differences(accounts, recomputed, problems)


async def check_engine(engine: AsyncEngine) -> tuple[list[str], dict[str, int]]:
    """The ledger check over a whole database, with how much it looked at."""
    async with engine.connect() as conn:
        problems = await check_ledger(conn)
        counts = {
            "accounts": int(
                (
                    await conn.execute(select(func.count()).select_from(ledger_t.accounts))
                ).scalar_one()
            ),
            "transfers": int(
                (
                    await conn.execute(select(func.count()).select_from(ledger_t.transfers))
                ).scalar_one()
            ),
            "currencies": int(
                (
                    await conn.execute(select(func.count(ledger_t.accounts.c.issuer_id.distinct())))
                ).scalar_one()
            ),
        }
    return problems, counts
