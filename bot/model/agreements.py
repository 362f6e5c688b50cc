"""Providers and learning agreements: bundles held in escrow until a skill is shown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.errors import DomainError

PROVIDER_KINDS = ("tutor", "homeschool", "onsite", "online")

# Agreement states.
PROPOSED = "proposed"
ACCEPTED = "accepted"
DECLINED = "declined"
COMPLETED = "completed"

# A learner's bundle.
INVITED = "invited"  # named by the proposer, not yet confirmed
READY = "ready"  # confirmed, with the currency that pays
ESCROWED = "escrowed"
PASSED = "passed"  # released to the provider
FAILED = "failed"  # refunded after a failed test
EXPIRED = "expired"  # refunded with no result in time
SETTLED = (PASSED, FAILED, EXPIRED)

MOST_LEARNERS = 12

_SPLIT = re.compile(r"[,;]")


@dataclass
class Provider:
    id: int
    community_id: int
    member_id: int
    kind: str
    skills: str
    terms_minutes: int
    guarantee: str
    registered_at: datetime

    def skill_list(self) -> list[str]:
        return parse_skills(self.skills)

    def offers(self, skill: str) -> bool:
        return skill_key(skill) in {skill_key(s) for s in self.skill_list()}


@dataclass
class Agreement:
    id: int
    community_id: int
    number: int
    provider_id: int
    skill: str
    minutes_each: int
    status: str
    proposed_by: int
    proposed_at: datetime
    accepted_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass
class Bundle:
    """One learner's place in an agreement and the vouchers that pay for it."""

    agreement_id: int
    learner_id: int
    status: str
    position: int
    source_issuer_id: int | None = None
    escrow_account_id: int | None = None
    assessor_id: int | None = None
    evidence: str = ""
    settled_at: datetime | None = None


def skill_key(text: str) -> str:
    return " ".join(text.casefold().split())


def parse_skills(text: str) -> list[str]:
    """`Spanish, guitar; python` -> the skills, each once, in the order given."""
    seen: dict[str, str] = {}
    for part in _SPLIT.split(text):
        skill = " ".join(part.split())
        if skill and skill_key(skill) not in seen:
            seen[skill_key(skill)] = skill
    if not seen:
        raise DomainError("provider.no_skills")
    for key, skill in seen.items():
        # Case folding can lengthen a skill ("ﬃ" folds to "ffi"): the stored key counts too.
        if len(skill) > 80 or len(key) > 80:
            raise DomainError("input.too_long", field="skill", limit=80)
    return list(seen.values())


def check_assessor(agreement: Agreement, bundles: Sequence[Bundle], assessor_id: int) -> None:
    """An assessor is independent: neither the provider nor one of the learners."""
    if assessor_id == agreement.provider_id:
        raise DomainError("assess.own_provider", number=agreement.number)
    if any(b.learner_id == assessor_id for b in bundles):
        raise DomainError("assess.own_learner", number=agreement.number)


def finished(bundles: Sequence[Bundle]) -> bool:
    """Every escrowed bundle has been released or refunded."""
    return all(b.status in SETTLED for b in bundles)
