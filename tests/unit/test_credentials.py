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


# Proof sets: what the 1EdTech schema asks for, and what other issuers write.


def test_junto_writes_a_proof_set_and_verifies_a_single_proof_or_a_set() -> None:
    signed, _ = _signed()
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert openbadges.check(json.dumps(signed)).failure is None
    single = {**signed, "proof": signed["proof"][0]}  # type: ignore[index]
    assert openbadges.check(json.dumps(single)).failure is None
    # A set whose first proof is some other suite: the eddsa-rdfc-2022 one is checked.
    other = {**signed["proof"][0], "cryptosuite": "ecdsa-rdfc-2019"}  # type: ignore[index]
    mixed = {**signed, "proof": [other, signed["proof"][0]]}  # type: ignore[index]
    assert openbadges.check(json.dumps(mixed)).failure is None
    assert openbadges.check(json.dumps({**signed, "proof": []})).failure == "no_proof"


# The Bitstring Status List.


def test_a_status_list_is_gzip_base64url_multibase_with_index_0_as_the_left_most_bit() -> None:
    import base64
    import gzip

    from bot.credentials import statuslist

    encoded = statuslist.encode([0, 9, 131_071], statuslist.MIN_BITS)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16 * 1024
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    bits = statuslist.decode(encoded)
    assert [i for i in (0, 1, 8, 9, 131_071) if statuslist.is_set(bits, i)] == [0, 9, 131_071]
    with pytest.raises(statuslist.StatusListError):
        statuslist.is_set(bits, 131_072)
    with pytest.raises(ValueError):
        statuslist.encode([131_072], statuslist.MIN_BITS)


def test_status_lists_stay_at_least_16kb_and_at_most_half_full() -> None:
    from bot.credentials import statuslist

    assert statuslist.size_for(0) == 131_072
    assert statuslist.size_for(65_536) == 131_072
    assert statuslist.size_for(65_537) == 262_144
    assert statuslist.size_for(100_000) == 262_144


@pytest.mark.parametrize(
    "encoded",
    ["", "zabc", "u!!!", "u" + "QUJD", "uH4sIAAAAAAAA_2NgGAWjYBSMgsENAEzxnPgAAgAA"[:20]],
)
def test_an_encoded_list_that_is_not_one_is_refused(encoded: str) -> None:
    from bot.credentials import statuslist

    with pytest.raises(statuslist.StatusListError):
        statuslist.decode(encoded)


def test_a_short_list_is_refused() -> None:
    from bot.credentials import statuslist

    with pytest.raises(statuslist.StatusListError, match="fewer than 131,072"):
        statuslist.decode(statuslist.encode([], 8 * 1024))


def test_a_signed_status_list_reads_back_and_a_changed_one_does_not() -> None:
    from bot.credentials import statuslist

    keys = proofs.KeyPair.generate()
    url = "urn:junto:local:status"
    document = openbadges.sign_document(
        statuslist.credential(url, keys.did, [7], statuslist.MIN_BITS, "2026-12-01T09:00:00Z"),
        keys.seed,
        keys.verification_method,
        datetime(2026, 12, 1, 9, tzinfo=UTC),
    )
    checked = openbadges.check_status_list(json.dumps(document))
    assert checked.public_key == keys.public and checked.status_list.url == url
    assert statuslist.is_set(checked.status_list.bits, 7)
    document["validFrom"] = "2026-12-02T09:00:00Z"
    with pytest.raises(statuslist.StatusListError, match="changed after it was signed"):
        openbadges.check_status_list(json.dumps(document))
    with pytest.raises(statuslist.StatusListError, match="not a BitstringStatusListCredential"):
        openbadges.check_status_list(json.dumps(_signed()[0]))
    with pytest.raises(statuslist.StatusListError, match="not JSON"):
        openbadges.check_status_list("[1")


def test_a_credential_is_judged_by_the_status_list_of_its_own_issuer_only() -> None:
    from bot.credentials import statuslist, trust

    keys = proofs.KeyPair.generate()
    url = "urn:junto:local:status"
    entry = statuslist.Entry(url, 7)
    credential = openbadges.sign(AWARD, keys.seed, datetime(2026, 12, 2, tzinfo=UTC), status=entry)
    checked = openbadges.check(json.dumps(credential))
    assert checked.status == entry

    def listed(signer: proofs.KeyPair, revoked: list[int], at: str = url) -> trust.Status:
        document = openbadges.sign_document(
            statuslist.credential(
                at, signer.did, revoked, statuslist.MIN_BITS, "2026-12-05T00:00:00Z"
            ),
            signer.seed,
            signer.verification_method,
            datetime(2026, 12, 5, tzinfo=UTC),
        )
        return trust.from_list(checked, openbadges.check_status_list(json.dumps(document)))

    assert listed(keys, [7]).state == trust.REVOKED
    assert listed(keys, [7]).list_date == "2026-12-05T00:00:00Z"
    assert listed(keys, [8]).state == trust.ACTIVE
    assert listed(proofs.KeyPair.generate(), [8]).state == trust.FOREIGN_LIST
    assert listed(keys, [7], "urn:junto:other:status").state == trust.OTHER_LIST


# Dates and issuers.


