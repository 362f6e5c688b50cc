"""The journey picture: a readable PNG whatever the moments, and its axis and lanes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageFont

from bot import pictures
from bot.model.journeys import (
    ATTENDED,
    BADGE,
    BALLOT,
    CIRCLE,
    KINDS,
    NOTE,
    Moment,
)
from bot.pictures import LANE_LABELS, MONTHS, WIDTH, lanes, span, ticks, timeline_png, x_for

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def draw(moments: list[Moment], *, title: str = "Alice's journey", subtitle: str = "") -> bytes:
    now = max((m.at for m in moments), default=START) + timedelta(days=1)
    return timeline_png(title, subtitle or f"{len(moments)} moments", moments, BERLIN, now=now)


def picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def greens_and_reds(png: bytes) -> tuple[int, int]:
    """How many pixels read clearly as green, and as red."""
    green = red = 0
    for (r, g, b), count in _colours(picture(png)):
        if g > 110 and g > r + 50 and g > b + 30:
            green += count
        if r > 150 and r > g + 70 and r > b + 70:
            red += count
    return green, red


def _colours(image: Image.Image) -> list[tuple[tuple[int, int, int], int]]:
    found = image.getcolors(maxcolors=image.width * image.height)
    assert found is not None
    return [(colour, count) for count, colour in found]  # type: ignore[misc]


def spread(count: int, days: int, kinds: tuple[str, ...] = KINDS) -> list[Moment]:
    step = timedelta(days=days) / count
    return [
        Moment(
            START + step * i,
            kinds[i % len(kinds)],
            f"moment {i}",
            None if i % 3 == 0 else i % 3 == 1,
        )
        for i in range(count)
    ]


def test_the_picture_is_a_png_of_the_promised_width() -> None:
    image = picture(draw(spread(40, 200)))
    assert image.width == WIDTH
    assert image.height > 300


def test_without_moments_the_picture_still_renders_and_says_so() -> None:
    empty = draw([])
    image = picture(empty)
    assert image.width == WIDTH
    assert image.height > 100
    assert empty != draw([Moment(START, CIRCLE, "Joined Python")])


def test_outcomes_show_as_green_and_red_and_plain_moments_as_neither() -> None:
    plain = [Moment(START + timedelta(days=d), kind, "x") for d, kind in enumerate(KINDS)]
    assert greens_and_reds(draw(plain)) == (0, 0)

    good_only = [*plain, Moment(START + timedelta(days=3), ATTENDED, "Evening talk", True)]
    bad_only = [*plain, Moment(START + timedelta(days=3), ATTENDED, "Evening talk", False)]
    green_with_good, _ = greens_and_reds(draw(good_only))
    _, red_with_bad = greens_and_reds(draw(bad_only))
    assert green_with_good > 0
    assert red_with_bad > 0

    # The legend shows both colours, so compare against a picture with one more good moment.
    more_good = [*good_only, Moment(START + timedelta(days=9), ATTENDED, "Workshop", True)]
    assert greens_and_reds(draw(more_good))[0] > green_with_good


def test_one_lane_per_kind_present_in_the_order_of_kinds() -> None:
    moments = [
        Moment(START, NOTE, "a"),
        Moment(START, CIRCLE, "b"),
        Moment(START + timedelta(days=2), NOTE, "c"),
        Moment(START, BALLOT, "d"),
    ]
    assert lanes(moments) == [CIRCLE, BALLOT, NOTE]
    assert lanes([]) == []
    assert set(LANE_LABELS) == set(KINDS)

    two = picture(draw(moments[:2])).height
    three = picture(draw(moments)).height
    every = picture(draw(spread(len(KINDS) * 2, 100))).height
    assert two < three < every


def test_earlier_moments_lie_left_of_later_ones() -> None:
    start, end = START, START + timedelta(days=365)
    positions = [x_for(start + timedelta(days=d), start, end, 1000) for d in (0, 10, 100, 365)]
    assert positions == sorted(positions)
    assert positions[0] == 0
    assert positions[-1] == pytest.approx(1000)
    # Local and UTC times of the same instant land on the same spot.
    instant = START + timedelta(days=50)
    assert x_for(instant.astimezone(BERLIN), start, end, 1000) == x_for(instant, start, end, 1000)


def test_the_span_covers_every_moment_and_now_and_is_never_too_short() -> None:
    now = START + timedelta(days=400)
    moments = spread(20, 300)
    start, end = span(moments, now)
    assert start < moments[0].at
    assert end > now

    single = [Moment(START, BADGE, "Welcome")]
    start, end = span(single, START)
    assert end - start >= pictures.MIN_SPAN
    assert start < START <= end


def test_a_year_is_labelled_by_month_with_the_year_where_it_turns() -> None:
    start = datetime(2026, 12, 1, tzinfo=BERLIN)
    marks = ticks(start, start + timedelta(days=365), BERLIN)
    assert 12 <= len(marks) <= 13
    assert [label.split("\n")[0] for _, label in marks][:3] == ["Dec", "Jan", "Feb"]
    assert all(label.split("\n")[0] in MONTHS for _, label in marks)
    assert marks[0][1] == "Dec\n2026"
    assert marks[1][1] == "Jan\n2027"
    assert "\n" not in marks[2][1]
    # Ticks fall on local midnights of the first of the month, not on UTC ones.
    for at, _ in marks:
        local = at.astimezone(BERLIN)
        assert (local.day, local.hour, local.minute) == (1, 0, 0)


def test_five_years_are_labelled_by_year() -> None:
    start = datetime(2026, 6, 15, tzinfo=UTC)
    marks = ticks(start, start + timedelta(days=5 * 365), BERLIN)
    assert [label for _, label in marks] == ["2027", "2028", "2029", "2030", "2031"]


def test_a_short_span_is_labelled_by_week() -> None:
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    marks = ticks(start, start + timedelta(days=30), BERLIN)
    assert 4 <= len(marks) <= 5
    assert all(at.astimezone(BERLIN).weekday() == 0 for at, _ in marks)
    assert marks[0][1] == "8 Mar\n2027"


def test_one_moment_or_many_at_one_instant_render() -> None:
    assert picture(draw([Moment(START, BADGE, "Welcome")])).width == WIDTH
    same = [Moment(START, kind, "together", True) for kind in KINDS]
    assert picture(draw(same)).width == WIDTH


def test_the_same_moments_give_the_same_bytes() -> None:
    moments = [
        *spread(300, 500),
        *(Moment(START + timedelta(days=30 * i), BADGE, f"Badge {i}") for i in range(8)),
    ]
    assert draw(moments) == draw(list(moments))


def test_long_badge_names_and_crowded_badges_still_render() -> None:
    badges = [
        Moment(START + timedelta(hours=i), BADGE, "An extraordinarily long badge name " * 5)
        for i in range(12)
    ]
    assert picture(draw(badges)).width == WIDTH


def test_letters_the_font_lacks_are_spelled_plainly() -> None:
    moments = [Moment(START, CIRCLE, "Joined")]
    assert draw(moments, title="José Müller – Æsir") == draw(moments, title="Jose Muller - AEsir")


def test_five_years_of_a_busy_member_render() -> None:
    moments = [
        *spread(2500, 5 * 365),
        *(Moment(START + timedelta(days=90 * i), BADGE, f"Badge {i}") for i in range(20)),
    ]
    image = picture(draw(moments))
    assert image.width == WIDTH
    assert image.height < 1000


def test_without_a_scalable_font_the_picture_still_renders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def bitmap(size: float | None = None) -> ImageFont.ImageFont:
        return ImageFont.load_default_imagefont()

    monkeypatch.setattr(pictures.ImageFont, "load_default", bitmap)
    moments = [*spread(30, 60), Moment(START, BADGE, "Zoë’s first badge — well done")]
    assert picture(draw(moments, title="Zoë – journey")).width == WIDTH
