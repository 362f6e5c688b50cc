"""Community settings: every default of DOMAIN.md, changeable by an admin."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bot.errors import DomainError
from bot.model.auctions import parse_increment, show_increment
from bot.model.badges import parse_classes, parse_set, show_classes
from bot.model.units import format_minutes, parse_minutes, zone


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


# `2/3`, `0.667`: short enough that Fraction never meets `1e-400` or `1e999999999`
# (whose power of ten alone would take minutes to compute).
_SHARE = re.compile(r"^\s*(?:\d{1,4}\s*/\s*\d{1,4}|\d?\.\d{1,4}|\d)\s*$")
_FINEST_SHARE = 1000


def _share(text: str) -> str:
    if not _SHARE.match(text):
        raise ValueError(text)
    value = Fraction(text.replace(" ", ""))
    # A share with a denominator past a thousand says nothing a ballot count can tell.
    if not 0 < value <= 1 or value.denominator > _FINEST_SHARE:
        raise ValueError(text)
    return str(value)


def _minutes(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = parse_minutes(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def _offsets(text: str) -> list[int]:
    # Reminder offsets before an event, largest first: "24h, 1h".
    values = sorted({_minutes(1, 30 * 24 * 60)(part) for part in text.split(",")}, reverse=True)
    if not 1 <= len(values) <= 5:
        raise ValueError(text)
    return values


def _show_offsets(values: Any) -> str:
    return ", ".join(format_minutes(int(v)) for v in values)


def _badge_classes(text: str) -> str:
    return show_classes(parse_classes(text))


def _badge_set(text: str) -> str:
    return ", ".join(parse_set(text))


def _timezone(text: str) -> str:
    zone(text)
    return text


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: str  # what the value takes, in words, for error replies
    help: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str] = str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("timezone", "UTC", "an IANA time zone", "the community's time zone", _timezone),
        Setting(
            "circle_size",
            35,
            "a whole number from 3 to 500",
            "most members in a circle",
            _int(3, 500),
        ),
        Setting(
            "circle_min_contexts",
            2,
            "a whole number from 1 to 10",
            "distinct contexts a circle needs to become active",
            _int(1, 10),
        ),
        Setting(
            "circle_min_members",
            3,
            "a whole number from 2 to 50",
            "members a circle needs to become active",
            _int(2, 50),
        ),
        Setting(
            "review_window",
            72 * 60,
            "a duration from 1h to 30 days (e.g. 72h)",
            "how long a review stays open after an event",
            _minutes(60, 30 * 24 * 60),
            format_minutes,
        ),
        Setting(
            "checkin_before",
            15,
            "a duration from 0m to 24h (e.g. 15m)",
            "how long before an event's start check-in opens",
            _minutes(0, 24 * 60),
            format_minutes,
        ),
        Setting(
            "checkin_after",
            30,
            "a duration from 0m to 24h (e.g. 30m)",
            "how long after an event's end check-in stays open",
            _minutes(0, 24 * 60),
            format_minutes,
        ),
        Setting(
            "reminders",
            [24 * 60, 60],
            "one to five durations, comma separated (e.g. 24h, 1h)",
            "when reminders go out before an event",
            _offsets,
            _show_offsets,
        ),
        Setting(
            "pass_share",
            "2/3",
            "a fraction above 0 and at most 1, like 2/3 or 0.75 (at most 1000 below the line)",
            "share of ballots at level that validates an event",
            _share,
        ),
        Setting(
            "attend_required",
            4,
            "a whole number from 0 to 100",
            "validated events to attend each year",
            _int(0, 100),
        ),
        Setting(
            "host_required",
            2,
            "a whole number from 0 to 100",
            "validated events to host each year",
            _int(0, 100),
        ),
        Setting(
            "escrow_days",
            90,
            "a whole number of days from 1 to 730",
            "days before an unassessed escrow is refunded",
            _int(1, 730),
        ),
        Setting(
            "voucher_cap_base",
            10 * 60,
            "a duration from 0h to 1000h (e.g. 10h)",
            "hours a member may have outstanding before delivering any",
            _minutes(0, 1000 * 60),
            format_minutes,
        ),
        Setting(
            "voucher_cap_most",
            40 * 60,
            "a duration from 0h to 1000h (e.g. 40h)",
            "most hours a member may ever have outstanding",
            _minutes(0, 1000 * 60),
            format_minutes,
        ),
        Setting(
            "auction_increment",
            100,
            "an amount from 0.01 (e.g. 1.00)",
            "how much each bid must beat the best by, in the auction's currency",
            parse_increment,
            show_increment,
        ),
        Setting(
            "auction_extension",
            5,
            "a whole number of minutes from 0 to 120",
            "a bid this close to an auction's end extends it by as much",
            _int(0, 120),
        ),
        Setting(
            "link_code_minutes",
            30,
            "a whole number of minutes from 1 to 1440",
            "how long a profile link code stays valid",
            _int(1, 1440),
        ),
        Setting(
            "badge_classes",
            "",
            "entries like `Mentor=hosted:5; Guide=manual` (kinds: attended, hosted, ballots,"
            " delivered, trustee, manual; counts up to 10000, hours delivered up to 10000h)",
            "badge classes beyond the default set",
            _badge_classes,
        ),
        Setting(
            "page_size",
            15,
            "a whole number from 1 to 100",
            "lines each page of a list shows (circles, events, histories...)",
            _int(1, 100),
        ),
        Setting(
            "pathway_size",
            3,
            "a whole number from 1 to 20",
            "badges from the pathway set the qualification needs",
            _int(1, 20),
        ),
        Setting(
            "pathway_badges",
            "participant, contributor, peer-reviewer, time-giver, skill",
            "badge codes separated by commas (`skill` stands for any skill badge)",
            "the badges that count towards the qualification",
            _badge_set,
        ),
    )
}


def validate(name: str, text: str) -> Any:
    setting = SETTINGS.get(name)
    if setting is None:
        raise DomainError("admin.setting_unknown", name=name)
    try:
        return setting.parse(text)
    except (ValueError, ZeroDivisionError, DomainError):
        raise DomainError("admin.setting_value", name=name, kind=setting.kind, value=text) from None


# Pairs that only make sense one way round: (the smaller, the larger).
_ORDERED = (
    ("circle_min_members", "circle_size"),
    ("voucher_cap_base", "voucher_cap_most"),
)


def check_together(name: str, value: Any, current: Settings) -> None:
    """A value that is fine alone but leaves the community stuck beside the others: a
    circle that can never become active, a cap below its own base, or a pathway
    needing more badges than it counts."""
    for low, high in _ORDERED:
        if name in (low, high):
            small = value if name == low else current[low]
            large = value if name == high else current[high]
            if int(small) > int(large):
                raise DomainError(
                    "admin.setting_order",
                    low=low,
                    high=high,
                    low_value=SETTINGS[low].show(small),
                    high_value=SETTINGS[high].show(large),
                )
    if name in ("pathway_size", "pathway_badges"):
        size = int(value if name == "pathway_size" else current["pathway_size"])
        badges = str(value if name == "pathway_badges" else current["pathway_badges"])
        counted = len(parse_set(badges))
        if size > counted:
            raise DomainError("admin.setting_pathway", size=size, counted=counted)


class Settings:
    """One community's effective settings: stored values over configured defaults."""

    def __init__(self, defaults: Mapping[str, Any], stored: Mapping[str, Any]) -> None:
        self._values = {name: s.default for name, s in SETTINGS.items()}
        self._values.update(defaults)
        self._defaults = dict(self._values)
        self._values.update({k: v for k, v in stored.items() if k in SETTINGS})

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def is_default(self, name: str) -> bool:
        return bool(self._values[name] == self._defaults[name])

    @property
    def circle_size(self) -> int:
        return int(self._values["circle_size"])

    @property
    def circle_min_contexts(self) -> int:
        return int(self._values["circle_min_contexts"])

    @property
    def circle_min_members(self) -> int:
        return int(self._values["circle_min_members"])

    @property
    def page_size(self) -> int:
        return int(self._values["page_size"])

    @property
    def timezone(self) -> str:
        return str(self._values["timezone"])
