"""Draws a member's journey as a timeline picture: time runs left to right, one lane per kind."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from types import MappingProxyType
from typing import TypeAlias

from PIL import Image, ImageDraw, ImageFont

from bot.model.journeys import (
    AGREEMENT,
    ASSESSMENT,
    ATTENDED,
    BADGE,
    BALLOT,
    CIRCLE,
    DELIVERED,
    HOSTED,
    ISSUED,
    KINDS,
    NOTE,
    RECEIVED,
    Moment,
)

WIDTH = 1200
# A single moment still needs room around it, or the axis would have nothing to say.
MIN_SPAN = timedelta(days=30)

LANE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        CIRCLE: "Circles",
        ATTENDED: "Attended",
        HOSTED: "Hosted",
        BALLOT: "Ballots",
        ISSUED: "Hours issued",
        DELIVERED: "Hours delivered",
        RECEIVED: "Hours received",
        AGREEMENT: "Agreements",
        ASSESSMENT: "Assessments",
        BADGE: "Badges",
        NOTE: "Journal",
    }
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

RGB: TypeAlias = tuple[int, int, int]
Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont
_XOf: TypeAlias = Callable[[datetime], float]

GOOD: RGB = (22, 163, 74)
BAD: RGB = (220, 38, 38)
# Moments without an outcome take their lane's colour; none of these may read as green or red,
# so that colour alone says "went well" or "went badly".
NEUTRAL: Mapping[str, RGB] = MappingProxyType(
    {
        CIRCLE: (37, 99, 235),
        ATTENDED: (79, 70, 229),
        HOSTED: (124, 58, 237),
        BALLOT: (100, 116, 139),
        ISSUED: (8, 145, 178),
        DELIVERED: (2, 132, 199),
        RECEIVED: (14, 116, 144),
        AGREEMENT: (192, 38, 211),
        ASSESSMENT: (71, 85, 105),
        BADGE: (202, 138, 4),
        NOTE: (120, 113, 108),
    }
)
_OTHER: RGB = (100, 116, 139)

# Letters that Unicode decomposition does not reduce to ASCII.
_FOLD: Mapping[str, str] = MappingProxyType(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2022": "·",
        "\u2192": "->",
        "\u20ac": "EUR",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)

_INK: RGB = (17, 24, 39)
_MUTED: RGB = (100, 110, 125)
_FAINT: RGB = (148, 163, 184)
_GRID: RGB = (226, 232, 240)
_PAPER: RGB = (255, 255, 255)
_STRIPE: RGB = (246, 248, 251)

# Pillow draws shapes without anti-aliasing; drawing twice as large and halving smooths them.
_SCALE = 2
_PAD = 24
_LABEL_W = 170
_PLOT_LEFT = _PAD + _LABEL_W
_PLOT_RIGHT = WIDTH - _PAD - 8
_PLOT_TOP = 100
_LANE_H = 34
_DENSE_LANE_H = 46
_BADGE_ROW_H = 19
_BADGE_ROWS = 3
_BADGE_LABEL_W = 190
_AXIS_H = 46
_BOTTOM = 14
_MARKER_R = 5.5
# How much of the lane's width a marker claims, with its breathing room, before a lane is
# treated as crowded and its markers shrink, fade and spread over the lane's height.
_MARKER_ROOM = 10.0
_GOLDEN = 0.6180339887498949


def lanes(moments: Sequence[Moment]) -> list[str]:
    """The kinds that get a lane, in the order of KINDS; unknown kinds follow, by name."""
    present = {m.kind for m in moments}
    known = [kind for kind in KINDS if kind in present]
    return known + sorted(present - set(KINDS))


def lane_label(kind: str) -> str:
    return LANE_LABELS.get(kind, kind.capitalize())


def span(moments: Sequence[Moment], now: datetime) -> tuple[datetime, datetime]:
    """The axis's ends: first moment to the later of last moment and now, with a margin."""
    if not moments:
        return now - MIN_SPAN, now
    first = min(m.at for m in moments)
    last = max(max(m.at for m in moments), now)
    # Stretch back rather than forward: the axis should end at today, not in an empty future.
    first = min(first, last - MIN_SPAN)
    # Markers sitting on the very edge of the plot look cut off.
    margin = (last - first) * 0.025
    return first - margin, last + margin


