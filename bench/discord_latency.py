"""Discord interaction latency: 200 slash commands at once through the loopback fake.

For each engine (a SQLite file, and PostgreSQL in a fresh database) the bot runs
as in production, `junto run` in a process of its own with only `api_base`,
`gateway_url` and `token` set, against the fake in this process. After a warm-up
(profiles, circles, an event), 200 members send a burst of interactions back to
back: changes (joining a circle, answering an event, setting a profile) and
reads (circle info, event list, voucher balance). It prints, per engine, the
time from each INTERACTION_CREATE to its first callback (what Discord's 3-second
deadline counts): p50, p99 and max, how many were deferred, and any answered
late or twice; and the time to the full answer (the followup after a defer).
Times are read on the fake's side, so they include its own work.

    .venv/bin/python bench/discord_latency.py [--interactions 200] [--engines sqlite postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.adapters.discord.fake import FakeDiscord, FakeInteraction  # noqa: E402
from tests.support import fresh_database, postgres_reachable  # noqa: E402

CONTEXTS = ["Bournemouth, UK", "Lagos, Nigeria", "Lima, Peru", "Pune, India"]
CIRCLES = 4


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


async def _answered(fake: FakeDiscord, interaction: FakeInteraction) -> None:
    await fake.wait_for_callback(interaction, timeout=30)


async def _setup(fake: FakeDiscord, names: list[str]) -> str:
    """Members with profiles, circles, and an event the burst can answer."""
    lead = fake.user_ids[names[0]]
    for index, name in enumerate(names):
        interaction = await fake.send_slash_command(
            "profile set", {"context": CONTEXTS[index % len(CONTEXTS)]}, user_id=fake.user_ids[name]
        )
        await _answered(fake, interaction)
    for circle in range(CIRCLES):
        interaction = await fake.send_slash_command(
            "circle create",
            {"name": f"circle-{circle}", "topic": "Bench", "size": 500},
            user_id=lead,
        )
        await _answered(fake, interaction)
    interaction = await fake.send_slash_command(
        "event schedule",
        {"circle": "circle-0", "title": "Talk", "start": "2026-12-05 18:00", "duration": "1h"},
        user_id=lead,
    )
    await _answered(fake, interaction)
    # The event's number is the first after the circles' (numbers are per community).
    event = str(CIRCLES + 1)
    for name in names[1:]:
        interaction = await fake.send_slash_command(
            "circle join", {"name": "circle-0"}, user_id=fake.user_ids[name]
        )
        await _answered(fake, interaction)
    return event


def _burst(names: list[str], event: str) -> list[tuple[str, str, dict[str, Any]]]:
    mix: list[tuple[str, dict[str, Any]]] = [
        ("circle join", {"name": "circle-1"}),
        ("event rsvp", {"event": event, "answer": "going"}),
        ("profile set", {"offers": "tutoring"}),
        ("circle info", {"name": "circle-0"}),
        ("event list", {}),
        ("voucher balance", {}),
    ]
    return [(name, *mix[index % len(mix)]) for index, name in enumerate(names)]


def _complete(fake: FakeDiscord, interaction: FakeInteraction) -> float | None:
    """When the final answer arrived: the callback, or the followup after a defer."""
    callback = interaction.callbacks[0]
    if callback.type != 5:
        return callback.at
    followups = [r.at for r in fake.requests if interaction.token in r.path and r.status < 300]
    return max(followups) if followups else None


async def _settled(fake: FakeDiscord, sent: list[FakeInteraction]) -> None:
    """Every deferred interaction has its followup (its loading message is filled in,
    or gone for a private answer)."""

    def answered(i: FakeInteraction) -> bool:
        if i.followup_message_ids:
            return True
        message = fake.messages.get(i.original_message_id or 0)
        return message is not None and not message["flags"] & 128

    deferred = [i for i in sent if i.callbacks[0].type == 5]
    await fake.wait_until(
        lambda: all(answered(i) for i in deferred), timeout=60, what="the deferred answers"
    )


@contextlib.asynccontextmanager
async def database(engine: str, tmp: Path) -> AsyncIterator[str]:
    if engine == "sqlite":
        yield str(tmp / "bench.db")
        return
    async with fresh_database() as url:
        yield url


@contextlib.asynccontextmanager
async def bot_process(fake: FakeDiscord, url: str, tmp: Path) -> AsyncIterator[None]:
    """`junto run` in its own process, as in production: only Discord (here, the fake)
    shares nothing with it but the network."""
    config = tmp / "junto.toml"
    config.write_text(
        f"[storage]\nurl = '{url}'\n[discord]\napi_base = '{fake.api_base}'\n"
        f"gateway_url = '{fake.gateway_url}'\ntoken = '{fake.token}'\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        "--config",
        str(config),
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until(
            lambda: fake.global_commands and fake.identify_count, timeout=60, what="the bot"
        )
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        problems = [line for line in stderr.decode().splitlines() if "ERROR" in line]
        if problems:
            print("\n".join(problems[:10]))


async def run_engine(engine: str, count: int) -> str:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        async with FakeDiscord() as fake, database(engine, tmp) as url:
            names = [f"member{i}" for i in range(count)]
            for member in names:
                fake.add_user(member, guild_id=fake.guild_id)
            async with bot_process(fake, url, tmp):
                event = await _setup(fake, names)
                burst = _burst(names, event)
                # Built first, then dispatched back to back: the INTERACTION_CREATEs at once.
                datas = [
                    (fake.user_ids[member], fake.build_command_data(command, options))
                    for member, command, options in burst
                ]
                started = time.perf_counter()
                sent = [await fake.send_interaction(2, data, user_id=user) for user, data in datas]
                # One watcher for all: a waiter per interaction would load the fake itself.
                await fake.wait_until(
                    lambda: all(i.callbacks for i in sent), timeout=60, what="every callback"
                )
                await _settled(fake, sent)
                wall = time.perf_counter() - started
                latencies = [(i.callbacks[0].at - i.created_at) * 1000 for i in sent]
                complete = [((_complete(fake, i) or 0) - i.created_at) * 1000 for i in sent]
                deferred = sum(1 for i in sent if i.callbacks[0].type == 5)
                late = sum(1 for i in sent if i.rejected_callbacks)
                twice = sum(1 for i in sent if len(i.callbacks) > 1)
    return (
        f"{engine:<8} {count} interactions in {wall * 1000:5.0f} ms: first callback "
        f"p50 {statistics.median(latencies):6.1f} ms, p99 {percentile(latencies, 0.99):6.1f} ms, "
        f"max {max(latencies):6.1f} ms; deferred {deferred}, late {late}, answered twice {twice}"
        f"\n{'':<8} full answer (the followup, after a defer): "
        f"p50 {statistics.median(complete):6.1f} ms, p99 {percentile(complete, 0.99):6.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print("Discord latency, INTERACTION_CREATE -> first callback (target: p99 < 250 ms)")
    for engine in args.engines:
        if engine == "postgres" and (reason := await postgres_reachable()) is not None:
            print(f"postgres skipped: {reason}")
            continue
        print(await run_engine(engine, args.interactions))


if __name__ == "__main__":
    asyncio.run(main())
