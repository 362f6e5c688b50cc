"""Who a community's credentials say issued them, and whom a community trusts.

By default a community is the `did:key` of its own Ed25519 signing key: nothing to
publish, nothing to fetch. An operator may give the communities it serves a
`did:web` (`did:web:learn.example.org`), whose DID document Junto writes out
(`junto did-document`) for the operator to publish; each community's key is then
the verification method `did:web:learn.example.org#z6Mk...`.

Junto fetches nothing while verifying, so a community it trusts is named by a DID
that carries its key: a `did:key`, or a `did:web` with the key as its fragment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.credentials import loader, multibase

DID_KEY = "did:key"
DID_V1 = "https://www.w3.org/ns/did/v1"

# did:web's method-specific id: a host (a port as %3A), then optional path segments.
_WEB = re.compile(
    r"^did:web:(?P<host>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
    r"(?P<port>%3a[0-9]{1,5})?(?P<path>(?::[a-z0-9._~-]+)*)$",
    re.IGNORECASE,
)


class DidError(ValueError):
    """A DID Junto cannot sign as, or cannot trust; the message says what to write."""


def parse_did(text: str) -> str:
    """The `[credentials] did` setting: `did:key` (the default) or a did:web."""
    value = text.strip()
    if value == DID_KEY:
        return value
    if value.startswith("did:key:"):
        raise DidError(
            f"{value!r}: a community's did:key comes from its own signing key, so write "
            'did = "did:key" (or leave it out), or give a did:web such as '
            '"did:web:learn.example.org"'
        )
    if _WEB.match(value):
        return value
    raise DidError(
        f'{value!r} is neither did:key nor did:web; write did = "did:key" (the default) '
        'or a did:web such as "did:web:learn.example.org"'
    )


@dataclass(frozen=True)
class TrustedIssuer:
    """A community this one trusts: its DID and the key it signs with."""

    did: str
    public_key: bytes


def parse_trusted(text: str) -> TrustedIssuer:
    """One `[credentials] trusted_issuers` entry."""
    value = text.strip()
    if value.startswith("did:key:"):
        try:
            return TrustedIssuer(value.split("#", 1)[0], multibase.public_key_from_did(value))
        except ValueError:
            raise DidError(f"{value!r} is not the did:key of an Ed25519 key") from None
    did, _, fragment = value.partition("#")
    if _WEB.match(did):
        try:
            return TrustedIssuer(did, multibase.public_key_from_multikey(fragment))
        except ValueError:
            raise DidError(
                f"{value!r}: Junto fetches no DID documents, so name the issuer's key after "
                'the did:web, as in "did:web:other.example.org#z6Mk..."'
            ) from None
    raise DidError(
        f"{value!r} is neither a did:key nor a did:web; trusted issuers are named like "
        '"did:key:z6Mk..." or "did:web:other.example.org#z6Mk..."'
    )


@dataclass(frozen=True)
class CredentialsConfig:
    """The `[credentials]` table: what this Junto signs as and whom it trusts."""

    did: str = DID_KEY
    trusted_issuers: Sequence[TrustedIssuer] = field(default_factory=tuple)


@dataclass(frozen=True)
class Identity:
    """How one community signs: the issuer DID and the key behind it."""

    did: str
    public_key: bytes

    @property
    def multikey(self) -> str:
        return multibase.public_multikey(self.public_key)

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.multikey}"


def identity(config: CredentialsConfig, public_key: bytes) -> Identity:
    if config.did == DID_KEY:
        return Identity(multibase.did_key(public_key), public_key)
    return Identity(config.did, public_key)


def own_names(config: CredentialsConfig, public_key: bytes) -> list[Identity]:
    """Every issuer a community's key may have signed as: its did:key always (credentials
    from before a did:web was configured stay its own), and the did:web when there is one."""
    names = [Identity(multibase.did_key(public_key), public_key)]
    if config.did != DID_KEY:
        names.append(Identity(config.did, public_key))
    return names


def web_base(did: str) -> str:
    """The https address a did:web stands for, without a trailing slash."""
    match = _WEB.match(did)
    if match is None:
        raise DidError(f"{did!r} is not a did:web")
    host = match["host"].lower() + (":" + match["port"][3:] if match["port"] else "")
    path = "/".join(part for part in match["path"].split(":") if part)
    return f"https://{host}" + (f"/{path}" if path else "")


def did_document_url(did: str) -> str:
    """Where a did:web's DID document must be published."""
    base = web_base(did)
    return base + ("/did.json" if base.count("/") > 2 else "/.well-known/did.json")


def status_list_url(config: CredentialsConfig, slug: str) -> str:
    """Where the community's status list credential lives: under its did:web's address
    (the web face serves it there), else a name that only Junto resolves."""
    if config.did == DID_KEY:
        return f"urn:junto:{slug}:status"
    return f"{web_base(config.did)}/status/{slug}"


def did_document(did: str, public_keys: Sequence[bytes]) -> dict[str, Any]:
    """The DID document for `did`, listing each key as an assertion method."""
    methods = [
        {
            "id": f"{did}#{multibase.public_multikey(key)}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multibase.public_multikey(key),
        }
        for key in public_keys
    ]
    return {
        "@context": [DID_V1, loader.MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        # The keys sign credentials, and nothing else.
        "assertionMethod": [m["id"] for m in methods],
    }
