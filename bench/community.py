"""A grown community, written straight into the tables, for the scaling bench and
the query plan tests.

`grow(app, community=s, own=h)` writes a community `s` times the base size (100
members, 10 circles, 150 past events, 1,000 transfers...) and one member, `me`
(console name "me", member id 1), whose own history is `h` times theirs (3
circles, 10 events attended, 2 hosted, 10 ballots, 20 transfers, 2 redemptions
each way, an agreement as learner and one as provider, 3 journal notes...). It
returns what the reading commands need to name: a circle, an upcoming event, a
past event, a skill, an auction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text, update

from adapters.app import App
from bot.model import agreements as A
from bot.model import auctions as AU
from bot.model import events as E
from bot.model import ledger as L
from storage.tables import agreements as agreements_t
from storage.tables import auctions as auctions_t
from storage.tables import badges as badges_t
from storage.tables import circles as circles_t
from storage.tables import communities as communities_t
from storage.tables import events as events_t
from storage.tables import journeys as journeys_t
from storage.tables import ledger as ledger_t
from storage.tables import members as members_t
from storage.tables import reviews as reviews_t

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SLUG = "grown"
ME = 1
CONTEXTS = ["Bournemouth, UK", "Lagos, Nigeria", "Lima, Peru", "Pune, India", "Quito, Ecuador"]
SKILLS = [f"skill {n}" for n in range(20)]
# The base community (1x); everything else is this times the scale.
BASE_MEMBERS = 100
BASE_CIRCLES = 10
BASE_PAST_EVENTS = 150
BASE_UPCOMING = 20
BASE_TRANSFERS = 1000


@dataclass(frozen=True)
class Grown:
    circle: str  # a circle `me` sits in
    upcoming: int  # an upcoming event's number
    past: int  # a validated event's number
    skill: str  # a skill several providers list
    auction: int  # a running auction's number
    rows: int  # rows written in all


class _Writer:
    """Rows straight into the tables: COPY on PostgreSQL, one executemany a table on
    SQLite (in the formats SQLAlchemy stores), so a big community grows in seconds."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.rows = 0

    async def put(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        async with self.app.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            if conn.dialect.name == "postgresql":
                records = [tuple(r[c] for c in columns) for r in rows]
                await raw.copy_records_to_table(table.name, records=records, columns=columns)
            else:
                kinds = [
                    next((type(r[c]) for r in rows if r[c] is not None), None) for c in columns
                ]
                convert = [_SQLITE.get(kind, _same) if kind else _same for kind in kinds]
                pairs = list(zip(columns, convert, strict=True))
                records = [tuple(f(r[c]) for c, f in pairs) for r in rows]
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
                await raw.execute("BEGIN")
                await raw.executemany(sql, records)
                await raw.commit()
        self.rows += len(rows)


def _instant(value: datetime | None) -> str | None:
    # As SQLAlchemy's SQLite DateTime stores it, in UTC (every instant here is).
    if value is None:
        return None
    return f"{value.isoformat(' ')[:19]}.{value.microsecond:06d}"


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _same(value: Any) -> Any:
    return value


_SQLITE: dict[type, Any] = {datetime: _instant, bool: _flag}


class _Ledger:
    """Accounts and transfers as the ledger would leave them, kept in memory."""

    def __init__(self) -> None:
        self.accounts: dict[tuple[int, str, int, int], dict[str, Any]] = {}
        self.transfers: list[dict[str, Any]] = []

    def account(self, issuer: int, kind: str, owner: int, ref: int = 0) -> dict[str, Any]:
        key = (issuer, kind, owner, ref)
        found = self.accounts.get(key)
        if found is None:
            found = {
                "id": len(self.accounts) + 1,
                "community_id": 1,
                "issuer_id": issuer,
                "kind": kind,
                "owner_id": owner,
                "ref": ref,
                "debits_pending": 0,
                "debits_posted": 0,
                "credits_pending": 0,
                "credits_posted": 0,
                "services": "tutoring" if kind == L.ISSUER else "",
            }
            self.accounts[key] = found
        return found

    def move(
        self,
        debit: dict[str, Any],
        credit: dict[str, Any],
        minutes: int,
        code: str,
        at: datetime,
        flag: str = L.POSTED,
        pending_id: str | None = None,
    ) -> str:
        transfer_id = f"t{len(self.transfers) + 1:031d}"
        self.transfers.append(
            {
                "seq": len(self.transfers) + 1,
                "id": transfer_id,
                "community_id": 1,
                "debit_account_id": debit["id"],
                "credit_account_id": credit["id"],
                "amount": minutes,
                "code": code,
                "flag": flag,
                "pending_id": pending_id,
                "at": at,
                "memo": "",
                "debit_owner_id": debit["owner_id"],
                "credit_owner_id": credit["owner_id"],
            }
        )
        if flag == L.PENDING:
            debit["debits_pending"] += minutes
            credit["credits_pending"] += minutes
        elif flag == L.POST:
            debit["debits_pending"] -= minutes
            credit["credits_pending"] -= minutes
            debit["debits_posted"] += minutes
            credit["credits_posted"] += minutes
        elif flag == L.VOID:
            debit["debits_pending"] -= minutes
            credit["credits_pending"] -= minutes
        else:
            debit["debits_posted"] += minutes
            credit["credits_posted"] += minutes
        return transfer_id

    def issue(self, issuer: int, to: int, minutes: int, at: datetime) -> None:
        self.move(
            self.account(issuer, L.ISSUER, issuer),
            self.account(issuer, L.HOLDING, to),
            minutes,
            L.ISSUE,
            at,
        )

    def give(self, holder: int, issuer: int, to: int, minutes: int, at: datetime) -> bool:
        source = self.account(issuer, L.HOLDING, holder)
        if source["credits_posted"] - source["debits_posted"] - source["debits_pending"] < minutes:
            return False
        target = self.account(issuer, L.ISSUER if to == issuer else L.HOLDING, to)
        self.move(source, target, minutes, L.RETIRE if to == issuer else L.GIVE, at)
        return True


async def grow(app: App, community: int = 1, own: int = 1, seed: int = 7) -> Grown:
    rng = random.Random(seed)
    out = _Writer(app)
    numbers = iter(range(1, 10**9))
    members = BASE_MEMBERS * community
    everyone = range(1, members + 1)
    others = range(2, members + 1)

    await out.put(
        communities_t.communities,
        [{"id": 1, "slug": SLUG, "name": SLUG, "created_at": NOW - timedelta(days=800)}],
    )
    joined = {m: NOW - timedelta(days=rng.uniform(30, 760)) for m in everyone}
    joined[ME] = NOW - timedelta(days=700)
    await out.put(
        members_t.members,
        [
            {
                "id": m,
                "community_id": 1,
                "display_name": "me" if m == ME else f"m{m}",
                "name_key": "me" if m == ME else f"m{m}",
                "context": CONTEXTS[m % len(CONTEXTS)],
                "context_key": CONTEXTS[m % len(CONTEXTS)].lower(),
                "joined_at": joined[m],
                "is_admin": m == ME,
                "is_assessor": m % 50 == 2,
                "is_trustee": m % 50 == 3,
                "offers": "",
                "seeks": "",
            }
            for m in everyone
        ],
    )
    await out.put(
        members_t.identities,
        [
            {
                "community_id": 1,
                "member_id": m,
                "platform": "console",
                "external_id": "me" if m == ME else f"m{m}",
            }
            for m in everyone
        ],
    )

    # Circles, a tenth of them archived, and three seats a member.
    circle_count = BASE_CIRCLES * community
    circles = list(range(1, circle_count + 1))
    circle_numbers = {c: next(numbers) for c in circles}
    await out.put(
        circles_t.circles,
        [
            {
                "id": c,
                "community_id": 1,
                "number": circle_numbers[c],
                "name": f"circle-{c:05d}",
                "topic": f"Topic {c}",
                "description": "",
                "size": 35,
                "status": "archived" if c % 10 == 0 else "active",
                "created_at": NOW - timedelta(days=790),
            }
            for c in circles
        ],
    )
    live = [c for c in circles if c % 10]
    mine = live[: min(len(live), 3 * own)]
    seats: dict[tuple[int, int], dict[str, Any]] = {}
    seated: dict[int, int] = {}

    def sit(circle: int, member: int, lead: bool = False) -> None:
        if (circle, member) in seats:
            return
        waiting = seated.get(circle, 0) >= 35
        seated[circle] = seated.get(circle, 0) + (0 if waiting else 1)
        seats[(circle, member)] = {
            "circle_id": circle,
            "member_id": member,
            "lead": lead and not waiting,
            "waiting": waiting,
            "since": joined[member] + timedelta(days=1),
        }

    for c in circles:
        sit(c, 2 + (c * 7919) % (members - 1), lead=True)
    for c in mine:
        sit(c, ME, lead=c == mine[0])
    for m in others:
        for c in rng.sample(live, min(3, len(live))):
            sit(c, m)
    await out.put(circles_t.circle_seats, list(seats.values()))

    # Past events, validated mostly, each with a host, attendees and ballots; then
    # upcoming ones with answers.
    past_count = BASE_PAST_EVENTS * community
    statuses = [E.VALIDATED] * 8 + [E.NOT_VALIDATED, E.UNREVIEWED]
    event_rows, hosts, attendees, ballots = [], [], [], []
    mine_attended = set(range(1, min(past_count, 10 * own) + 1))
    mine_hosted = set(range(len(mine_attended) + 1, len(mine_attended) + 2 * own + 1))
    for e in range(1, past_count + 1):
        starts = NOW - timedelta(days=rng.uniform(1, 720), minutes=e % 60)
        status = E.VALIDATED if e in mine_attended | mine_hosted else rng.choice(statuses)
        event_rows.append(_event(e, next(numbers), rng.choice(live), starts, status))
        host = ME if e in mine_hosted else rng.choice(others)
        hosts.append({"event_id": e, "member_id": host})
        people = [m for m in rng.sample(others, min(6, len(others))) if m != host][:5]
        if e in mine_attended:
            people = [ME, *people[:4]]
        for index, m in enumerate(people):
            attendees.append(
                {
                    "event_id": e,
                    "member_id": m,
                    "rsvp": E.GOING,
                    "rsvp_at": starts - timedelta(days=2),
                    "checked_in_at": starts,
                    "checked_in_by": m,
                }
            )
            if index < 3:
                ballots.append(
                    {
                        "event_id": e,
                        "member_id": m,
                        "at_level": rng.random() < 0.8,
                        "rating": rng.randint(3, 5),
                        "comment": None,
                        "cast_at": starts + timedelta(hours=2, minutes=index),
                        "via": "reaction",
                    }
                )
    upcoming_count = BASE_UPCOMING * community
    first_upcoming = past_count + 1
    for e in range(first_upcoming, first_upcoming + upcoming_count):
        starts = NOW + timedelta(days=rng.uniform(0.1, 60), minutes=e % 60)
        circle = mine[0] if e == first_upcoming else rng.choice(live)
        event_rows.append(_event(e, next(numbers), circle, starts, E.SCHEDULED))
        hosts.append({"event_id": e, "member_id": rng.choice(others)})
        for m in rng.sample(others, min(3, len(others))):
            attendees.append(
                {
                    "event_id": e,
                    "member_id": m,
                    "rsvp": E.GOING,
                    "rsvp_at": NOW - timedelta(days=1),
                    "checked_in_at": None,
                    "checked_in_by": None,
                }
            )
    await out.put(events_t.events, event_rows)
    await out.put(events_t.event_hosts, hosts)
    await out.put(events_t.event_attendees, attendees)
    await out.put(reviews_t.review_ballots, ballots)

    # The ledger: issues and gives across the community, and `me`'s own share.
    book = _Ledger()
    moments = sorted(NOW - timedelta(days=rng.uniform(1, 700)) for _ in range(10 * own))
    for at in moments:
        book.issue(ME, rng.choice(others), 60, at)
        book.issue(rng.choice(others), ME, 120, at)
    community_moves = BASE_TRANSFERS * community - len(book.transfers)
    for at in sorted(NOW - timedelta(days=rng.uniform(1, 700)) for _ in range(community_moves)):
        issuer, holder = rng.sample(others, 2)
        if rng.random() < 0.3 and book.give(holder, issuer, rng.choice(others), 15, at):
            continue
        book.issue(issuer, holder, 60, at)
    mine_given = 0
    for issuer, kind, owner, _ in list(book.accounts):
        wanted = owner == ME and kind == L.HOLDING and mine_given < 5 * own
        if wanted and book.give(ME, issuer, rng.choice(others), 15, NOW - timedelta(days=1)):
            mine_given += 1

    # Redemptions, each with its hold and the post that retired it.
    redemptions = []

    def redeem(holder: int, issuer: int, status: str, at: datetime) -> None:
        source = book.account(issuer, L.HOLDING, holder)
        if source["credits_posted"] - source["debits_posted"] - source["debits_pending"] < 30:
            book.issue(issuer, holder, 60, at - timedelta(days=1))
        target = book.account(issuer, L.ISSUER, issuer)
        hold = book.move(source, target, 30, L.REDEEM, at, L.PENDING)
        if status == L.CONFIRMED:
            book.move(source, target, 30, L.REDEEM, at + timedelta(days=1), L.POST, hold)
        redemptions.append(
            {
                "community_id": 1,
                "number": next(numbers),
                "holder_id": holder,
                "issuer_id": issuer,
                "minutes": 30,
                "service": "tutoring",
                "status": status,
                "hold_id": hold,
                "requested_at": at,
                "updated_at": at + timedelta(days=1),
                "resolved_by": None,
            }
        )

    for _ in range(2 * own):
        redeem(rng.choice(others), ME, L.CONFIRMED, NOW - timedelta(days=rng.uniform(2, 600)))
        redeem(ME, rng.choice(others), L.CONFIRMED, NOW - timedelta(days=rng.uniform(2, 600)))
    for _ in range(20 * community):
        issuer, holder = rng.sample(others, 2)
        status = L.CONFIRMED if rng.random() < 0.8 else L.OPEN
        redeem(holder, issuer, status, NOW - timedelta(days=rng.uniform(2, 600)))

    # Auctions: a few running, some won and awaiting payment, more long closed.
    auction_rows, bid_rows, auction_number = [], [], 0
    for index in range(8 * community):
        seller, issuer = rng.sample(others, 2)
        book.issue(issuer, seller, 60, NOW - timedelta(days=30))
        number = next(numbers)
        state = [AU.OPEN, AU.OPEN, AU.WON, AU.SETTLED, AU.SETTLED, AU.UNSOLD, AU.UNSOLD, AU.UNSOLD][
            index % 8
        ]
        source = book.account(issuer, L.HOLDING, seller)
        lot = book.account(issuer, L.LOT, seller, number)
        hold = book.move(source, lot, 30, L.LOT_HOLD, NOW - timedelta(days=20), L.PENDING)
        ends = (
            NOW + timedelta(days=rng.uniform(1, 10))
            if state == AU.OPEN
            else NOW - timedelta(days=rng.uniform(1, 300))
        )
        if state == AU.OPEN and not auction_number:
            auction_number = number
        auction_rows.append(
            {
                "id": index + 1,
                "community_id": 1,
                "number": number,
                "seller_id": seller,
                "issuer_id": issuer,
                "minutes": 30,
                "reserve": 500,
                "currency": "GBP",
                "opened_at": NOW - timedelta(days=20),
                "ends_at": ends,
                "status": state,
                "hold_id": hold,
                "lot_account_id": lot["id"],
                "winner_id": None,
                "price": None,
                "closed_at": None if state == AU.OPEN else ends,
            }
        )
        for b in range(3):
            bid_rows.append(
                {
                    "auction_id": index + 1,
                    "bidder_id": rng.choice(others),
                    "amount": 600 + 100 * b,
                    "at": NOW - timedelta(days=10, minutes=-b),
                }
            )
    await out.put(ledger_t.accounts, list(book.accounts.values()))
    await out.put(ledger_t.transfers, book.transfers)
    await out.put(ledger_t.redemptions, redemptions)
    await out.put(auctions_t.auctions, auction_rows)
    await out.put(auctions_t.bids, bid_rows)

    # Providers with two skills each, and agreements, `me` on both sides.
    provider_rows, skill_rows = [], []
    providers = [ME, *rng.sample(others, min(len(others), 5 * community))]
    for index, member in enumerate(providers, start=1):
        skills = [SKILLS[0], rng.choice(SKILLS[1:])]
        provider_rows.append(
            {
                "id": index,
                "community_id": 1,
                "member_id": member,
                "kind": "tutor",
                "skills": ", ".join(skills),
                "terms_minutes": 60,
                "guarantee": "",
                "registered_at": joined[member] + timedelta(days=2),
            }
        )
        skill_rows += [
            {"provider_id": index, "skill_key": s, "community_id": 1} for s in sorted(set(skills))
        ]
    agreement_rows, learner_rows = [], []

    def agree(provider: int, learner: int, at: datetime) -> None:
        agreement_id = len(agreement_rows) + 1
        agreement_rows.append(
            {
                "id": agreement_id,
                "community_id": 1,
                "number": next(numbers),
                "provider_id": provider,
                "skill": SKILLS[0],
                "minutes_each": 60,
                "status": A.COMPLETED,
                "proposed_by": learner,
                "proposed_at": at - timedelta(days=1),
                "accepted_at": at,
                "expires_at": at + timedelta(days=90),
            }
        )
        learner_rows.append(
            {
                "agreement_id": agreement_id,
                "learner_id": learner,
                "source_issuer_id": learner,
                "status": A.PASSED,
                "escrow_account_id": None,
                "assessor_id": 2,
                "evidence": "passed the test",
                "settled_at": at + timedelta(days=30),
                "position": 1,
            }
        )

    for _ in range(own):
        agree(ME, rng.choice(others), NOW - timedelta(days=rng.uniform(40, 600)))
        agree(rng.choice(providers[1:]), ME, NOW - timedelta(days=rng.uniform(40, 600)))
    for _ in range(5 * community):
        agree(rng.choice(providers[1:]), rng.choice(others), NOW - timedelta(days=300))
    await out.put(agreements_t.providers, provider_rows)
    await out.put(agreements_t.provider_skills, skill_rows)
    await out.put(agreements_t.agreements, agreement_rows)
    await out.put(agreements_t.agreement_learners, learner_rows)

    # Badges and journal notes.
    awards = []
    for member in [ME, *rng.sample(others, min(len(others), 10 * community))]:
        awards.append(
            {
                "community_id": 1,
                "number": next(numbers),
                "member_id": member,
                "code": "participant",
                "name": "Participant",
                "description": "Takes part in peer-reviewed events.",
                "criteria": "Attend 4 validated events within a year.",
                "evidence": "4 validated events attended in the last year",
                "awarded_by": None,
                "awarded_at": NOW - timedelta(days=rng.uniform(1, 600)),
            }
        )
    notes = [
        {
            "community_id": 1,
            "member_id": ME,
            "text": f"note {n}",
            "written_at": NOW - timedelta(days=rng.uniform(1, 600)),
        }
        for n in range(3 * own)
    ] + [
        {
            "community_id": 1,
            "member_id": m,
            "text": "a note",
            "written_at": NOW - timedelta(days=rng.uniform(1, 600)),
        }
        for m in rng.sample(others, min(len(others), 50 * community))
    ]
    await out.put(badges_t.badge_awards, awards)
    await out.put(journeys_t.journal_notes, notes)

    async with app.engine.begin() as conn:
        await conn.execute(
            update(communities_t.communities)
            .where(communities_t.communities.c.id == 1)
            .values(next_number=next(numbers))
        )
        if conn.dialect.name == "postgresql":
            # Ids were given, so each sequence starts past them for rows made later.
            for table in (
                "communities",
                "members",
                "identities",
                "circles",
                "circle_seats",
                "events",
                "event_attendees",
                "accounts",
                "transfers",
                "redemptions",
                "auctions",
                "bids",
                "providers",
                "agreements",
                "badge_awards",
                "journal_notes",
            ):
                column = "seq" if table == "transfers" else "id"
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"(SELECT coalesce(max({column}), 1) FROM {table}))"
                    )
                )
            await conn.execute(text("ANALYZE"))
        else:
            await conn.execute(text("ANALYZE"))
    return Grown(
        circle=f"circle-{mine[0]:05d}",
        upcoming=event_rows[past_count]["number"],
        past=event_rows[0]["number"],
        skill=SKILLS[0],
        auction=auction_number,
        rows=out.rows,
    )


def _event(
    event_id: int, number: int, circle: int, starts: datetime, status: str
) -> dict[str, Any]:
    closed = status in E.CLOSED
    return {
        "id": event_id,
        "community_id": 1,
        "circle_id": circle,
        "number": number,
        "occurrence": 1,
        "title": f"Meetup {event_id}",
        "description": "",
        "location": "",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "capacity": None,
        "status": status,
        "counts": True,
        "created_by": ME,
        "created_at": starts - timedelta(days=7),
        "sequence": 0,
        "review_closes_at": starts + timedelta(hours=73) if closed else None,
        "closed_at": starts + timedelta(hours=73) if closed else None,
        "at_level": 3 if status == E.VALIDATED else 0,
        "below": 0,
        "voters": 3 if closed else 0,
    }
