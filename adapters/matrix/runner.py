"""`junto run` with a [matrix] table: storage, core, the bot, and due work, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

from adapters.config import Config, ConfigError
from adapters.matrix.client import LoginFailed, MatrixBot, TransportError

if TYPE_CHECKING:
    from adapters.matrix.config import MatrixConfig


async def run_matrix(config: Config) -> None:
    # Imported here: adapters.run imports this module when a config names [matrix].
    from adapters.run import build

    settings: MatrixConfig | None = config.matrix
    assert settings is not None
    app = await build(config.database_url, defaults=config.defaults, credentials=config.credentials)
    bot = MatrixBot(app.core, settings, jobs=app.jobs)
    stop = asyncio.Event()

    def shut_down() -> None:
        stop.set()
        bot.stop()

    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for number in signals:
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(number, shut_down)
    try:
        try:
            await bot.start()
        except LoginFailed as error:
            raise ConfigError(f"[matrix] {error}") from None
        except TransportError:
            return  # stopped before the homeserver could be reached
        served = ", ".join(bot.rooms.configured) or "no rooms yet"
        print(
            f"Junto is on Matrix as {settings.user_id} for the community "
            f"{settings.community!r}, serving {served}",
            file=sys.stderr,
            flush=True,
        )
        due = asyncio.ensure_future(bot.run_due_forever(stop))
        try:
            await bot.run(stop)
        finally:
            stop.set()
            await due
    finally:
        for number in signals:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(number)
        await bot.close()
        await app.engine.dispose()
