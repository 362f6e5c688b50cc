"""Multibase base58btc and did:key for Ed25519 keys."""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
# Multicodec varint prefixes: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def encode(data: bytes) -> str:
    """Multibase base58btc (the `z` prefix)."""
    return "z" + b58encode(data)


def decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("only base58btc multibase (z...) is supported")
    return b58decode(text[1:])


def public_multikey(public_key: bytes) -> str:
    return encode(ED25519_PUB + public_key)


def secret_multikey(seed: bytes) -> str:
    return encode(ED25519_PRIV + seed)


def public_key_from_multikey(text: str) -> bytes:
    raw = decode(text)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise ValueError("not an Ed25519 public key")
    return raw[2:]


def seed_from_multikey(text: str) -> bytes:
    raw = decode(text)
    if not raw.startswith(ED25519_PRIV) or len(raw) != 34:
        raise ValueError("not an Ed25519 secret key")
    return raw[2:]


def did_key(public_key: bytes) -> str:
    return "did:key:" + public_multikey(public_key)


def verification_method(public_key: bytes) -> str:
    multikey = public_multikey(public_key)
    return f"did:key:{multikey}#{multikey}"


def public_key_from_did(did_url: str) -> bytes:
    """The Ed25519 key a `did:key:z6Mk...` (optionally `#z6Mk...`) names."""
    if not did_url.startswith("did:key:"):
        raise ValueError("not a did:key")
    did, _, fragment = did_url[len("did:key:") :].partition("#")
    if fragment and fragment != did:
        raise ValueError("the key fragment does not match the did")
    return public_key_from_multikey(did)