def x_for(at: datetime, start: datetime, end: datetime, width: float) -> float:
    """How far from the axis's left end `at` lies, with the whole axis `width` long."""
    # Timestamps, not subtraction: datetimes sharing a tzinfo subtract as wall clock times.
    total = end.timestamp() - start.timestamp()
    if total <= 0:
        return width / 2
    return (at.timestamp() - start.timestamp()) / total * width


def ticks(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, str]]:
    """Where the axis gets a label, at local midnights in `tz`, and what each label says.

    A label's second line, after a newline, carries the year where the reader needs it.
    """
    days = (end.timestamp() - start.timestamp()) / 86400
    if days <= 16:
        return _day_ticks(start, end, tz, step=1)
    if days <= 100:
        return _day_ticks(start, end, tz, step=7)
    if days <= 2 * 366:
        return _month_ticks(start, end, tz, step=1)
    if days <= 3.5 * 366:
        return _month_ticks(start, end, tz, step=3)
    return _year_ticks(start, end, tz, days)


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _day_ticks(
    start: datetime, end: datetime, tz: tzinfo, *, step: int
) -> list[tuple[datetime, str]]:
    day = start.astimezone(tz).date()
    if _local_midnight(day, tz).timestamp() < start.timestamp():
        day += timedelta(days=1)
    if step == 7:
        day += timedelta(days=(7 - day.weekday()) % 7)  # weeks start on Monday
    result: list[tuple[datetime, str]] = []
    year = 0
    while (at := _local_midnight(day, tz)).timestamp() <= end.timestamp():
        label = f"{day.day} {MONTHS[day.month - 1]}"
        if day.year != year:
            label += f"\n{day.year}"
            year = day.year
        result.append((at, label))
        day += timedelta(days=step)
    return result


def _month_ticks(
    start: datetime, end: datetime, tz: tzinfo, *, step: int
) -> list[tuple[datetime, str]]:
    local = start.astimezone(tz)
    year, month = local.year, local.month
    if _local_midnight(date(year, month, 1), tz).timestamp() < start.timestamp():
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while (month - 1) % step:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    result: list[tuple[datetime, str]] = []
    while (at := _local_midnight(date(year, month, 1), tz)).timestamp() <= end.timestamp():
        label = MONTHS[month - 1]
        if month == 1 or not result:
            label += f"\n{year}"
        result.append((at, label))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return result


def _year_ticks(
    start: datetime, end: datetime, tz: tzinfo, days: float
) -> list[tuple[datetime, str]]:
    step = next((s for s in (1, 2, 5, 10, 20, 50) if days / 365.25 / s <= 12), 100)
    year = start.astimezone(tz).year
    if _local_midnight(date(year, 1, 1), tz).timestamp() < start.timestamp():
        year += 1
    year += -year % step
    result: list[tuple[datetime, str]] = []
    while (at := _local_midnight(date(year, 1, 1), tz)).timestamp() <= end.timestamp():
        result.append((at, str(year)))
        year += step
    return result


@dataclass(frozen=True)
class _Fonts:
    title: Font
    subtitle: Font
    lane: Font
    small: Font
    empty: Font


def _fonts() -> _Fonts:
    def sized(size: int) -> Font:
        return ImageFont.load_default(size=size * _SCALE)

    return _Fonts(
        title=sized(24),
        subtitle=sized(15),
        lane=sized(14),
        small=sized(12),
        empty=sized(18),
    )


def _s(value: float) -> float:
    return value * _SCALE


