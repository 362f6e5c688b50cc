"""What a verifier here may rely on: three questions asked apart.

The signature (does it hold), the dates (is the credential valid now), and the
issuer (this community, one it trusts, or one it does not know). A credential
with a status entry is also looked up in a status list. Only a credential whose
signature holds, whose dates hold, that is not revoked, and whose issuer is this
community or one it trusts is called valid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.credentials import statuslist
from bot.credentials.identity import Identity, TrustedIssuer
from bot.credentials.openbadges import Checked, CheckedList

OWN = "own"
TRUSTED = "trusted"
UNKNOWN = "unknown"

CURRENT = "current"
NOT_YET = "not_yet_valid"
EXPIRED = "expired"
UNREADABLE = "unreadable"

# Status states.
NO_ENTRY = "none"  # the credential carries no status entry
ACTIVE = "active"
REVOKED = "revoked"
UNCHECKED = "unchecked"  # no status list to look in
OTHER_LIST = "other_list"  # the list given is not the one the credential names
FOREIGN_LIST = "foreign_list"  # the list given was not signed by the credential's issuer
UNLISTED = "unlisted"  # the community's records have no such entry


@dataclass(frozen=True)
class Trust:
    """Whom this community recognises: its own names, and the communities it trusts."""

    own: Sequence[Identity] = field(default_factory=tuple)
    trusted: Sequence[TrustedIssuer] = field(default_factory=tuple)


def standing(checked: Checked, trust: Trust) -> str:
    for name in trust.own:
        if checked.issuer_did == name.did and checked.public_key == name.public_key:
            return OWN
    for issuer in trust.trusted:
        if checked.issuer_did == issuer.did and checked.public_key == issuer.public_key:
            return TRUSTED
    return UNKNOWN


def _instant(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def dates(checked: Checked, now: datetime) -> str:
    """Whether the credential is valid at `now` by its validFrom and validUntil."""
    start = _instant(checked.valid_from) if checked.valid_from else None
    end = _instant(checked.valid_until) if checked.valid_until else None
    if (checked.valid_from and start is None) or (checked.valid_until and end is None):
        return UNREADABLE
    if start is not None and now < start:
        return NOT_YET
    if end is not None and now >= end:
        return EXPIRED
    return CURRENT


@dataclass(frozen=True)
class Status:
    state: str
    # When it was revoked, from the community's records; or the date of the status
    # list that says so, for a list given as a file.
    revoked_at: datetime | None = None
    list_date: str = ""
    detail: str = ""


def from_list(checked: Checked, given: CheckedList) -> Status:
    """The credential's status as a status list credential (already checked) tells it."""
    entry = checked.status
    if entry is None:
        return Status(NO_ENTRY)
    found = given.status_list
    if found.url != entry.list_url:
        return Status(OTHER_LIST, detail=found.url)
    if found.issuer_did != checked.issuer_did or given.public_key != checked.public_key:
        return Status(FOREIGN_LIST, detail=found.issuer_did)
    try:
        revoked = statuslist.is_set(found.bits, entry.index)
    except statuslist.StatusListError as error:
        return Status(UNLISTED, detail=error.detail)
    return Status(REVOKED if revoked else ACTIVE, list_date=found.valid_from)


@dataclass(frozen=True)
class Verdict:
    checked: Checked
    issuer: str
    dates: str
    status: Status

    @property
    def valid(self) -> bool:
        return (
            self.checked.failure is None
            and self.issuer in (OWN, TRUSTED)
            and self.dates == CURRENT
            and self.status.state in (NO_ENTRY, ACTIVE, UNCHECKED)
        )


def judge(checked: Checked, trust: Trust, now: datetime, status: Status) -> Verdict:
    return Verdict(checked, standing(checked, trust), dates(checked, now), status)
