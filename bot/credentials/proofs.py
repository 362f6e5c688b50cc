"""The eddsa-rdfc-2022 cryptosuite of W3C Data Integrity, over Ed25519."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld  # type: ignore[import-untyped]

from bot.credentials import loader, multibase

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(Exception):
    """Why a proof does not hold; `code` names the failure for the reply."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def canonize(document: Mapping[str, Any]) -> str:
    """RDFC-1.0 N-Quads (pyld's URDNA2015, which RDFC-1.0 matches)."""
    try:
        result = jsonld.normalize(
            dict(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader.load,
            },
        )
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, loader.UnknownContext):
                raise ProofError("unknown_context", str(cause)) from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise ProofError("not_json_ld", str(error)) from error
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise ProofError("not_json_ld", str(error)) from error
    return str(result)


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def hash_data(unsecured: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """The bytes signed: hash of the canonical proof options, then of the document."""
    return _sha256(canonize(proof_config)) + _sha256(canonize(unsecured))


@dataclass(frozen=True)
class KeyPair:
    seed: bytes

    @property
    def private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes_raw()

    @property
    def did(self) -> str:
        return multibase.did_key(self.public)

    @property
    def verification_method(self) -> str:
        return multibase.verification_method(self.public)

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate().private_bytes_raw())


def _proof_config(document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return config


def sign(
    document: Mapping[str, Any],
    seed: bytes,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of `document` with a DataIntegrityProof."""
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    data = hash_data(unsecured, _proof_config(unsecured, options))
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(data)
    return {**unsecured, "proof": {**options, "proofValue": multibase.encode(signature)}}


def select(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The proof to check: the one proof, or from a proof set (a list) the first
    eddsa-rdfc-2022 DataIntegrityProof, else the first there is (to say what it is)."""
    proof = document.get("proof")
    if isinstance(proof, list):
        proofs = [p for p in proof if isinstance(p, Mapping)]
        ours = [
            p
            for p in proofs
            if p.get("type") == "DataIntegrityProof" and p.get("cryptosuite") == CRYPTOSUITE
        ]
        proof = (ours or proofs)[0] if proofs else None
    if not isinstance(proof, Mapping):
        raise ProofError("no_proof")
    return proof


def verify(document: Mapping[str, Any], public_key: bytes) -> None:
    """Raise ProofError unless `document` carries a valid proof by `public_key`. The
    proof may be one object or a proof set; each proof of a set signs the document
    without the `proof` property, so checking one means removing them all."""
    proof = select(document)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("unknown_cryptosuite", str(proof.get("cryptosuite") or proof.get("type")))
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("no_proof")
    try:
        signature = multibase.decode(value)
    except ValueError as error:
        raise ProofError("bad_signature", str(error)) from None
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" not in unsecured:
        raise ProofError("not_json_ld", "no @context")
    data = hash_data(unsecured, _proof_config(unsecured, proof))
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise ProofError("bad_signature") from None
