"""Open Badges 3.0 `OpenBadgeCredential`s: built from an award, signed, checked offline."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.credentials import loader, multibase, proofs

_NAMESPACE = uuid.UUID("6f1d3a52-3c1e-4d8e-9d0c-2b1e5f9a7c44")


@dataclass(frozen=True)
class Award:
    """What a credential says: who earned which achievement, when, on what evidence."""

    community_slug: str
    community_name: str
    number: int
    badge_code: str
    badge_name: str
    badge_description: str
    criteria: str
    holder_name: str
    holder_ref: str
    awarded_at: datetime
    evidence: str


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(award: Award, issuer_did: str) -> dict[str, Any]:
    base = f"urn:junto:{award.community_slug}"
    return {
        "@context": [loader.CREDENTIALS_V2, loader.OPEN_BADGES_V3],
        "id": "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, f"{issuer_did}/{award.number}")),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.badge_name,
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": award.community_name},
        "validFrom": _stamp(award.awarded_at),
        "credentialSubject": {
            "id": f"{base}:member:{award.holder_ref}",
            "type": ["AchievementSubject"],
            "name": award.holder_name,
            "achievement": {
                "id": f"{base}:badge:{award.badge_code}",
                "type": ["Achievement"],
                "name": award.badge_name,
                "description": award.badge_description,
                "criteria": {"narrative": award.criteria},
            },
        },
        "evidence": [
            {
                "id": f"{base}:award:{award.number}",
                "type": ["Evidence"],
                "name": f"Award #{award.number}",
                "narrative": award.evidence,
            }
        ],
    }


def sign(award: Award, seed: bytes, now: datetime) -> dict[str, Any]:
    keys = proofs.KeyPair(seed)
    return proofs.sign(build(award, keys.did), seed, keys.verification_method, _stamp(now))


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a credential: `failure` is None when it holds."""

    failure: str | None
    achievement: str = ""
    holder: str = ""
    issuer: str = ""
    issuer_did: str = ""
    valid_from: str = ""
    detail: str = ""


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def check(text: str) -> Checked:
    """Check a credential's JSON text offline, saying exactly what failed."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return Checked("not_json")
    if not isinstance(document, dict):
        return Checked("not_json")
    if "OpenBadgeCredential" not in _names(document.get("type")):
        return Checked("not_open_badge")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    facts = {
        "achievement": str(achievement.get("name") or "?"),
        "holder": str(subject.get("name") or subject.get("id") or "?"),
        "issuer": str(issuer_name or issuer_id or "?"),
        "issuer_did": str(issuer_id or ""),
        "valid_from": str(document.get("validFrom") or ""),
    }
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or not proof.get("proofValue"):
        return Checked("no_proof", **facts)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != proofs.CRYPTOSUITE:
        detail = str(proof.get("cryptosuite") or proof.get("type") or "")
        return Checked("unknown_cryptosuite", detail=detail, **facts)
    method = proof.get("verificationMethod")
    try:
        if not isinstance(issuer_id, str) or not isinstance(method, str):
            raise ValueError("missing")
        issuer_key = multibase.public_key_from_did(issuer_id)
        method_key = multibase.public_key_from_did(method)
    except ValueError:
        return Checked("issuer_mismatch", **facts)
    if issuer_key != method_key or method.split("#", 1)[0] != issuer_id:
        return Checked("issuer_mismatch", **facts)
    try:
        proofs.verify(document, issuer_key)
    except proofs.ProofError as error:
        code = "tampered" if error.code == "bad_signature" else error.code
        return Checked(code, detail=error.detail, **facts)
    return Checked(None, **facts)
