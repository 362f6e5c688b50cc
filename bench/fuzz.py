"""Fuzz campaign: many random lines over the text parser and every command.

For each engine (a SQLite file, and PostgreSQL in a fresh schema), starts from
the community of `tests/fuzz/campaign.py`, says `--inputs` random lines built
from every command of the catalogue (values members type, mistype, and nobody
should type), and counts internal errors and refused lines that changed a row
of any table. The community is built afresh every `--world` lines, so the
tables stay small and each stretch starts from a known state.

    .venv/bin/python bench/fuzz.py [--inputs 100000] [--engines sqlite,postgres] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import bench_app
from bot.catalogue import default_catalogue
from bot.clock import ManualClock
from tests.fuzz.campaign import Probe, RandomPicker, Tally, line, report
from tests.support import START


async def campaign(engine: str, inputs: int, world: int, seed: int) -> tuple[Tally, float]:
    commands = list(default_catalogue())
    pick = RandomPicker(seed)
    total = Tally()
    began = time.perf_counter()
    done = 0
    while done < inputs:
        async with bench_app(engine, "fuzz", ManualClock(START)) as app:
            probe = Probe(app)
            await probe.set_up()
            for _ in range(min(world, inputs - done)):
                who, typed = line(pick, commands)
                await probe.judge(who, typed)
            done += probe.tally.inputs
        for name in ("inputs", "accepted", "refused"):
            setattr(total, name, getattr(total, name) + getattr(probe.tally, name))
        total.internal.extend(probe.tally.internal)
        total.changed.extend(probe.tally.changed)
        print(
            f"  {engine}: {done}/{inputs} lines, {len(total.internal)} internal errors, "
            f"{len(total.changed)} changes after refusals",
            file=sys.stderr,
            flush=True,
        )
    return total, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="lines per engine")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--world", type=int, default=2_000, help="lines per fresh community")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # The core logs each internal error with its trace; the report shows the first few.
    logging.basicConfig(level=logging.CRITICAL)
    failed = False
    for engine in args.engines.split(","):
        tally, seconds = asyncio.run(campaign(engine, args.inputs, args.world, args.seed))
        print(f"{engine}: {report(tally)}")
        print(f"{engine}: {seconds:.0f} s, {tally.inputs / seconds:.0f} lines/s, seed {args.seed}")
        failed = failed or bool(tally.internal or tally.changed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