class _Pen:
    """Draws in layout units, so the layout reads the same whatever the supersampling."""

    def __init__(self, image: Image.Image, fonts: _Fonts) -> None:
        # "RGBA" on an RGB image blends translucent fills, so crowded markers darken where
        # they pile up instead of hiding each other.
        self.draw = ImageDraw.Draw(image, "RGBA")
        self.fonts = fonts
        self._glyphs: dict[str, bool] = {}
        font = fonts.small
        self._scalable = isinstance(font, ImageFont.FreeTypeFont)
        self._notdef = bytes(font.getmask("\uffff")) if self._scalable else b""

    def clean(self, text: str) -> str:
        """The text with what the font cannot show spelled in what it can, where possible.

        The bundled font covers little beyond ASCII; "José – Müller" reads better as
        "Jose - Muller" than with empty boxes. What has no plainer spelling stays as it is,
        or becomes a question mark where the font could not draw it at all.
        """
        if text.isascii():
            return text
        return "".join(self._spell(char) for char in text)

    def _spell(self, char: str) -> str:
        if self._has(char):
            return char
        folded = _FOLD.get(char) or "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if folded and all(self._has(c) for c in folded):
            return folded
        # FreeType draws a box for a missing letter; the bitmap font cannot take it at all.
        return char if self._scalable else "?"

    def _has(self, char: str) -> bool:
        known = self._glyphs.get(char)
        if known is None:
            if self._scalable:
                mask = self.fonts.small.getmask(char)
                known = char.isascii() or bytes(mask) != self._notdef
            else:
                known = ord(char) < 256  # the bitmap font is Latin-1
            self._glyphs[char] = known
        return known

    def text(
        self,
        x: float,
        middle: float,
        text: str,
        font: Font,
        fill: RGB,
        *,
        align: str = "left",
    ) -> float:
        """Draws one line centred on `middle`; gives back its width in layout units."""
        text = self.clean(text)
        width = font.getlength(text)
        left = _s(x) - (width if align == "right" else width / 2 if align == "center" else 0)
        _, top, _, bottom = font.getbbox("Hg")
        self.draw.text((left, _s(middle) - (top + bottom) / 2), text, font=font, fill=fill)
        return width / _SCALE

    def width(self, text: str, font: Font) -> float:
        return font.getlength(self.clean(text)) / _SCALE

    def fit(self, text: str, font: Font, width: float) -> str:
        if self.width(text, font) <= width:
            return text
        dots = "…"
        low, high = 0, len(text)
        while low < high:
            mid = (low + high + 1) // 2
            if self.width(text[:mid].rstrip() + dots, font) <= width:
                low = mid
            else:
                high = mid - 1
        return text[:low].rstrip() + dots

    def rect(self, box: tuple[float, float, float, float], fill: RGB, radius: float = 0) -> None:
        scaled = (_s(box[0]), _s(box[1]), _s(box[2]), _s(box[3]))
        if radius:
            self.draw.rounded_rectangle(scaled, radius=_s(radius), fill=fill)
        else:
            self.draw.rectangle(scaled, fill=fill)

    def line(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, width: float = 1) -> None:
        self.draw.line((_s(x0), _s(y0), _s(x1), _s(y1)), fill=fill, width=round(_s(width)))

    def marker(
        self,
        x: float,
        y: float,
        r: float,
        shape: str,
        fill: tuple[int, int, int, int],
        outline: bool,
    ) -> None:
        # A thin paper-coloured rim keeps neighbouring opaque markers apart.
        if outline:
            self._shape(_s(x), _s(y), _s(r + 1.2), shape, (*_PAPER, 255))
        self._shape(_s(x), _s(y), _s(r), shape, fill)

    def _shape(
        self, cx: float, cy: float, r: float, shape: str, fill: tuple[int, int, int, int]
    ) -> None:
        if shape == "up":
            self.draw.polygon(
                [(cx, cy - r * 1.25), (cx + r * 1.15, cy + r * 0.8), (cx - r * 1.15, cy + r * 0.8)],
                fill=fill,
            )
        elif shape == "down":
            self.draw.polygon(
                [(cx, cy + r * 1.25), (cx + r * 1.15, cy - r * 0.8), (cx - r * 1.15, cy - r * 0.8)],
                fill=fill,
            )
        elif shape == "diamond":
            r *= 1.3
            self.draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fill)
        else:
            self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


@dataclass(frozen=True)
class _Lane:
    kind: str
    top: float
    height: float
    middle: float  # where markers sit when the lane is not crowded
    moments: tuple[Moment, ...]
    crowd: float  # how many times over the markers would cover the lane's width


@dataclass(frozen=True)
class _BadgeLabel:
    x: float  # the marker's position
    left: float
    row: int
    text: str


