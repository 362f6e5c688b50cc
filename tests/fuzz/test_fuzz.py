"""Hypothesis fuzzes the text parser and every command of the catalogue, on SQLite
and PostgreSQL: no line ends in an internal error, and a refused line changes no
row of any table.

The default run is a few hundred lines per engine; `JUNTO_FUZZ_EXAMPLES=5000`
runs a bigger campaign, and `bench/fuzz.py` a far bigger one.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import default_catalogue
from tests.fuzz.campaign import NASTY, Probe, line, report
from tests.support import app_on

EXAMPLES = int(os.environ.get("JUNTO_FUZZ_EXAMPLES", "300"))
COMMANDS = list(default_catalogue())


class _Drawn:
    """The campaign's choices, drawn by hypothesis so a failure shrinks."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def choice(self, options: Any) -> Any:
        return self.data.draw(st.sampled_from(options))

    def chance(self, percent: int) -> bool:
        return self.data.draw(st.integers(0, 99)) < percent

    def junk(self) -> str:
        pieces = st.one_of(
            st.sampled_from(NASTY),
            # Surrogates and unassigned code points too.
            st.characters(codec=None, exclude_categories=()),
        )
        return "".join(self.data.draw(st.lists(pieces, max_size=30)))


def test_no_line_ends_in_an_internal_error_or_changes_anything_when_refused(
    engine_name: str, tmp_path: Path
) -> None:
    loop = asyncio.new_event_loop()
    context = app_on(engine_name, tmp_path)
    try:
        probe = Probe(loop.run_until_complete(context.__aenter__()))
        loop.run_until_complete(probe.set_up())

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.data())
        def one_line(data: st.DataObject) -> None:
            who, typed = line(_Drawn(data), COMMANDS)
            found = len(probe.tally.internal) + len(probe.tally.changed)
            loop.run_until_complete(probe.judge(who, typed))
            assert len(probe.tally.internal) + len(probe.tally.changed) == found, report(
                probe.tally
            )

        one_line()
        assert probe.tally.refused > EXAMPLES // 4, report(probe.tally)
    finally:
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()