def test_the_dates_are_judged_apart_from_the_signature() -> None:
    from bot.credentials import trust

    def dates(valid_from: str, valid_until: str, now: datetime) -> str:
        checked = openbadges.Checked(None, valid_from=valid_from, valid_until=valid_until)
        return trust.dates(checked, now)

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert dates("2026-12-01T00:00:00Z", "", now) == trust.CURRENT
    assert dates("2026-12-02T00:00:00Z", "", now) == trust.NOT_YET
    assert dates("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", now) == trust.EXPIRED
    assert dates("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z", now) == trust.CURRENT
    assert dates("yesterday", "", now) == trust.UNREADABLE
    assert dates("2026-01-01T00:00:00", "", now) == trust.UNREADABLE  # no zone


def test_who_issued_it_is_this_community_one_it_trusts_or_one_it_does_not_know() -> None:
    from bot.credentials import trust
    from bot.credentials.identity import CredentialsConfig, TrustedIssuer, own_names

    signed, keys = _signed()
    checked = openbadges.check(json.dumps(signed))
    stranger = proofs.KeyPair.generate()
    mine = trust.Trust(own_names(CredentialsConfig(), keys.public))
    theirs = trust.Trust(own_names(CredentialsConfig(), stranger.public))
    trusting = trust.Trust(
        own_names(CredentialsConfig(), stranger.public), (TrustedIssuer(keys.did, keys.public),)
    )
    assert trust.standing(checked, mine) == trust.OWN
    assert trust.standing(checked, theirs) == trust.UNKNOWN
    assert trust.standing(checked, trusting) == trust.TRUSTED
    now = datetime(2026, 12, 3, tzinfo=UTC)
    none = trust.Status(trust.NO_ENTRY)
    assert trust.judge(checked, mine, now, none).valid
    assert trust.judge(checked, trusting, now, none).valid
    assert not trust.judge(checked, theirs, now, none).valid
    assert not trust.judge(checked, mine, now, trust.Status(trust.REVOKED)).valid
    assert not trust.judge(checked, mine, datetime(2026, 11, 1, tzinfo=UTC), none).valid


def test_a_did_web_issuer_signs_with_its_key_as_the_fragment() -> None:
    from bot.credentials import identity, trust

    keys = proofs.KeyPair.generate()
    config = identity.CredentialsConfig(did="did:web:learn.example.org")
    issuer = identity.identity(config, keys.public)
    assert issuer.verification_method == f"did:web:learn.example.org#{issuer.multikey}"
    signed = openbadges.sign(AWARD, keys.seed, datetime(2026, 12, 2, tzinfo=UTC), issuer=issuer)
    checked = openbadges.check(json.dumps(signed))
    assert checked.failure is None and checked.issuer_did == "did:web:learn.example.org"
    assert trust.standing(checked, trust.Trust(identity.own_names(config, keys.public))) == (
        trust.OWN
    )
    # Another key under the same did:web is not this community.
    other = proofs.KeyPair.generate()
    forged = openbadges.sign(
        AWARD,
        other.seed,
        datetime(2026, 12, 2, tzinfo=UTC),
        issuer=identity.identity(config, other.public),
    )
    found = openbadges.check(json.dumps(forged))
    assert trust.standing(found, trust.Trust(identity.own_names(config, keys.public))) == (
        trust.UNKNOWN
    )
    # A did:web method that does not name its key cannot be checked offline.
    forged["proof"][0]["verificationMethod"] = "did:web:learn.example.org#key-1"
    assert openbadges.check(json.dumps(forged)).failure == "unresolvable_key"
    document = identity.did_document("did:web:learn.example.org", [keys.public])
    assert document["assertionMethod"] == [issuer.verification_method]
    assert document["verificationMethod"][0]["publicKeyMultibase"] == issuer.multikey
    assert identity.did_document_url("did:web:learn.example.org") == (
        "https://learn.example.org/.well-known/did.json"
    )
    assert identity.did_document_url("did:web:example.org%3A8443:junto:spanish") == (
        "https://example.org:8443/junto/spanish/did.json"
    )
    assert identity.status_list_url(config, "spanish") == (
        "https://learn.example.org/status/spanish"
    )


@pytest.mark.parametrize(
    "did",
    [
        "did:example:123",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:",
        "did:web:bad host",
        "web:learn.example.org",
        "",
    ],
)
def test_a_did_junto_cannot_sign_as_is_refused(did: str) -> None:
    from bot.credentials import identity

    with pytest.raises(identity.DidError):
        identity.parse_did(did)


@pytest.mark.parametrize(
    "did",
    [
        "did:example:123",
        "did:web:other.example.org",
        "did:web:other.example.org#key-1",
        "did:key:zNotAKey",
    ],
)
def test_a_trusted_issuer_must_name_its_key(did: str) -> None:
    from bot.credentials import identity

    with pytest.raises(identity.DidError):
        identity.parse_trusted(did)


def test_the_credentials_config_refuses_bad_dids_in_one_line() -> None:
    from adapters.config import parse
    from adapters.errors import ConfigError

    keys = proofs.KeyPair.generate()
    config = parse(
        {"credentials": {"did": "did:web:learn.example.org", "trusted_issuers": [keys.did]}}
    )
    assert config.credentials.did == "did:web:learn.example.org"
    assert config.credentials.trusted_issuers[0].public_key == keys.public
    for bad in (
        {"did": "did:example:123"},
        {"did": 5},
        {"trusted_issuers": "did:key:z6Mk"},
        {"trusted_issuers": ["did:web:other.example.org"]},
        {"keys": "x"},
    ):
        with pytest.raises(ConfigError) as raised:
            parse({"credentials": bad})
        assert "[credentials]" in str(raised.value) and "\n" not in str(raised.value)