def timeline_png(
    title: str,
    subtitle: str,
    moments: Sequence[Moment],
    tz: tzinfo,
    *,
    now: datetime,
) -> bytes:
    """A PNG, WIDTH pixels wide, of the moments on a time axis labelled in `tz`."""
    fonts = _fonts()
    if not moments:
        return _empty(title, subtitle, fonts)
    start, end = span(moments, now)
    plot_w = _PLOT_RIGHT - _PLOT_LEFT

    def x_of(at: datetime) -> float:
        return _PLOT_LEFT + x_for(at, start, end, plot_w)

    measure = _Pen(Image.new("RGB", (1, 1)), fonts)
    by_kind: dict[str, list[Moment]] = {}
    for moment in sorted(moments, key=lambda m: (m.at, m.kind, m.text, repr(m.good))):
        by_kind.setdefault(moment.kind, []).append(moment)
    badge_labels = _place_badge_labels(by_kind.get(BADGE, []), x_of, measure)
    badge_rows = 1 + max((label.row for label in badge_labels), default=-1)

    rows: list[_Lane] = []
    top = float(_PLOT_TOP)
    for kind in lanes(moments):
        members = tuple(by_kind[kind])
        crowd = len(members) * _MARKER_ROOM / plot_w
        height = float(_DENSE_LANE_H if crowd > 3 else _LANE_H)
        above = badge_rows * _BADGE_ROW_H if kind == BADGE else 0
        rows.append(_Lane(kind, top, height + above, top + above + height / 2, members, crowd))
        top += height + above
    plot_bottom = top
    height = round(plot_bottom + _AXIS_H + _BOTTOM)

    image = Image.new("RGB", (WIDTH * _SCALE, height * _SCALE), _PAPER)
    pen = _Pen(image, fonts)
    # The key to green and red only where some moment has an outcome to colour.
    _header(pen, title, subtitle, legend=any(m.good is not None for m in moments))

    for index, lane in enumerate(rows):
        if index % 2 == 0:
            pen.rect((_PAD - 8, lane.top, _PLOT_RIGHT + 8, lane.top + lane.height), _STRIPE)
    tick_list = ticks(start, end, tz)
    for at, _ in tick_list:
        x = x_of(at)
        pen.line(x, _PLOT_TOP, x, plot_bottom, _GRID)
    _now_line(pen, x_of(now), plot_bottom)
    for lane in rows:
        _lane(pen, lane, x_of)
    if badge_labels:
        badge_lane = next(lane for lane in rows if lane.kind == BADGE)
        _badge_labels(pen, badge_labels, badge_lane)
    _axis(pen, tick_list, x_of, plot_bottom)

    return _png(image)


def _header(pen: _Pen, title: str, subtitle: str, *, legend: bool) -> None:
    fonts = pen.fonts
    legend_w = _legend(pen) if legend else 0.0
    pen.text(
        _PAD, 36, pen.fit(title, fonts.title, WIDTH - 2 * _PAD - legend_w - 24), fonts.title, _INK
    )
    pen.text(_PAD, 68, pen.fit(subtitle, fonts.subtitle, WIDTH - 2 * _PAD), fonts.subtitle, _MUTED)


def _legend(pen: _Pen) -> float:
    """Draws the key to the outcome colours at the top right; gives back its width."""
    small = pen.fonts.small
    entries = (("up", GOOD, "at level / passed"), ("down", BAD, "below / failed"))
    x: float = WIDTH - _PAD
    for shape, colour, words in reversed(entries):
        x -= pen.width(words, small)
        pen.text(x, 36, words, small, _MUTED)
        x -= 10
        pen.marker(x, 36, _MARKER_R, shape, (*colour, 255), outline=False)
        x -= 22
    return WIDTH - _PAD - x


def _now_line(pen: _Pen, x: float, plot_bottom: float) -> None:
    if not _PLOT_LEFT <= x <= _PLOT_RIGHT:
        return
    y = float(_PLOT_TOP)
    while y < plot_bottom:
        pen.line(x, y, x, min(y + 4, plot_bottom), _FAINT)
        y += 8
    pen.text(x, _PLOT_TOP - 10, "today", pen.fonts.small, _FAINT, align="center")


