"""Every kind of credential Junto exports, held to what others check it with.

- The 1EdTech Open Badges 3.0 AchievementCredential JSON Schema (the published
  file, vendored beside this one) over each kind: a badge earned by its criteria,
  a manual badge with evidence, a completed pathway, a revoked badge, and a badge
  issued under a did:web.
- Two verifiers that share no code with Junto's: openbadgeslib (PyPI), and Digital
  Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and the Bitstring
  Status List checker (npm, installed here by `npm ci` from the committed lock).
  Both check the signature, and both read the revoked credential as revoked from
  the community's signed status list.

The W3C eddsa-rdfc-2022 test vectors are in tests/unit/test_credentials.py.
Credentials are dated in 2025 so that verifiers reading the real clock take them
as current."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.credentials import identity, loader
from bot.credentials.identity import CredentialsConfig
from bot.services.badges import signing_identity, status_list_credential
from tests.services.test_events import active_circle
from tests.services.test_obligations import hold
from tests.support import Community, app_on

HERE = Path(__file__).parent
NODE = HERE / "node"
SCHEMA = json.loads((HERE / "ob_v3p0_achievementcredential_schema.json").read_text())
PAST = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
WEB = "did:web:learn.example.org"


@dataclass
class Exported:
    """What one community exported, by kind, and what a verifier needs beside it."""

    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Status list credentials and DID documents, by URL, as a verifier would fetch them.
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)


def _attached(said: Any) -> dict[str, Any]:
    (found,) = said.outcome.reply.attachments
    document: dict[str, Any] = json.loads(found.data)
    return document


async def _export_every_kind(community: Community, app: Any, config: CredentialsConfig) -> Exported:
    out = Exported()
    await active_circle(community)
    await community.ok("alice", '!admin settings badge_classes "Guide=manual; Mentor=manual"')
    await community.ok("alice", '!admin settings pathway_badges "guide, mentor, contributor"')
    guide = await community.ok("alice", "!badge award @bob guide Ran the welcome session")
    await community.ok("alice", "!badge award @bob mentor Mentored two newcomers")
    mistaken = await community.ok("alice", "!badge award @carol mentor Mentored dan")
    await hold(community, app, hosts="@bob", ballots={"carol": True, "dan": True})
    await hold(community, app, hosts="@bob", ballots={"carol": True, "dan": True})
    listed = await community.ok("bob", "!badge list")
    contributor = next(
        a for a in listed.outcome.reply.params["lines"] if a["$params"]["name"] == "Contributor"
    )["$params"]["number"]
    out.credentials["manual"] = _attached(
        await community.ok("bob", f"!badge export {guide.outcome.reply.params['number']}")
    )
    out.credentials["automatic"] = _attached(
        await community.ok("bob", f"!badge export {contributor}")
    )
    out.credentials["pathway"] = _attached(await community.ok("bob", "!badge pathway"))
    number = mistaken.outcome.reply.params["number"]
    out.credentials["revoked"] = _attached(await community.ok("carol", f"!badge export {number}"))
    await community.ok("alice", f"!badge revoke {number} Mentoring was by someone else")
    out.revoked.add("revoked")
    async with app.core.uow_factory() as uow:
        (found,) = await uow.badges.communities()
        listed_status = await status_list_credential(uow, found, config, app.clock.now())
        issuer = await signing_identity(uow, found, config, app.clock.now())
        await uow.commit()
    out.documents[listed_status["id"]] = listed_status
    if config.did != identity.DID_KEY:
        out.documents[config.did] = identity.did_document(config.did, [issuer.public_key])
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def exported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Exported]:
    engine = str(request.param)
    out = Exported()
    for config in (CredentialsConfig(), CredentialsConfig(did=WEB)):
        path = tmp_path_factory.mktemp(f"conformance-{engine}")
        async with app_on(engine, path, start=PAST, credentials=config) as app:
            found = await _export_every_kind(Community(app.core), app, config)
        suffix = "" if config.did == identity.DID_KEY else " (did:web)"
        out.credentials.update({k + suffix: v for k, v in found.credentials.items()})
        out.revoked.update(k + suffix for k in found.revoked)
        out.documents.update(found.documents)
    yield out


def _schema_errors(credential: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(credential)
    ]


def test_every_kind_of_credential_passes_the_1edtech_json_schema(exported: Exported) -> None:
    assert {"manual", "automatic", "pathway", "revoked", "manual (did:web)"} <= set(
        exported.credentials
    )
    for kind, credential in exported.credentials.items():
        assert _schema_errors(credential) == [], kind


def test_the_schema_check_has_teeth(exported: Exported) -> None:
    """What the schema refuses, as Junto once exported it: a single proof object."""
    old = copy.deepcopy(exported.credentials["manual"])
    old["proof"] = old["proof"][0]
    assert any(e.startswith("proof:") for e in _schema_errors(old))
    no_evidence_type = copy.deepcopy(exported.credentials["manual"])
    no_evidence_type["evidence"][0]["type"] = "Evidence"
    assert _schema_errors(no_evidence_type)


# openbadgeslib.


def _download(exported: Exported) -> Any:
    def download(url: str) -> bytes:
        return json.dumps(exported.documents[url]).encode()

    return download


def test_openbadgeslib_verifies_them_and_reads_the_revoked_one_as_revoked(
    exported: Exported,
) -> None:
    from openbadgeslib.ob3.ldp import OB3LdpVerifier
    from openbadgeslib.ob3.verifier import OB3VerificationError

    for kind, credential in exported.credentials.items():
        text = json.dumps(credential)
        if "did:web" in kind:
            # openbadgeslib resolves a did:web over HTTPS; pin the key its DID
            # document publishes instead.
            key = exported.documents[WEB]["verificationMethod"][0]["publicKeyMultibase"]
            verifier = OB3LdpVerifier(pubkey_pem=_pem(key))
        else:
            verifier = OB3LdpVerifier()
        # The status list is Junto's own Data Integrity credential; openbadgeslib checks
        # list signatures only for JWT lists, so it reads the bits and the window here.
        options = {
            "check_status": True,
            "download": _download(exported),
            "verify_status_list": False,
        }
        if kind in exported.revoked:
            with pytest.raises(OB3VerificationError, match="revocation"):
                verifier.verify(text, **options)
        else:
            verified = verifier.verify(text, **options)
            assert verified.issuer.id == credential["issuer"]["id"], kind
        tampered = text.replace("Mentor", "Mentos").replace("Guide", "Guida")
        tampered = tampered.replace("Contributor", "Contributer").replace("pathway", "pathwey")
        with pytest.raises(OB3VerificationError):
            verifier.verify(tampered)


def _pem(multikey: str) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from bot.credentials import multibase

    key = Ed25519PublicKey.from_public_bytes(multibase.public_key_from_multikey(multikey))
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# Digital Bazaar.


def _node_ready() -> Path:
    """The verifier's packages, installed from the committed lock (again when it changes)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "node and npm are needed for the Digital Bazaar verifier"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: the conformance suite must run)")
        pytest.skip(reason)
    lock = hashlib.sha256((NODE / "package-lock.json").read_bytes()).hexdigest()
    marker = NODE / "node_modules" / ".junto-lock"
    if not marker.exists() or marker.read_text() != lock:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE,
            check=True,
            timeout=600,
            capture_output=True,
        )
        marker.write_text(lock)
    return Path(node)


def _digital_bazaar(exported: Exported, credentials: list[dict[str, Any]]) -> list[Any]:
    node = _node_ready()
    ob = loader.load(loader.OPEN_BADGES_V3)["document"]
    given = {
        "now": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contexts": {loader.OPEN_BADGES_V3: ob},
        "documents": exported.documents,
        "credentials": credentials,
    }
    run = subprocess.run(
        [str(node), "verify.mjs"],
        cwd=NODE,
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results: list[Any] = json.loads(run.stdout)
    return results


def test_digital_bazaar_verifies_them_and_reads_the_revoked_one_as_revoked(
    exported: Exported,
) -> None:
    kinds = list(exported.credentials)
    results = _digital_bazaar(exported, [exported.credentials[k] for k in kinds])
    for kind, result in zip(kinds, results, strict=True):
        assert result["verified"], (kind, result["error"])
        assert result["revoked"] is (kind in exported.revoked), kind
    # A changed credential does not verify there either.
    changed = copy.deepcopy(exported.credentials["manual"])
    changed["credentialSubject"]["name"] = "mallory"
    (result,) = _digital_bazaar(exported, [changed])
    assert not result["verified"]
