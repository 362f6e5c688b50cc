"""eddsa-rdfc-2022 against the published W3C test vectors, and Open Badges checks."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.credentials import multibase, openbadges, proofs

# From the W3C vc-di-eddsa specification, "Representation: eddsa-rdfc-2022"
# (TestVectors/keyPair.json and TestVectors/eddsa-rdfc-2022/).
PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
METHOD = "https://vc.example/issuers/5678#" + PUBLIC
UNSECURED = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
PROOF_CONFIG = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": METHOD,
    "proofPurpose": "assertionMethod",
    "@context": UNSECURED["@context"],
}
PROOF_CANON = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2023-02-24T23:36:38Z"'
    "^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/security#DataIntegrityProof> .\n"
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"'
    "^^<https://w3id.org/security#cryptosuiteString> .\n"
    "_:c14n0 <https://w3id.org/security#proofPurpose> "
    "<https://w3id.org/security#assertionMethod> .\n"
    "_:c14n0 <https://w3id.org/security#verificationMethod> "
    "<https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2> .\n"
)
PROOF_HASH = "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
DOC_HASH = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
PROOF_VALUE = (
    "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"
)


def test_the_key_pair_decodes_to_the_published_public_key() -> None:
    seed = multibase.seed_from_multikey(SECRET)
    assert multibase.public_multikey(proofs.KeyPair(seed).public) == PUBLIC
    assert multibase.secret_multikey(seed) == SECRET


def test_canonical_proof_options_and_hashes_match_the_vectors() -> None:
    assert proofs.canonize(PROOF_CONFIG) == PROOF_CANON
    assert hashlib.sha256(PROOF_CANON.encode()).hexdigest() == PROOF_HASH
    canonical = proofs.canonize(UNSECURED)
    assert hashlib.sha256(canonical.encode()).hexdigest() == DOC_HASH
    combined = proofs.hash_data(UNSECURED, PROOF_CONFIG)
    assert combined.hex() == PROOF_HASH + DOC_HASH


def test_signing_reproduces_the_published_proof_value_byte_for_byte() -> None:
    seed = multibase.seed_from_multikey(SECRET)
    signed = proofs.sign(UNSECURED, seed, METHOD, "2023-02-24T23:36:38Z")
    assert signed["proof"]["proofValue"] == PROOF_VALUE
    proofs.verify(signed, multibase.public_key_from_multikey(PUBLIC))


def test_a_changed_vector_no_longer_verifies() -> None:
    seed = multibase.seed_from_multikey(SECRET)
    signed = proofs.sign(UNSECURED, seed, METHOD, "2023-02-24T23:36:38Z")
    signed["credentialSubject"]["alumniOf"] = "The School of Samples"
    with pytest.raises(proofs.ProofError) as raised:
        proofs.verify(signed, multibase.public_key_from_multikey(PUBLIC))
    assert raised.value.code == "bad_signature"


def test_base58_keeps_leading_zero_bytes() -> None:
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert multibase.b58decode(multibase.b58encode(data)) == data


def test_did_key_round_trip_and_mismatched_fragment() -> None:
    keys = proofs.KeyPair.generate()
    assert keys.did.startswith("did:key:z6Mk")
    assert multibase.public_key_from_did(keys.verification_method) == keys.public
    other = proofs.KeyPair.generate()
    with pytest.raises(ValueError):
        multibase.public_key_from_did(keys.did + "#" + other.did.removeprefix("did:key:"))


AWARD = openbadges.Award(
    community_slug="local",
    community_name="Local Junto",
    number=12,
    badge_code="participant",
    badge_name="Participant",
    badge_description="Attended validated events",
    criteria="Attend 4 validated events in a membership year.",
    holder_name="Alice",
    holder_ref="3",
    awarded_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
    evidence="Events #4, #5, #6, #7",
)


def _signed() -> tuple[dict[str, object], proofs.KeyPair]:
    keys = proofs.KeyPair.generate()
    return openbadges.sign(AWARD, keys.seed, datetime(2026, 12, 2, tzinfo=UTC)), keys


def test_an_open_badge_credential_verifies_offline() -> None:
    signed, keys = _signed()
    checked = openbadges.check(json.dumps(signed))
    assert checked.failure is None
    assert (checked.achievement, checked.holder, checked.issuer) == (
        "Participant",
        "Alice",
        "Local Junto",
    )
    assert checked.issuer_did == keys.did
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_credential_reads_as_the_published_open_badges_3_0_3_context_defines_it() -> None:
    """Other verifiers load the published context-3.0.3.json; every statement the
    credential makes must come out as that context maps it, or their hash differs."""
    from pyld import jsonld  # type: ignore[import-untyped]

    from bot.credentials import loader

    quads = jsonld.normalize(
        openbadges.build(AWARD, proofs.KeyPair.generate().did),
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader.load},
    )
    vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    # 3.0.3 maps `criteria` to the class IRI and leaves `narrative` an untyped string.
    assert f"<{vocab}Criteria> _:" in quads
    assert f'<{vocab}narrative> "Attend 4 validated events in a membership year." .' in quads
    assert f'<{vocab}narrative> "Events #4, #5, #6, #7" .' in quads
    assert f"<{vocab}achievement> <urn:junto:local:badge:participant>" in quads
    # The credential, its issuer, subject, badge and evidence each have a name.
    assert quads.count("<https://schema.org/name>") == 5
    context = loader.load(loader.OPEN_BADGES_V3)["document"]["@context"]
    assert context["@protected"] is True and "xsd" not in context


def test_one_changed_character_is_caught_as_tampering() -> None:
    text = json.dumps(_signed()[0], indent=2)
    assert openbadges.check(text.replace('"Alice"', '"Alicf"')).failure == "tampered"
    assert openbadges.check(text.replace("2026-12-01T09", "2026-12-01T08")).failure == "tampered"


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("garbage", "not_json"),
        ("[1, 2]", "not_json"),
        ('{"type": ["VerifiableCredential"]}', "not_open_badge"),
    ],
)
def test_garbage_is_named(text: str, failure: str) -> None:
    assert openbadges.check(text).failure == failure


def test_unsigned_foreign_suite_and_swapped_issuer_are_named() -> None:
    signed, _ = _signed()
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert openbadges.check(json.dumps(unsigned)).failure == "no_proof"
    foreign = copy.deepcopy(signed)
    foreign["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"  # type: ignore[index]
    assert openbadges.check(json.dumps(foreign)).failure == "unknown_cryptosuite"
    swapped = copy.deepcopy(signed)
    swapped["issuer"]["id"] = proofs.KeyPair.generate().did  # type: ignore[index]
    assert openbadges.check(json.dumps(swapped)).failure == "issuer_mismatch"


def test_a_context_that_is_not_shipped_is_refused_without_fetching() -> None:
    signed, _ = _signed()
    signed["@context"] = [*signed["@context"], "https://example.org/ctx"]  # type: ignore[misc]
    assert openbadges.check(json.dumps(signed)).failure == "unknown_context"


def test_junto_verify_file_says_what_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from adapters.cli import main

    signed, keys = _signed()
    good = tmp_path / "badge.json"
    good.write_text(json.dumps(signed, indent=2))
    config = tmp_path / "junto.toml"
    config.write_text(
        f'[storage]\nurl = "{tmp_path / "none.db"}"\n'
        f'[credentials]\ntrusted_issuers = ["{keys.did}"]\n'
    )
    # With no community at hand and no trust, the issuer is one nobody here knows.
    assert main(["verify", str(good)]) == 1
    out = capsys.readouterr().out
    assert "Signature: intact" in out
    assert f"issued by an issuer this community does not know: {keys.did}" in out
    # Trusted by the config, it is valid.
    assert main(["verify", "--config", str(config), "--at", "2026-12-03T00:00Z", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Valid: **Participant** awarded to Alice" in out
    assert "issued by Local Junto (a community this one trusts)" in out
    # Its dates are checked as of --at.
    assert main(["verify", "--config", str(config), "--at", "2026-11-30T00:00Z", str(good)]) == 1
    assert "not yet valid; it is valid only from 2026-12-01" in capsys.readouterr().out
    good.write_text(good.read_text().replace("Alice", "Alicf"))
    assert main(["verify", "--config", str(config), str(good)]) == 1
    assert "changed after it was signed" in capsys.readouterr().out
