"""Open Badges 3.0 `OpenBadgeCredential`s: built from an award or a completed pathway,
signed, and checked offline.

What is built follows the 1EdTech OB 3.0 JSON Schema: every property that may hold
several values is an array (`type`, `evidence`, `proof`), and the proof is a proof
set of one DataIntegrityProof. What is checked accepts a single proof object too,
as other issuers write it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.credentials import loader, multibase, proofs, statuslist
from bot.credentials.identity import Identity

_NAMESPACE = uuid.UUID("6f1d3a52-3c1e-4d8e-9d0c-2b1e5f9a7c44")
PATHWAY_TYPE = "Certificate"


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
    # Who awarded it by hand, for a manual badge; empty when its criteria earned it.
    awarded_by: str = ""


@dataclass(frozen=True)
class PathwayBadge:
    """One badge a completed pathway rests on."""

    number: int
    name: str
    awarded_at: datetime
    evidence: str


@dataclass(frozen=True)
class Pathway:
    """A completed pathway: the qualification, and the badges that make it up."""

    community_slug: str
    community_name: str
    holder_name: str
    holder_ref: str
    size: int
    criteria: str
    completed_at: datetime
    badges: Sequence[PathwayBadge]


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_id(issuer_did: str, number: int) -> str:
    """A badge credential's id: the same award from the same issuer, the same id."""
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, f"{issuer_did}/{number}"))


def _issuer(did: str, name: str) -> dict[str, Any]:
    return {"id": did, "type": ["Profile"], "name": name}


def _subject(base: str, ref: str, name: str, achievement: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{base}:member:{ref}",
        "type": ["AchievementSubject"],
        "name": name,
        "achievement": achievement,
    }


def build(award: Award, issuer_did: str, status: statuslist.Entry | None = None) -> dict[str, Any]:
    base = f"urn:junto:{award.community_slug}"
    how = (
        f"Awarded by hand by {award.awarded_by}, on this evidence."
        if award.awarded_by
        else "Earned by the badge's criteria, as the community's peer-reviewed records show."
    )
    document: dict[str, Any] = {
        "@context": [loader.CREDENTIALS_V2, loader.OPEN_BADGES_V3],
        "id": credential_id(issuer_did, award.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.badge_name,
        "issuer": _issuer(issuer_did, award.community_name),
        "validFrom": stamp(award.awarded_at),
        "awardedDate": stamp(award.awarded_at),
        "credentialSubject": _subject(
            base,
            award.holder_ref,
            award.holder_name,
            {
                "id": f"{base}:badge:{award.badge_code}",
                "type": ["Achievement"],
                "name": award.badge_name,
                "description": award.badge_description,
                "criteria": {"narrative": award.criteria},
            },
        ),
        "evidence": [
            {
                "id": f"{base}:award:{award.number}",
                "type": ["Evidence"],
                "name": f"Award #{award.number}",
                "description": how,
                "narrative": award.evidence,
            }
        ],
    }
    if status is not None:
        document["credentialStatus"] = statuslist.entry(status.list_url, status.index)
    return document


def pathway_id(issuer_did: str, holder_ref: str, numbers: Sequence[int]) -> str:
    key = f"{issuer_did}/pathway/{holder_ref}/" + ",".join(str(n) for n in sorted(numbers))
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, key))


def build_pathway(
    pathway: Pathway, issuer_did: str, status: statuslist.Entry | None = None
) -> dict[str, Any]:
    """The pathway as its own credential; its evidence names each badge it rests on,
    by the id that badge's own credential carries."""
    base = f"urn:junto:{pathway.community_slug}"
    name = f"{pathway.community_name} pathway"
    document: dict[str, Any] = {
        "@context": [loader.CREDENTIALS_V2, loader.OPEN_BADGES_V3],
        "id": pathway_id(issuer_did, pathway.holder_ref, [b.number for b in pathway.badges]),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": _issuer(issuer_did, pathway.community_name),
        "validFrom": stamp(pathway.completed_at),
        "awardedDate": stamp(pathway.completed_at),
        "credentialSubject": _subject(
            base,
            pathway.holder_ref,
            pathway.holder_name,
            {
                "id": f"{base}:pathway",
                "type": ["Achievement"],
                "achievementType": PATHWAY_TYPE,
                "name": name,
                "description": (
                    f"Completed the community's pathway: {pathway.size} peer-assured badges."
                ),
                "criteria": {"narrative": pathway.criteria},
            },
        ),
        "evidence": [
            {
                "id": credential_id(issuer_did, badge.number),
                "type": ["Evidence"],
                "name": f"{badge.name} (#{badge.number})",
                "description": f"Badge awarded on {stamp(badge.awarded_at)[:10]}.",
                "narrative": badge.evidence,
            }
            for badge in pathway.badges
        ],
    }
    if status is not None:
        document["credentialStatus"] = statuslist.entry(status.list_url, status.index)
    return document


def sign_document(document: Mapping[str, Any], seed: bytes, method: str, now: datetime) -> Any:
    """`document` with a proof set of one eddsa-rdfc-2022 DataIntegrityProof."""
    signed = proofs.sign(document, seed, method, stamp(now))
    signed["proof"] = [signed["proof"]]
    return signed


