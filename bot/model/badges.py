"""Badge classes, their criteria and the pathway: rules without a database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.model.units import format_minutes, parse_minutes

# What a criterion counts.
ATTENDED = "attended"  # validated events attended in the last year
HOSTED = "hosted"  # validated events hosted, ever
BALLOTS = "ballots"  # review ballots cast, ever
DELIVERED = "delivered"  # minutes of vouchers delivered and confirmed, ever
TRUSTEE = "trustee"  # holds the trustee role
SKILL = "skill"  # one badge per skill from a passed assessment
MANUAL = "manual"  # only awarded by a lead
KINDS = (ATTENDED, HOSTED, BALLOTS, DELIVERED, TRUSTEE, SKILL, MANUAL)

YEAR_DAYS = 365


@dataclass(frozen=True)
class BadgeClass:
    code: str
    name: str
    kind: str
    threshold: int = 0
    description: str = ""

    @property
    def criteria(self) -> str:
        return criteria_text(self.kind, self.threshold)


def criteria_text(kind: str, threshold: int, skill: str = "") -> str:
    match kind:
        case "attended":
            return f"Attend {threshold} validated events within a year."
        case "hosted":
            return f"Host {threshold} validated events."
        case "ballots":
            return f"Cast {threshold} peer review ballots."
        case "delivered":
            return f"Deliver {format_minutes(threshold)} of time vouchers."
        case "trustee":
            return "Be a trustee of the community."
        case "skill":
            return f"Pass an independent assessment of the skill {skill}.".replace("  ", " ")
    return "Awarded by a circle lead, with evidence."


DEFAULT_CLASSES: tuple[BadgeClass, ...] = (
    BadgeClass("participant", "Participant", ATTENDED, 4, "Takes part in peer-reviewed events."),
    BadgeClass("contributor", "Contributor", HOSTED, 2, "Hosts events peers judged at level."),
    BadgeClass("peer-reviewer", "Peer reviewer", BALLOTS, 10, "Judges the quality of events."),
    BadgeClass("time-giver", "Time giver", DELIVERED, 600, "Gives hours of their own time."),
    BadgeClass("trustee", "Trustee", TRUSTEE, 0, "Trusted to resolve disputes."),
)

# The most events, ballots or hours a criterion may ask for.
MOST_COUNT = 10_000

_ENTRY = re.compile(r"^\s*([^=]{1,60}?)\s*=\s*([a-z]+)\s*(?::\s*(\S+))?\s*$")


def code_for(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


_CODE_LENGTH = 64  # what the awards table keeps


def skill_code(skill: str) -> str:
    return ("skill-" + code_for(skill))[:_CODE_LENGTH]


def parse_classes(text: str) -> list[BadgeClass]:
    """Extra classes from config or settings: `Mentor=hosted:5; Guide=manual`."""
    classes: list[BadgeClass] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _ENTRY.match(part)
        if match is None:
            raise ValueError(part)
        name, kind, amount = match.group(1), match.group(2), match.group(3)
        if kind not in KINDS or kind == SKILL or not code_for(name):
            raise ValueError(part)
        threshold = most = 0
        if kind in (ATTENDED, HOSTED, BALLOTS):
            threshold = int(amount or "")
            most = MOST_COUNT
        elif kind == DELIVERED:
            threshold = parse_minutes(amount or "")
            most = MOST_COUNT * 60
        # A criterion nobody could ever meet (10**20 events) is a typo, not a badge.
        if kind not in (TRUSTEE, MANUAL) and not 0 < threshold <= most:
            raise ValueError(part)
        classes.append(BadgeClass(code_for(name), name, kind, threshold))
    return classes


def show_classes(classes: Sequence[BadgeClass]) -> str:
    parts = []
    for c in classes:
        amount = format_minutes(c.threshold) if c.kind == DELIVERED else str(c.threshold)
        parts.append(f"{c.name}={c.kind}" + (f":{amount}" if c.threshold else ""))
    return "; ".join(parts)


def all_classes(extra: Iterable[BadgeClass]) -> list[BadgeClass]:
    found = {c.code: c for c in DEFAULT_CLASSES}
    for c in extra:
        found[c.code] = c
    return list(found.values())


@dataclass(frozen=True)
class Facts:
    """What a member's record adds up to, for checking criteria."""

    attended_year: int = 0
    hosted: int = 0
    ballots: int = 0
    delivered: int = 0
    trustee: bool = False
    # (skill, when the assessment passed, evidence)
    skills: Sequence[tuple[str, datetime, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class Earned:
    code: str
    name: str
    description: str
    criteria: str
    evidence: str


def earned(classes: Sequence[BadgeClass], facts: Facts) -> list[Earned]:
    """Every automatic badge the facts meet (held ones included)."""
    out: list[Earned] = []
    count = {
        ATTENDED: (facts.attended_year, "{n} validated events attended in the last year"),
        HOSTED: (facts.hosted, "{n} validated events hosted"),
        BALLOTS: (facts.ballots, "{n} review ballots cast"),
    }
    for c in classes:
        if c.kind in count:
            n, words = count[c.kind]
            if n >= c.threshold:
                out.append(Earned(c.code, c.name, c.description, c.criteria, words.format(n=n)))
        elif c.kind == DELIVERED and facts.delivered >= c.threshold:
            evidence = f"{format_minutes(facts.delivered)} delivered and confirmed"
            out.append(Earned(c.code, c.name, c.description, c.criteria, evidence))
        elif c.kind == TRUSTEE and facts.trustee:
            out.append(Earned(c.code, c.name, c.description, c.criteria, "Trustee role held"))
    for skill, _when, evidence in facts.skills:
        out.append(
            Earned(
                skill_code(skill),
                f"Skill: {skill}"[:120],
                f"Showed the skill {skill} in an independent assessment."[:300],
                criteria_text(SKILL, 0, skill)[:300],
                (evidence or "Passed assessment")[:500],
            )
        )
    return out


@dataclass(frozen=True)
class Pathway:
    size: int
    counted: list[str]  # codes from the set that are held, in set order
    missing: list[str]

    @property
    def complete(self) -> bool:
        return len(self.counted) >= self.size


def pathway(size: int, badge_set: Sequence[str], held: Iterable[str]) -> Pathway:
    """Progress towards the qualification: `size` badges from `badge_set`."""
    have = set(held)
    counted = [c for c in badge_set if c in have or (c == SKILL and _any_skill(have))]
    missing = [c for c in badge_set if c not in counted]
    return Pathway(size, counted, missing)


def _any_skill(codes: set[str]) -> bool:
    return any(c.startswith("skill-") for c in codes)


def parse_set(text: str) -> list[str]:
    codes = [code_for(part) for part in text.split(",") if part.strip()]
    if not codes:
        raise ValueError(text)
    return codes


@dataclass(frozen=True)
class Award:
    """A badge a member holds, shown as #number."""

    id: int
    community_id: int
    number: int
    member_id: int
    code: str
    name: str
    description: str
    criteria: str
    evidence: str
    awarded_by: int | None
    awarded_at: datetime
    revoked_at: datetime | None = None
    revoked_by: int | None = None
    revoke_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class CredentialStatus:
    """A credential's entry in the community's status list: a badge's (award_id),
    or a completed pathway's (the award ids it rests on)."""

    community_id: int
    index: int
    member_id: int
    award_id: int | None
    rests_on: tuple[int, ...]
    issued_at: datetime
    revoked_at: datetime | None = None
