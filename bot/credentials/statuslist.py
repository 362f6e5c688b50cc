"""W3C Bitstring Status List v1.0: the entry a credential carries, and the community's
list of revoked entries, itself a credential.

Bit `i` of the list is the credential at `statusListIndex` `i`: the left-most bit
of the first byte is index 0. The list is GZIP-compressed, base64url-encoded with
no padding and given the multibase prefix `u`; uncompressed it is at least 16 KB
(131,072 entries), as the specification asks, so one list says little about how
many credentials a community has issued."""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.credentials import loader

MIN_BITS = 131_072
# A decoded list larger than this is refused: 16 MiB is 134 million entries.
MAX_BYTES = 16 * 1024 * 1024
PURPOSE = "revocation"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_TYPE = "BitstringStatusListCredential"
SUBJECT_TYPE = "BitstringStatusList"


class StatusListError(Exception):
    """A status list or status entry that cannot be read; `code` names why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def size_for(entries: int) -> int:
    """The list's length in bits for this many entries: a multiple of the minimum,
    kept at most half full so that a random free index is found in a few tries."""
    blocks = max(1, -(-2 * max(entries, 0) // MIN_BITS))
    return blocks * MIN_BITS


def encode(revoked: Iterable[int], size: int) -> str:
    """The `encodedList` of a list of `size` bits with the `revoked` ones set."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"index {index} is outside a list of {size} entries")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    packed = gzip.compress(bytes(bits), compresslevel=6, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: object) -> bytes:
    """The bitstring an `encodedList` holds, refusing anything malformed or too large."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) < 2:
        raise StatusListError("bad_list", "encodedList is not multibase base64url (u...)")
    text = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise StatusListError("bad_list", f"encodedList is not base64url: {error}") from None
    inflate = zlib.decompressobj(wbits=31)  # 31: GZIP framing
    try:
        bits = inflate.decompress(packed, MAX_BYTES)
    except zlib.error as error:
        raise StatusListError("bad_list", f"encodedList is not GZIP data: {error}") from None
    if inflate.unconsumed_tail:
        raise StatusListError("bad_list", "the list is larger than 16 MiB")
    if not inflate.eof:
        raise StatusListError("bad_list", "the GZIP data is cut short")
    if len(bits) * 8 < MIN_BITS:
        raise StatusListError(
            "bad_list", f"the list has {len(bits) * 8:,} entries, fewer than 131,072"
        )
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError("index_outside", f"index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@dataclass(frozen=True)
class Entry:
    """Where a credential's revocation bit is: a list's URL and an index in it."""

    list_url: str
    index: int


def entry(list_url: str, index: int) -> dict[str, Any]:
    """The `credentialStatus` a credential carries."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def read_entry(value: object) -> Entry | None:
    """The revocation entry of a credential's `credentialStatus`, or None without one."""
    if value is None:
        return None
    found = value if isinstance(value, list) else [value]
    for item in found:
        if not isinstance(item, Mapping) or item.get("type") != ENTRY_TYPE:
            continue
        if item.get("statusPurpose") != PURPOSE:
            continue
        url, index = item.get("statusListCredential"), item.get("statusListIndex")
        if not isinstance(url, str) or not url:
            raise StatusListError("bad_entry", "the status entry names no status list")
        if not isinstance(index, str) or not index.isdigit():
            raise StatusListError("bad_entry", f"statusListIndex {index!r} is not a number")
        return Entry(url, int(index))
    return None


def credential(
    list_url: str, issuer_did: str, revoked: Iterable[int], size: int, valid_from: str
) -> dict[str, Any]:
    """The community's unsigned status list credential."""
    return {
        "@context": [loader.CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_TYPE],
        "issuer": issuer_did,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": SUBJECT_TYPE,
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked, size),
        },
    }


@dataclass(frozen=True)
class StatusList:
    """A status list credential as read, before its proof is checked."""

    url: str
    issuer_did: str
    valid_from: str
    bits: bytes


def read_list(document: object) -> StatusList:
    """The parts of a status list credential a check needs; StatusListError if it is not one."""
    if not isinstance(document, Mapping):
        raise StatusListError("not_a_list", "it is not a JSON object")
    types = document.get("type")
    if not isinstance(types, list) or LIST_TYPE not in types:
        raise StatusListError("not_a_list", "it is not a BitstringStatusListCredential")
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or subject.get("type") != SUBJECT_TYPE:
        raise StatusListError("not_a_list", "its subject is not a BitstringStatusList")
    if subject.get("statusPurpose") != PURPOSE:
        raise StatusListError("not_a_list", "it is not a list of revocations")
    issuer = document.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    url = document.get("id")
    if not isinstance(issuer_did, str) or not isinstance(url, str):
        raise StatusListError("not_a_list", "it names no issuer or no id")
    valid_from = document.get("validFrom")
    return StatusList(
        url=url,
        issuer_did=issuer_did,
        valid_from=valid_from if isinstance(valid_from, str) else "",
        bits=decode(subject.get("encodedList")),
    )