def _identity(seed: bytes, issuer: Identity | None) -> Identity:
    if issuer is not None:
        return issuer
    public = proofs.KeyPair(seed).public
    return Identity(multibase.did_key(public), public)


def sign(
    award: Award,
    seed: bytes,
    now: datetime,
    *,
    issuer: Identity | None = None,
    status: statuslist.Entry | None = None,
) -> dict[str, Any]:
    who = _identity(seed, issuer)
    signed: dict[str, Any] = sign_document(
        build(award, who.did, status), seed, who.verification_method, now
    )
    return signed


def sign_pathway(
    pathway: Pathway,
    seed: bytes,
    now: datetime,
    *,
    issuer: Identity | None = None,
    status: statuslist.Entry | None = None,
) -> dict[str, Any]:
    who = _identity(seed, issuer)
    signed: dict[str, Any] = sign_document(
        build_pathway(pathway, who.did, status), seed, who.verification_method, now
    )
    return signed


def signing_key(issuer_id: object, method: object) -> bytes:
    """The key a proof's verification method names, once it is bound to the issuer:
    a did:key carries its key; a did:web method names its key as the fragment (as
    Junto writes it), since nothing is fetched. ValueError otherwise."""
    if not isinstance(issuer_id, str) or not isinstance(method, str):
        raise ValueError("the issuer or the verification method is missing")
    did, _, fragment = method.partition("#")
    if did != issuer_id:
        raise ValueError("the verification method is not the issuer's")
    if did.startswith("did:key:"):
        return multibase.public_key_from_did(method)
    if did.startswith("did:web:"):
        try:
            return multibase.public_key_from_multikey(fragment)
        except ValueError:
            raise LookupError(method) from None
    raise LookupError(method)


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a credential: `failure` is None when its signature
    holds. Who issued it and whether its dates hold are judged apart (trust.py)."""

    failure: str | None
    achievement: str = ""
    holder: str = ""
    issuer: str = ""
    issuer_did: str = ""
    valid_from: str = ""
    valid_until: str = ""
    detail: str = ""
    # The key that signed it, once the signature holds.
    public_key: bytes = b""
    status: statuslist.Entry | None = None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def parse(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def check(text: str) -> Checked:
    """Check a credential's JSON text offline, saying exactly what failed."""
    document = parse(text)
    if not isinstance(document, dict):
        return Checked("not_json")
    return check_document(document)


def check_document(document: Mapping[str, Any]) -> Checked:
    if "OpenBadgeCredential" not in _names(document.get("type")):
        return Checked("not_open_badge")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    valid_from, valid_until = document.get("validFrom"), document.get("validUntil")
    facts: dict[str, Any] = {
        "achievement": str(achievement.get("name") or "?"),
        "holder": str(subject.get("name") or subject.get("id") or "?"),
        "issuer": str(issuer_name or issuer_id or "?"),
        "issuer_did": str(issuer_id or ""),
        "valid_from": valid_from if isinstance(valid_from, str) else "",
        "valid_until": valid_until if isinstance(valid_until, str) else "",
    }
    try:
        proof = proofs.select(document)
    except proofs.ProofError:
        return Checked("no_proof", **facts)
    if not proof.get("proofValue"):
        return Checked("no_proof", **facts)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != proofs.CRYPTOSUITE:
        detail = str(proof.get("cryptosuite") or proof.get("type") or "")
        return Checked("unknown_cryptosuite", detail=detail, **facts)
    method = proof.get("verificationMethod")
    try:
        key = signing_key(issuer_id, method)
    except LookupError:
        return Checked("unresolvable_key", detail=str(method), **facts)
    except ValueError:
        return Checked("issuer_mismatch", **facts)
    try:
        status = statuslist.read_entry(document.get("credentialStatus"))
    except statuslist.StatusListError as error:
        return Checked("bad_status", detail=error.detail, **facts)
    try:
        proofs.verify(document, key)
    except proofs.ProofError as error:
        code = "tampered" if error.code == "bad_signature" else error.code
        return Checked(code, detail=error.detail, **facts)
    return Checked(None, public_key=key, status=status, **facts)


@dataclass(frozen=True)
class CheckedList:
    """A status list credential whose signature holds, and the key that signed it."""

    status_list: statuslist.StatusList
    public_key: bytes


def check_status_list(text: str) -> CheckedList:
    """Read and check a status list credential; StatusListError says why it is not one."""
    document = parse(text)
    if not isinstance(document, dict):
        raise statuslist.StatusListError("not_a_list", "it is not JSON")
    found = statuslist.read_list(document)
    try:
        proof = proofs.select(document)
        key = signing_key(found.issuer_did, proof.get("verificationMethod"))
        proofs.verify(document, key)
    except proofs.ProofError as error:
        why = (
            "its signature does not hold: it was changed after it was signed"
            if error.code == "bad_signature"
            else f"it is not signed the way Junto checks ({error.code})"
        )
        raise statuslist.StatusListError("unsigned_list", why) from None
    except (ValueError, LookupError):
        raise statuslist.StatusListError(
            "unsigned_list", "its signing key is not its issuer's"
        ) from None
    return CheckedList(found, key)