def _lane(pen: _Pen, lane: _Lane, x_of: _XOf) -> None:
    fonts = pen.fonts
    pen.text(_PAD, lane.middle, lane_label(lane.kind), fonts.lane, _INK)
    pen.text(
        _PLOT_LEFT - 14, lane.middle, f"{len(lane.moments)}", fonts.small, _MUTED, align="right"
    )
    neutral = NEUTRAL.get(lane.kind, _OTHER)
    radius, alpha, spread = _MARKER_R, 255, 0.0
    if lane.crowd > 1:
        radius = max(2.6, _MARKER_R / lane.crowd**0.35)
        alpha = max(80, round(235 / lane.crowd**0.5))
        spread = lane.height / 2 - radius - 5
        if lane.kind == BADGE:
            spread = min(spread, _LANE_H / 2 - radius - 4)
    placed = []
    for index, moment in enumerate(lane.moments):
        # The golden-ratio sequence spreads a crowded lane's markers evenly over its height
        # while staying the same for the same moments.
        offset = ((index * _GOLDEN) % 1 - 0.5) * 2 * spread
        placed.append((moment, lane.middle + offset))
    # Failures are drawn last, so a crowd of routine moments cannot hide them.
    rank = {None: 0, True: 1, False: 2}
    for moment, y in sorted(placed, key=lambda p: rank[p[0].good]):
        if moment.good is None:
            colour, shape = neutral, "diamond" if lane.kind == BADGE else "circle"
        elif moment.good:
            colour, shape = GOOD, "up"
        else:
            colour, shape = BAD, "down"
        pen.marker(x_of(moment.at), y, radius, shape, (*colour, alpha), outline=alpha == 255)


def _place_badge_labels(badges: list[Moment], x_of: _XOf, pen: _Pen) -> list[_BadgeLabel]:
    """Stacks badge names in rows above their markers so that no two overlap.

    A name that finds no free row is left out; its marker still shows.
    """
    font = pen.fonts.small
    taken: list[list[tuple[float, float]]] = [[] for _ in range(_BADGE_ROWS)]
    result: list[_BadgeLabel] = []
    for badge in badges:
        x = x_of(badge.at)
        text = pen.fit(" ".join(badge.text.split()), font, _BADGE_LABEL_W)
        width = pen.width(text, font) + 8
        left = x - 4
        if left + width > WIDTH - _PAD:
            left = x - width + 4
        for row, spans in enumerate(taken):
            if all(left + width + 6 <= a or b + 6 <= left for a, b in spans):
                spans.append((left, left + width))
                result.append(_BadgeLabel(x, left, row, text))
                break
    return result


def _badge_labels(pen: _Pen, labels: list[_BadgeLabel], lane: _Lane) -> None:
    def middle(row: int) -> float:
        return lane.middle - _LANE_H / 2 - (row + 0.5) * _BADGE_ROW_H + 2

    for label in labels:
        pen.line(label.x, middle(label.row), label.x, lane.middle - _MARKER_R * 1.6, _FAINT)
    for label in labels:
        y = middle(label.row)
        width = pen.width(label.text, pen.fonts.small) + 8
        pen.rect((label.left, y - 8, label.left + width, y + 8), (254, 249, 231), radius=4)
        pen.text(label.left + 4, y, label.text, pen.fonts.small, (113, 63, 18))


def _axis(pen: _Pen, tick_list: list[tuple[datetime, str]], x_of: _XOf, bottom: float) -> None:
    pen.line(_PLOT_LEFT, bottom, _PLOT_RIGHT, bottom, _FAINT)
    small = pen.fonts.small
    for at, label in tick_list:
        x = x_of(at)
        pen.line(x, bottom, x, bottom + 5, _FAINT)
        for line_no, words in enumerate(label.split("\n")):
            half = pen.width(words, small) / 2
            centre = min(max(x, _PAD + half), WIDTH - _PAD - half)
            colour = _MUTED if line_no == 0 else _FAINT
            pen.text(centre, bottom + 14 + 15 * line_no, words, small, colour, align="center")


def _empty(title: str, subtitle: str, fonts: _Fonts) -> bytes:
    height = _PLOT_TOP + 120 + _BOTTOM + 10
    image = Image.new("RGB", (WIDTH * _SCALE, height * _SCALE), _PAPER)
    pen = _Pen(image, fonts)
    _header(pen, title, subtitle, legend=False)
    pen.rect((_PAD, _PLOT_TOP, WIDTH - _PAD, _PLOT_TOP + 120), _STRIPE, radius=12)
    pen.text(WIDTH / 2, _PLOT_TOP + 60, "No moments yet", fonts.empty, _MUTED, align="center")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Level 3 takes about half the time of the default for a tenth more bytes.
    image.reduce(_SCALE).save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
