"""A loopback fake of Discord's REST API and gateway for driving the real discord.py client.

``FakeDiscord`` is an aiohttp server on 127.0.0.1 (random port). Entering it also
points discord.py at the server by patching ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; leaving it restores both.
All state is plain Discord-shaped JSON kept in memory so tests can inspect it.

Typical use::

    async with FakeDiscord() as fake:
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        async with fake.run_client(client):
            interaction = await fake.send_slash_command("junto join", {"topic": "rust"})
            callback = await fake.wait_for_callback(interaction)

Sharding is honoured as far as a guild's events go only to the session whose
``[shard_id, num_shards]`` owns it (``(guild_id >> 22) % num_shards``).
It enforces what Discord documents and the adapter relies on, so a request real
Discord would refuse fails the test the same way: message limits (content, embeds
and their 6000-character total, components, file count and size), a per-channel
permission model (roles, channel overwrites, view/send/embed/attach/react/history,
manage events, manage channels, manage messages), the three-second first answer
and the fifteen-minute interaction token, the 100 scheduled-or-active events cap
and event field lengths, the 50-channel category and 500-channel guild caps,
per-route rate-limit buckets whose ``X-RateLimit-*`` headers let discord.py wait
before it is refused, unknown emoji, and events a bot can't see (a channel it
can't view sends it no reactions). Embed titles holding markup Discord would show
raw are recorded in ``raw_markup``. Deliberately out of scope: voice, threads,
presences, and the global rate limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import mimetypes
import re
import secrets
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import WSMsgType, web

__all__ = [
    "ApiError",
    "CallbackAttempt",
    "FailureRule",
    "FakeDiscord",
    "FakeInteraction",
    "GatewayConnection",
    "Intents",
    "RateLimitRule",
    "RecordedRequest",
    "UploadedFile",
]

Json = dict[str, Any]
T = TypeVar("T")

API_VERSION: Final = 10
DISCORD_EPOCH_MS: Final = 1_420_070_400_000

# Discord closes an interaction after three seconds without an initial response.
DEFAULT_INTERACTION_DEADLINE: Final = 3.0
WAIT_POLL_INTERVAL: Final = 0.02

ADMINISTRATOR: Final = 1 << 3
ALL_PERMISSIONS: Final = (1 << 51) - 1
EVERYONE_PERMISSIONS: Final = (
    (1 << 0)  # create instant invite
    | (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 20)  # connect
    | (1 << 21)  # speak
    | (1 << 26)  # change nickname
    | (1 << 31)  # use application commands
)
BOT_ROLE_PERMISSIONS: Final = (
    EVERYONE_PERMISSIONS
    | (1 << 4)  # manage channels
    | (1 << 13)  # manage messages
    | (1 << 28)  # manage roles
    | (1 << 33)  # manage events
    | (1 << 44)  # create events
)

DM_PERMISSIONS: Final = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
)

EPHEMERAL: Final = 1 << 6
LOADING: Final = 1 << 7


class Permission:
    """Permission bits the fake checks (Discord's "Permissions" topic)."""

    MANAGE_CHANNELS: Final = 1 << 4
    MANAGE_GUILD: Final = 1 << 5
    ADD_REACTIONS: Final = 1 << 6
    VIEW_CHANNEL: Final = 1 << 10
    SEND_MESSAGES: Final = 1 << 11
    SEND_TTS: Final = 1 << 12
    MANAGE_MESSAGES: Final = 1 << 13
    EMBED_LINKS: Final = 1 << 14
    ATTACH_FILES: Final = 1 << 15
    READ_MESSAGE_HISTORY: Final = 1 << 16
    MENTION_EVERYONE: Final = 1 << 17
    MANAGE_EVENTS: Final = 1 << 33
    CREATE_EVENTS: Final = 1 << 44


# Discord's documented limits.
MAX_CONTENT: Final = 2000
MAX_EMBEDS: Final = 10
MAX_EMBED_TITLE: Final = 256
MAX_EMBED_DESCRIPTION: Final = 4096
MAX_EMBED_FIELDS: Final = 25
MAX_FIELD_NAME: Final = 256
MAX_FIELD_VALUE: Final = 1024
MAX_FOOTER: Final = 2048
MAX_AUTHOR: Final = 256
MAX_EMBEDS_TOTAL: Final = 6000
MAX_ACTION_ROWS: Final = 5
MAX_ROW_BUTTONS: Final = 5
MAX_CUSTOM_ID: Final = 100
MAX_BUTTON_LABEL: Final = 80
MAX_FILES: Final = 10
DEFAULT_UPLOAD_LIMIT: Final = 10 * 1024 * 1024
MAX_REACTIONS: Final = 20
MAX_SCHEDULED_EVENTS: Final = 100
MAX_EVENT_NAME: Final = 100
MAX_EVENT_DESCRIPTION: Final = 1000
MAX_EVENT_LOCATION: Final = 100
MAX_CATEGORY_CHANNELS: Final = 50
MAX_GUILD_CHANNELS: Final = 500
INTERACTION_TOKEN_LIFE: Final = 15 * 60.0
# Every route's bucket unless a test sets one: roomy, so only bursts meet it.
DEFAULT_BUCKET: Final = (50, 1.0)
# Markup Discord renders in content and descriptions but shows as typed in a title.
_TITLE_MARKUP = re.compile(
    r"<(?:t:-?\d+|@[!&]?\d+|#\d+|a?:\w+:\d+)|\*\*|__|~~|\|\||`|\[[^\]]+\]\(https?://"
)


class Intents:
    """Gateway intent bits the fake uses to decide which events a session receives."""

    GUILDS: Final = 1 << 0
    GUILD_MEMBERS: Final = 1 << 1
    GUILD_PRESENCES: Final = 1 << 8
    GUILD_MESSAGES: Final = 1 << 9
    GUILD_MESSAGE_REACTIONS: Final = 1 << 10
    DIRECT_MESSAGES: Final = 1 << 12
    DIRECT_MESSAGE_REACTIONS: Final = 1 << 13
    MESSAGE_CONTENT: Final = 1 << 15
    GUILD_SCHEDULED_EVENTS: Final = 1 << 16
    PRIVILEGED: Final = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class ApiError(Exception):
    """An error response in Discord's JSON error shape."""

    def __init__(
        self, status: int, code: int, message: str, errors: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = dict(errors) if errors else None

    def body(self) -> Json:
        body: Json = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def _not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def _invalid_form(path: Sequence[str | int], error_code: str, message: str) -> ApiError:
    # Discord nests field errors by JSON path, ending in an ``_errors`` list.
    errors: Json = {"_errors": [{"code": error_code, "message": message}]}
    for key in reversed(path):
        errors = {str(key): errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data request (``files[n]``)."""

    field_name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it; ``at`` is ``loop.time()`` on arrival."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    at: float
    reason: str | None = None
    route: str | None = None
    status: int = 0


@dataclass
class RateLimitRule:
    """Pending 429 answers for requests matching ``method`` and ``pattern``."""

    method: str
    pattern: re.Pattern[str]
    retry_after: float
    is_global: bool
    scope: str
    remaining: int
    hits: list[float] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method == method and bool(self.pattern.search(path))


@dataclass
class FailureRule:
    """Pending error answers (a 503, say) for requests matching ``method`` and ``pattern``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    body: Json | None = None
    hits: list[float] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method == method and bool(self.pattern.search(path))


@dataclass
class _Bucket:
    limit: int
    per: float
    count: int = 0
    reset_at: float = 0.0


@dataclass
class CallbackAttempt:
    """One POST to an interaction's callback route, accepted or not."""

    interaction_id: int
    type: int | None
    data: Json | None
    status: int
    error_code: int | None
    at: float
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status < 300


@dataclass
class FakeInteraction:
    """An interaction the fake created, and everything the bot did with it."""

    id: int
    token: str
    type: int
    payload: Json
    created_at: float
    deliveries: int = 1
    attempts: list[CallbackAttempt] = field(default_factory=list)
    original_message_id: int | None = None
    followup_message_ids: list[int] = field(default_factory=list)
    component_message_id: int | None = None
    # A deferred (type 5) response leaves a loading message that the first
    # followup replaces instead of posting a new message.
    loading: bool = False

    @property
    def callbacks(self) -> list[CallbackAttempt]:
        return [attempt for attempt in self.attempts if attempt.accepted]

    @property
    def rejected_callbacks(self) -> list[CallbackAttempt]:
        return [attempt for attempt in self.attempts if not attempt.accepted]

    @property
    def acknowledged(self) -> bool:
        return any(attempt.accepted for attempt in self.attempts)


@dataclass
class GatewayConnection:
    """One websocket connection to the fake gateway.

    ``close_code`` is the code of whichever side closed first.
    """

    path: str
    query: dict[str, str]
    opened_at: float
    closed_at: float | None = None
    close_code: int | None = None
    session_id: str | None = None
    resumed: bool = False
    replayed: int = 0

    @property
    def compress(self) -> str | None:
        return self.query.get("compress")


class _Conn:
    """A live gateway websocket plus its transport-compression state."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        info: GatewayConnection,
        transport: asyncio.BaseTransport | None,
    ) -> None:
        self.ws = ws
        self.info = info
        self.transport = transport
        self.compressor: Any = zlib.compressobj() if info.compress == "zlib-stream" else None
        self.lock = asyncio.Lock()
        self.session: _Session | None = None
        self.closing = False
        self.closed = asyncio.Event()

    async def send(self, payload: Json) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        # The lock keeps the shared zlib stream and frame order consistent when
        # the handler task and injected events write at the same time.
        async with self.lock:
            if self.ws.closed:
                return
            try:
                if self.compressor is None:
                    await self.ws.send_str(text)
                else:
                    data = self.compressor.compress(text.encode())
                    data += self.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
            except (ConnectionError, RuntimeError):
                # A dropped socket loses the frame; the session history still
                # has it for a RESUME.
                pass

    async def close(self, code: int, message: str) -> None:
        if self.closing:
            return
        self.closing = True
        self.info.close_code = code
        try:
            await self.ws.close(code=code, message=message.encode())
        finally:
            self.closed.set()


@dataclass
class _Session:
    session_id: str
    intents: int
    token: str
    seq: int = 0
    history: list[Json] = field(default_factory=list)
    conn: _Conn | None = None
    invalid: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    shard: tuple[int, int] | None = None

    def owns(self, guild_id: Any) -> bool:
        if self.shard is None or guild_id is None:
            return True
        shard_id, count = self.shard
        return (int(guild_id) >> 22) % count == shard_id


@dataclass
class _Call:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    request: web.Request

    def id(self, name: str) -> int:
        return int(self.params[name])

    def body(self) -> Json:
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise _invalid_form(
                [], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
            )
        return self.json


_Result = tuple[int, Any]
_Handler = Callable[[_Call], Awaitable[_Result]]


@dataclass
class _Route:
    method: str
    template: str
    handler: _Handler
    auth: bool
    pattern: re.Pattern[str] = field(init=False)
    bucket: str = field(init=False)

    def __post_init__(self) -> None:
        regex = ""
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", self.template):
            regex += re.escape(literal)
            if name:
                # Snowflake parameters only match digits so that literal
                # segments such as ``@me`` pick the right route.
                part = r"\d+" if name.endswith("_id") else r"[^/]+"
                regex += f"(?P<{name}>{part})"
        self.pattern = re.compile(f"^{regex}$")
        self.bucket = hashlib.sha1(f"{self.method} {self.template}".encode()).hexdigest()[:16]


def _clone(data: T) -> T:
    """A deep copy of JSON-shaped data; a JSON round trip is several times quicker than
    copy.deepcopy, and the fake copies every message it renders."""
    copied: T = json.loads(json.dumps(data))
    return copied


def _json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # discord.py only parses bodies whose Content-Type is exactly
    # "application/json"; aiohttp's json_response would append a charset.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _parse_time(value: Any, path: Sequence[str | int]) -> datetime:
    if not isinstance(value, str):
        raise _invalid_form(path, "BASE_TYPE_REQUIRED", "This field is required")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid_form(path, "DATE_TIME_TYPE_PARSE", "Could not parse date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _walk_components(components: Iterable[Json]) -> Iterable[Json]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        for key in ("component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from _walk_components([child])


def _emoji_key(emoji: str) -> str:
    # Custom emoji travel as ``name:id`` (or ``a:name:id``/``<:name:id>`` from
    # callers); unicode emoji are used verbatim.
    stripped = emoji.strip("<>")
    parts = stripped.split(":")
    if len(parts) >= 2 and parts[-1].isdigit():
        return f"{parts[-2]}:{parts[-1]}"
    return emoji


def _partial_emoji(key: str, animated: bool = False) -> Json:
    name, sep, emoji_id = key.rpartition(":")
    if sep and emoji_id.isdigit():
        return {"id": emoji_id, "name": name, "animated": animated}
    return {"id": None, "name": key}


class FakeDiscord:
    """In-memory Discord: REST routes, a gateway, and helpers to inject user actions.

    The default world has one guild (``guild_id``) owned by ``owner_id`` with a
    category, a text channel (``general_channel_id``), a voice channel
    (``voice_channel_id``), the bot (``bot_id``, also ``application_id``) and two
    members, ``user_ids["alice"]`` and ``user_ids["bob"]``. Add more with
    ``add_user``/``add_guild``/``add_channel``/``add_role`` before the client
    connects.

    Close every client before leaving the ``async with`` block (``run_client``
    does): a client still connected at shutdown keeps trying to reconnect.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "Junto",
        heartbeat_interval_ms: int = 1_000,
        interaction_deadline: float | None = DEFAULT_INTERACTION_DEADLINE,
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        # When False, IDENTIFY with a privileged intent is refused with close
        # code 4014, as for an application whose portal toggles are off.
        self.privileged_intents_enabled = True

        self._last_id = 0
        self.users: dict[int, Json] = {}
        self.guilds: dict[int, Json] = {}
        self.roles: dict[int, dict[int, Json]] = {}
        self.channels: dict[int, Json] = {}
        self.members: dict[tuple[int, int], Json] = {}
        self.messages: dict[int, Json] = {}
        self.reactions: dict[tuple[int, str], list[int]] = {}
        self.attachment_data: dict[int, bytes] = {}
        self.scheduled_events: dict[int, Json] = {}
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self._by_token: dict[str, FakeInteraction] = {}
        self.callbacks: list[CallbackAttempt] = []
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[tuple[str, str]] = []
        self.rate_limit_rules: list[RateLimitRule] = []
        self.failure_rules: list[FailureRule] = []
        # Embed titles holding markup Discord shows raw: (message id, title).
        self.raw_markup: list[tuple[int, str]] = []
        # The most a file may weigh (the interaction's attachment_size_limit too).
        self.upload_limit = DEFAULT_UPLOAD_LIMIT
        self.interaction_token_life = INTERACTION_TOKEN_LIFE
        # Rate-limit buckets: a route template -> (requests, per seconds); others get
        # DEFAULT_BUCKET. Each top-level resource (channel, guild, webhook) has its own.
        self.bucket_limits: dict[str, tuple[int, float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        # 429s a bucket gave (not those asked for with rate_limit_next).
        self.bucket_refusals: list[RecordedRequest] = []
        # Super reactions, kept apart from normal ones as Discord counts them.
        self.burst_reactions: dict[tuple[int, str], list[int]] = {}
        self.gateway_connections: list[GatewayConnection] = []
        self.gateway_received: list[Json] = []
        self.suppressed_events: list[tuple[str, Json]] = []
        self.presence: Json | None = None
        # Users who accept no direct messages from the bot (privacy settings): the
        # DM channel opens, but sending to it fails with 50007 as on Discord.
        self.dms_closed: set[int] = set()
        # Discord's idea of now, for rules such as "events start in the future"; a test
        # on a fixed clock hands it that clock.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.identify_count = 0
        self.resume_count = 0

        self._sessions: dict[str, _Session] = {}
        self._conns: set[_Conn] = set()
        self._changed = asyncio.Event()
        self._background: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._saved_urls: list[tuple[str, yarl.URL]] = []
        self._routes = self._build_routes()

        self.user_ids: dict[str, int] = {}
        self.bot_id = self.add_user(bot_name, bot=True)
        self.application_id = self.bot_id
        self.owner_id = self.add_user("guildowner")
        self.guild_id = self.add_guild("Junto Test Guild", owner_id=self.owner_id)
        channels = [c for c in self.channels.values() if c.get("guild_id") == str(self.guild_id)]
        self.category_id = next(int(c["id"]) for c in channels if c["type"] == 4)
        self.general_channel_id = next(int(c["id"]) for c in channels if c["type"] == 0)
        self.voice_channel_id = next(int(c["id"]) for c in channels if c["type"] == 2)
        self.bot_role_id = next(
            role_id
            for role_id, role in self.roles[self.guild_id].items()
            if role.get("tags", {}).get("bot_id") == str(self.bot_id)
        )
        for name in ("alice", "bob"):
            self.add_user(name, guild_id=self.guild_id)

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/resume", self._gateway_handler)
        app.router.add_route("*", "/api/v{version:\\d+}/{tail:.*}", self._rest_handler)
        app.router.add_route("*", "/{tail:.*}", self._rest_handler)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        self._saved_urls.append(
            (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        )
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            for conn in list(self._conns):
                await conn.close(1001, "fake discord shutting down")
            for task in list(self._background):
                task.cancel()
            if self._runner is not None:
                await self._runner.cleanup()
        finally:
            self._runner = None
            if self._saved_urls:
                base, gateway = self._saved_urls.pop()
                discord.http.Route.BASE = base
                discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord is not running; use 'async with FakeDiscord()'")
        return self._port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    @contextlib.asynccontextmanager
    async def run_client(
        self,
        client: discord.Client,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> AsyncIterator[discord.Client]:
        """Start ``client`` against the fake, wait for on_ready, and close it afterwards.

        Pass ``guild_ready_timeout`` (e.g. 0.05) to the client: discord.py waits
        that long after the last GUILD_CREATE before dispatching on_ready.
        """
        runner = asyncio.create_task(client.start(self.token), name="fake-discord-client")
        ready = asyncio.create_task(client.wait_until_ready())
        started = False
        try:
            done, _ = await asyncio.wait(
                {runner, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if runner in done:
                runner.result()
                raise RuntimeError("discord client stopped before becoming ready")
            if ready not in done:
                raise TimeoutError(f"discord client not ready within {timeout} s")
            started = True
            yield client
        finally:
            ready.cancel()
            await client.close()
            if not runner.done():
                # start() returns on its own once close() has run.
                await asyncio.wait_for(runner, timeout=timeout)
            elif started and not runner.cancelled() and (error := runner.exception()):
                raise error

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # Timeouts are parameters (not left to asyncio.timeout at the call site) so
    # the TimeoutError can say what was being waited for.
    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float = 2.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> T:
        """Wait until ``predicate()`` is truthy and return its value."""
        try:
            async with asyncio.timeout(timeout):
                result = predicate()
                while not result:
                    # Fake-side changes wake us at once; the short poll covers
                    # predicates on client-side state the fake cannot see.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), WAIT_POLL_INTERVAL)
                    result = predicate()
                return result
        except TimeoutError:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}") from None

    async def wait_for_callback(
        self,
        interaction: FakeInteraction | int,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> CallbackAttempt:
        """The first accepted callback of ``interaction``."""
        interaction_id = interaction if isinstance(interaction, int) else interaction.id
        record = self.interactions[interaction_id]

        def first() -> CallbackAttempt | None:
            return record.callbacks[0] if record.callbacks else None

        return await self.wait_until(
            first, timeout=timeout, what=f"a callback for interaction {interaction_id}"
        )

    async def wait_for_answer(
        self,
        interaction: FakeInteraction,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> Json:
        """What the member finally reads: the data of an immediate answer (type 4), or,
        after a deferral, the message that replaced "thinking…" (the loading message
        filled in, or a followup of its own)."""
        callback = await self.wait_for_callback(interaction, timeout=timeout)
        if callback.type != 5:
            return dict(callback.data or {})

        def final() -> Json | None:
            for message_id in reversed(interaction.followup_message_ids):
                if message_id in self.messages:
                    return self.render_message(message_id)
            original = interaction.original_message_id
            if original in self.messages and not self.messages[original or 0]["flags"] & LOADING:
                return self.render_message(original or 0)
            return None

        return await self.wait_until(
            final, timeout=timeout, what=f"the answer to interaction {interaction.id}"
        )

    async def wait_for_identify(self, timeout: float = 2.0) -> None:  # noqa: ASYNC109
        await self.wait_until(lambda: self.identify_count > 0, timeout=timeout, what="IDENTIFY")

    @property
    def received_ops(self) -> list[int]:
        """Gateway opcodes sent by clients, in order."""
        return [int(payload.get("op", -1)) for payload in self.gateway_received]

    # ------------------------------------------------------------------ world building

    def _next_id(self) -> int:
        # Real-looking snowflakes matter: discord.py derives timestamps (and
        # delete sub-rate-limit buckets) from them.
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(candidate, self._last_id + 1)
        return self._last_id

    def add_user(
        self,
        username: str,
        *,
        bot: bool = False,
        guild_id: int | None = None,
        roles: Sequence[int] = (),
        nick: str | None = None,
    ) -> int:
        user_id = self._next_id()
        user: Json = {
            "id": str(user_id),
            "username": username,
            "discriminator": "0",
            "global_name": None if bot else username.title(),
            "avatar": None,
            "bot": bot,
            "system": False,
            "public_flags": 0,
        }
        if bot:
            user.update(verified=True, mfa_enabled=False, flags=0)
        self.users[user_id] = user
        if not bot:
            self.user_ids[username] = user_id
        if guild_id is not None:
            self.add_member(guild_id, user_id, roles=roles, nick=nick)
        return user_id

    def add_member(
        self, guild_id: int, user_id: int, *, roles: Sequence[int] = (), nick: str | None = None
    ) -> None:
        self.members[(guild_id, user_id)] = {
            "roles": [str(role) for role in roles],
            "nick": nick,
            "avatar": None,
            "banner": None,
            "joined_at": _now_iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def add_role(
        self,
        guild_id: int,
        name: str,
        *,
        permissions: int = 0,
        role_id: int | None = None,
        tags: Json | None = None,
    ) -> int:
        role_id = role_id if role_id is not None else self._next_id()
        roles = self.roles.setdefault(guild_id, {})
        role: Json = {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": len(roles),
            "permissions": str(permissions),
            "managed": tags is not None,
            "mentionable": False,
            "flags": 0,
        }
        if tags is not None:
            role["tags"] = tags
        roles[role_id] = role
        return role_id

    def add_channel(
        self, guild_id: int, name: str, *, type: int = 0, parent_id: int | None = None
    ) -> int:
        channel_id = self._next_id()
        self.channels[channel_id] = self._guild_channel(channel_id, guild_id, name, type, parent_id)
        return channel_id

    def _guild_channel(
        self, channel_id: int, guild_id: int, name: str, type: int, parent_id: int | None
    ) -> Json:
        position = sum(1 for c in self.channels.values() if c.get("guild_id") == str(guild_id))
        channel: Json = {
            "id": str(channel_id),
            "type": type,
            "guild_id": str(guild_id),
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "parent_id": str(parent_id) if parent_id is not None else None,
            "nsfw": False,
            "flags": 0,
        }
        if type in (0, 5):
            channel.update(topic=None, last_message_id=None, rate_limit_per_user=0)
        elif type in (2, 13):
            channel.update(bitrate=64_000, user_limit=0, rtc_region=None, last_message_id=None)
        return channel

    def add_guild(self, name: str, *, owner_id: int | None = None) -> int:
        """A guild with @everyone, the bot's managed role, a category, #general and a voice room."""
        guild_id = self._next_id()
        owner_id = owner_id if owner_id is not None else self.owner_id
        self.guilds[guild_id] = {
            "id": str(guild_id),
            "name": name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "emojis": [],
            "stickers": [],
        }
        self.add_role(guild_id, "@everyone", permissions=EVERYONE_PERMISSIONS, role_id=guild_id)
        bot_name = self.users[self.bot_id]["username"]
        bot_role = self.add_role(
            guild_id, bot_name, permissions=BOT_ROLE_PERMISSIONS, tags={"bot_id": str(self.bot_id)}
        )
        category = self.add_channel(guild_id, "Text Channels", type=4)
        general = self.add_channel(guild_id, "general", type=0, parent_id=category)
        self.add_channel(guild_id, "Study Room", type=2, parent_id=category)
        self.guilds[guild_id]["system_channel_id"] = str(general)
        self.add_member(guild_id, owner_id)
        self.add_member(guild_id, self.bot_id, roles=[bot_role])
        return guild_id

    # ------------------------------------------------------------------ rendering

    def user(self, user_id: int) -> Json:
        try:
            return _clone(self.users[user_id])
        except KeyError:
            raise _not_found(10013, "User") from None

    def member(self, guild_id: int, user_id: int, *, with_user: bool = True) -> Json:
        try:
            member = _clone(self.members[(guild_id, user_id)])
        except KeyError:
            raise _not_found(10007, "Member") from None
        if with_user:
            member["user"] = self.user(user_id)
        return member

    def permissions(self, guild_id: int, user_id: int) -> int:
        if str(user_id) == self.guilds[guild_id]["owner_id"]:
            return ALL_PERMISSIONS
        roles = self.roles[guild_id]
        value = int(roles[guild_id]["permissions"])
        for role_id in self.members[(guild_id, user_id)]["roles"]:
            role = roles.get(int(role_id))
            if role is not None:
                value |= int(role["permissions"])
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def channel_permissions(self, channel_id: int, user_id: int) -> int:
        """A user's permissions in a channel, worked out in Discord's order: the guild's
        roles, then the channel's overwrites for @everyone, for the user's roles, and
        for the user. Without View Channel nothing else counts; without Send Messages
        neither do embeds, files or mentioning everyone."""
        channel = self._channel(channel_id)
        if channel.get("guild_id") is None:
            return DM_PERMISSIONS
        guild_id = int(channel["guild_id"])
        value = self.permissions(guild_id, user_id)
        if value == ALL_PERMISSIONS:
            return value
        overwrites = {str(o["id"]): o for o in channel.get("permission_overwrites") or []}

        def apply(value: int, overwrite: Json | None) -> int:
            if overwrite is None:
                return value
            return (value & ~int(overwrite.get("deny", 0))) | int(overwrite.get("allow", 0))

        value = apply(value, overwrites.get(str(guild_id)))
        allow = deny = 0
        for role_id in self.members[(guild_id, user_id)]["roles"]:
            overwrite = overwrites.get(str(role_id))
            if overwrite is not None and int(overwrite.get("type", 0)) == 0:
                allow |= int(overwrite.get("allow", 0))
                deny |= int(overwrite.get("deny", 0))
        value = (value & ~deny) | allow
        member = overwrites.get(str(user_id))
        if member is not None and int(member.get("type", 0)) == 1:
            value = apply(value, member)
        if not value & Permission.VIEW_CHANNEL:
            return 0
        if not value & Permission.SEND_MESSAGES:
            value &= ~(
                Permission.EMBED_LINKS
                | Permission.ATTACH_FILES
                | Permission.MENTION_EVERYONE
                | Permission.SEND_TTS
            )
        return value

    def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set a channel's permission overwrite for a role or a member (before the
        client connects; afterwards use ``update_overwrite`` so it hears of it)."""
        channel = self._channel(channel_id)
        guild_id = int(channel["guild_id"])
        kind = 0 if target_id in self.roles.get(guild_id, {}) else 1
        kept = [o for o in channel["permission_overwrites"] if o["id"] != str(target_id)]
        kept.append({"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)})
        channel["permission_overwrites"] = kept

    def deny_bot(self, channel_id: int, permissions: int) -> None:
        """Take permissions from the bot in one channel, as an admin's overwrite does."""
        self.set_overwrite(channel_id, self.bot_id, deny=permissions)

    async def update_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> None:
        self.set_overwrite(channel_id, target_id, allow=allow, deny=deny)
        await self._broadcast("CHANNEL_UPDATE", _clone(self.channels[channel_id]), Intents.GUILDS)

    def bot_sees(self, channel_id: int) -> bool:
        """Whether the bot can view a channel: Discord sends it nothing from one it can't."""
        return bool(self.channel_permissions(channel_id, self.bot_id) & Permission.VIEW_CHANNEL)

    def _require(self, channel_id: int, *needed: int) -> None:
        """Refuse as Discord does: 50001 without View Channel, 50013 for anything else."""
        have = self.channel_permissions(channel_id, self.bot_id)
        if not have & Permission.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        for bit in needed:
            if not have & bit:
                raise ApiError(403, 50013, "Missing Permissions")

    def _require_guild(self, guild_id: int, *any_of: int) -> None:
        """A guild-wide permission (Manage Channels, Manage Events): one of `any_of`."""
        have = self.permissions(guild_id, self.bot_id)
        if not any(have & bit for bit in any_of):
            raise ApiError(403, 50013, "Missing Permissions")

    def _guild_create(self, guild_id: int) -> Json:
        guild = _clone(self.guilds[guild_id])
        channels = []
        for channel in self.channels.values():
            if channel.get("guild_id") == str(guild_id):
                rendered = _clone(channel)
                # GUILD_CREATE channels omit guild_id; the client fills it in.
                rendered.pop("guild_id")
                channels.append(rendered)
        member_count = sum(1 for gid, _ in self.members if gid == guild_id)
        guild.update(
            roles=[_clone(role) for role in self.roles[guild_id].values()],
            joined_at=self.members[(guild_id, self.bot_id)]["joined_at"],
            large=member_count >= 250,
            unavailable=False,
            member_count=member_count,
            voice_states=[],
            # Without presences Discord only sends the bot's own member here;
            # everyone else arrives through member chunking or events.
            members=[self.member(guild_id, self.bot_id)],
            channels=channels,
            threads=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[
                _clone(event)
                for event in self.scheduled_events.values()
                if event["guild_id"] == str(guild_id)
            ],
            soundboard_sounds=[],
        )
        return guild

    def _rest_guild(self, guild_id: int) -> Json:
        guild = _clone(self.guilds[guild_id])
        guild["roles"] = [_clone(role) for role in self.roles[guild_id].values()]
        return guild

    def render_message(self, message_id: int) -> Json:
        """A stored message as REST returns it, including the reaction summary."""
        try:
            message = _clone(self.messages[message_id])
        except KeyError:
            raise _not_found(10008, "Message") from None
        reactions = []
        keys = [
            k
            for (mid, k), u in [*self.reactions.items(), *self.burst_reactions.items()]
            if mid == message_id and u
        ]
        for key in dict.fromkeys(keys):
            users = self.reactions.get((message_id, key), [])
            bursts = self.burst_reactions.get((message_id, key), [])
            reactions.append(
                {
                    "count": len(users) + len(bursts),
                    "count_details": {"burst": len(bursts), "normal": len(users)},
                    "me": self.bot_id in users,
                    "me_burst": self.bot_id in bursts,
                    "burst_colors": ["#ff0000"] if bursts else [],
                    "emoji": _partial_emoji(key),
                }
            )
        if reactions:
            message["reactions"] = reactions
        return message

    def messages_in(self, channel_id: int) -> list[Json]:
        """Messages stored for a channel, oldest first."""
        return [
            self.render_message(mid)
            for mid in sorted(self.messages)
            if self.messages[mid]["channel_id"] == str(channel_id)
        ]

    @property
    def commands(self) -> list[Json]:
        """Every registered application command, global ones first."""
        result = [_clone(c) for c in self.global_commands]
        for commands in self.guild_commands.values():
            result.extend(_clone(c) for c in commands)
        return result

    def _channel(self, channel_id: int) -> Json:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise _not_found(10003, "Channel") from None

    def _guild(self, guild_id: int) -> Json:
        if guild_id not in self.guilds:
            raise _not_found(10004, "Guild")
        return self.guilds[guild_id]

    def _channel_guild(self, channel_id: int) -> int | None:
        guild_id = self._channel(channel_id).get("guild_id")
        return int(guild_id) if guild_id else None

    def _message_in(self, channel_id: int, message_id: int) -> Json:
        self._channel(channel_id)
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != str(channel_id):
            raise _not_found(10008, "Message")
        return message

    def _dm_channel(self, user_id: int) -> int:
        for channel_id, channel in self.channels.items():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == str(user_id):
                return channel_id
        channel_id = self._next_id()
        self.channels[channel_id] = {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [self.user(user_id)],
        }
        return channel_id

    # ------------------------------------------------------------------ gateway

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        loop = asyncio.get_running_loop()
        info = GatewayConnection(
            path=request.path, query=dict(request.query), opened_at=loop.time()
        )
        self.gateway_connections.append(info)
        conn = _Conn(ws, info, request.transport)
        self._conns.add(conn)
        self._notify()
        try:
            await conn.send(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake"]},
                    "s": None,
                    "t": None,
                }
            )
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_gateway_frame(conn, message.data)
                elif message.type is WSMsgType.BINARY:
                    await conn.close(4002, "Decode error")
        finally:
            if conn.closing:
                await conn.closed.wait()
            info.closed_at = loop.time()
            if not conn.closing:
                info.close_code = ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # A client that closes with 1000/1001 ends its session for good.
                if not conn.closing and ws.close_code in (1000, 1001):
                    session.invalid = True
            self._conns.discard(conn)
            self._notify()
        return ws

    async def _on_gateway_frame(self, conn: _Conn, text: str) -> None:
        try:
            payload = json.loads(text)
        except ValueError:
            await conn.close(4002, "Decode error")
            return
        if not isinstance(payload, dict):
            await conn.close(4002, "Decode error")
            return
        self.gateway_received.append(payload)
        self._notify()
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data if isinstance(data, dict) else {})
        elif op == 6:
            await self._resume(conn, data if isinstance(data, dict) else {})
        elif conn.session is None:
            await conn.close(4003, "Not authenticated")
        elif op == 3:
            self.presence = data
        elif op == 8:
            await self._request_members(conn, data if isinstance(data, dict) else {})
        elif op == 4:
            pass  # voice state updates are accepted and ignored
        else:
            await conn.close(4001, "Unknown opcode")

    def _token_ok(self, token: Any) -> bool:
        return isinstance(token, str) and token.removeprefix("Bot ") == self.token

    async def _identify(self, conn: _Conn, data: Json) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated")
            return
        if not self._token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await conn.close(4013, "Invalid intent(s)")
            return
        if intents & Intents.PRIVILEGED and not self.privileged_intents_enabled:
            await conn.close(4014, "Disallowed intent(s)")
            return
        session = _Session(session_id=secrets.token_hex(16), intents=intents, token=self.token)
        shard = data.get("shard")
        if shard is not None:
            valid = isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]
            if not valid:
                await conn.close(4010, "Invalid shard")
                return
            session.shard = (int(shard[0]), int(shard[1]))
        self._sessions[session.session_id] = session
        session.conn = conn
        conn.session = session
        conn.info.session_id = session.session_id
        self.identify_count += 1
        bot_guilds = [
            gid for gid in self.guilds if (gid, self.bot_id) in self.members and session.owns(gid)
        ]
        ready = {
            "v": API_VERSION,
            "user": self.user(self.bot_id),
            "guilds": [{"id": str(gid), "unavailable": True} for gid in bot_guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        async with session.lock:
            await self._send_dispatch(session, "READY", ready)
            for gid in bot_guilds:
                await self._send_dispatch(session, "GUILD_CREATE", self._guild_create(gid))
        self._notify()

    async def _resume(self, conn: _Conn, data: Json) -> None:
        self.resume_count += 1
        session = self._sessions.get(str(data.get("session_id")))
        if session is None or session.invalid or not self._token_ok(data.get("token")):
            # d=false tells the client to start over with a fresh IDENTIFY.
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        seq = data.get("seq") if isinstance(data.get("seq"), int) else 0
        async with session.lock:
            old = session.conn
            if old is not None and old is not conn:
                self._spawn(old.close(4009, "Session resumed elsewhere"))
            session.conn = conn
            conn.session = session
            conn.info.session_id = session.session_id
            conn.info.resumed = True
            for frame in session.history:
                if frame["s"] > seq:
                    await conn.send(frame)
                    conn.info.replayed += 1
            session.seq += 1
            await conn.send({"op": 0, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["fake"]}})
        self._notify()

    async def _request_members(self, conn: _Conn, data: Json) -> None:
        session = conn.session
        assert session is not None
        raw_guild = data.get("guild_id")
        guild_ids = raw_guild if isinstance(raw_guild, list) else [raw_guild]
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0)
        wanted = {int(uid) for uid in data.get("user_ids") or []}
        for raw in guild_ids:
            guild_id = int(str(raw))
            members = []
            for gid, uid in self.members:
                if gid != guild_id or (wanted and uid not in wanted):
                    continue
                member = self.member(gid, uid)
                names = (member["user"]["username"], member.get("nick") or "")
                if query and not any(name.lower().startswith(query) for name in names):
                    continue
                members.append(member)
            if limit:
                members = members[:limit]
            chunk: Json = {
                "guild_id": str(guild_id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [str(uid) for uid in wanted if (guild_id, uid) not in self.members],
            }
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            async with session.lock:
                await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: _Session, event: str, data: Json) -> None:
        # Callers hold session.lock so sequence numbers go out in order.
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.history.append(frame)
        if session.conn is not None:
            await session.conn.send(frame)

    def _live_sessions(self) -> list[_Session]:
        return [session for session in self._sessions.values() if not session.invalid]

    async def dispatch(
        self,
        event: str,
        data: Json | Callable[[int], Json],
        *,
        intent: int | None = None,
        require_session: bool = True,
    ) -> int:
        """Send a DISPATCH event to every live session; returns how many got it.

        Sessions whose socket is down get it on RESUME. ``data`` may be a
        function of the session's intents. Sessions lacking ``intent`` are
        skipped and the event is recorded in ``suppressed_events``.
        """
        sessions = self._live_sessions()
        if require_session and not sessions:
            raise RuntimeError(f"cannot dispatch {event}: no client has identified")
        delivered = 0
        for session in sessions:
            payload = data(session.intents) if callable(data) else _clone(data)
            if isinstance(payload, dict) and not session.owns(payload.get("guild_id")):
                continue
            if intent is not None and not session.intents & intent:
                self.suppressed_events.append((event, payload))
                continue
            async with session.lock:
                await self._send_dispatch(session, event, payload)
            delivered += 1
        self._notify()
        return delivered

    async def _broadcast(
        self, event: str, data: Json | Callable[[int], Json], intent: int | None = None
    ) -> None:
        await self.dispatch(event, data, intent=intent, require_session=False)

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Close every gateway socket so the client reconnects and RESUMEs.

        ``code=None`` aborts the TCP connection without a close frame.
        """
        conns = [conn for conn in self._conns if conn.session is not None]
        if not conns:
            raise RuntimeError("no identified gateway connection to drop")
        for conn in conns:
            if code is None:
                if isinstance(conn.transport, asyncio.WriteTransport):
                    conn.transport.abort()
            else:
                await conn.close(code, "dropped by test")

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT, which asks the client to reconnect and resume."""
        for conn in list(self._conns):
            if conn.session is not None:
                await conn.send({"op": 7, "d": None, "s": None, "t": None})

    def invalidate_sessions(self) -> None:
        """Forget every session so the next RESUME gets op 9 (invalid session)."""
        for session in self._sessions.values():
            session.invalid = True

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # ------------------------------------------------------------------ injection helpers

    def _new_interaction(
        self,
        type: int,
        data: Json | None,
        *,
        user_id: int | None,
        guild_id: int | None,
        channel_id: int | None,
        dm: bool,
        message: Json | None,
        locale: str,
    ) -> FakeInteraction:
        user_id = user_id if user_id is not None else self.user_ids["alice"]
        interaction_id = self._next_id()
        token = secrets.token_urlsafe(48)
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": type,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": self.upload_limit,
        }
        if data is not None:
            payload["data"] = data
        if dm:
            channel_id = self._dm_channel(user_id)
            payload.update(
                context=1,
                user=self.user(user_id),
                channel_id=str(channel_id),
                channel=_clone(self.channels[channel_id]),
                app_permissions=str(DM_PERMISSIONS),
                authorizing_integration_owners={"0": str(user_id)},
            )
        else:
            guild_id = guild_id if guild_id is not None else self.guild_id
            guild = self._guild(guild_id)
            if channel_id is None:
                channel_id = int(guild["system_channel_id"])
            channel = _clone(self._channel(channel_id))
            channel["permissions"] = str(self.channel_permissions(channel_id, user_id))
            member = self.member(guild_id, user_id)
            member["permissions"] = str(self.channel_permissions(channel_id, user_id))
            payload.update(
                context=0,
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": guild["preferred_locale"], "features": []},
                guild_locale=guild["preferred_locale"],
                channel_id=str(channel_id),
                channel=channel,
                member=member,
                app_permissions=str(self.channel_permissions(channel_id, self.bot_id)),
                authorizing_integration_owners={"0": str(guild_id)},
            )
        if message is not None:
            payload["message"] = message
        record = FakeInteraction(
            id=interaction_id,
            token=token,
            type=type,
            payload=payload,
            created_at=asyncio.get_running_loop().time(),
        )
        self.interactions[interaction_id] = record
        self._by_token[token] = record
        return record

    async def send_interaction(
        self,
        type: int,
        data: Json | None,
        *,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        dm: bool = False,
        message: Json | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch INTERACTION_CREATE with a hand-built ``data`` object.

        Defaults: user alice, the default guild and its #general; ``dm=True``
        puts the interaction in alice's DM channel instead.
        """
        record = self._new_interaction(
            type,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            message=message,
            locale=locale,
        )
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def redeliver(self, interaction: FakeInteraction) -> None:
        """Dispatch the same INTERACTION_CREATE payload (same id and token) again."""
        interaction.deliveries += 1
        await self.dispatch("INTERACTION_CREATE", interaction.payload)

    def _find_command(self, name: str, guild_id: int | None, dm: bool) -> tuple[Json, int | None]:
        if guild_id is not None and not dm:
            for command in self.guild_commands.get(guild_id, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command, guild_id
        for command in self.global_commands:
            if command["name"] == name and command.get("type", 1) == 1:
                contexts = command.get("contexts")
                if dm and (
                    (contexts is not None and 1 not in contexts)
                    or command.get("dm_permission") is False
                ):
                    raise LookupError(f"/{name} is not usable in DMs")
                return command, None
        known = sorted(c["name"] for c in self.commands)
        raise LookupError(f"/{name} is not registered with the fake (sync first); known: {known}")

    def _resolve_option(
        self, definition: Json, value: Any, resolved: dict[str, Json], guild_id: int | None
    ) -> Any:
        kind = definition["type"]
        name = definition["name"]
        if kind == 3:
            return str(value)
        if kind == 4:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"option {name!r} needs an int")
            return value
        if kind == 5:
            return bool(value)
        if kind == 10:
            return float(value)
        if kind == 11:
            raise ValueError("attachment options are not supported by the fake")
        snowflake = int(value.id if hasattr(value, "id") else value)
        if kind in (6, 9) and snowflake in self.users:
            resolved.setdefault("users", {})[str(snowflake)] = self.user(snowflake)
            if guild_id is not None and (guild_id, snowflake) in self.members:
                member = self.member(guild_id, snowflake, with_user=False)
                member["permissions"] = str(self.permissions(guild_id, snowflake))
                resolved.setdefault("members", {})[str(snowflake)] = member
            return str(snowflake)
        if kind in (8, 9) and guild_id is not None and snowflake in self.roles.get(guild_id, {}):
            role = _clone(self.roles[guild_id][snowflake])
            resolved.setdefault("roles", {})[str(snowflake)] = role
            return str(snowflake)
        if kind == 7 and snowflake in self.channels:
            channel = self.channels[snowflake]
            resolved.setdefault("channels", {})[str(snowflake)] = {
                "id": channel["id"],
                "name": channel.get("name"),
                "type": channel["type"],
                "parent_id": channel.get("parent_id"),
                "permissions": str(ALL_PERMISSIONS),
            }
            return str(snowflake)
        raise ValueError(f"option {name!r}: nothing with id {snowflake} to resolve")

    def build_command_data(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        guild_id: int | None = None,
        dm: bool = False,
        focused: str | None = None,
    ) -> Json:
        """INTERACTION_CREATE ``data`` for ``"group sub command"`` using the synced definitions."""
        path = command.split()
        guild_id = None if dm else (guild_id if guild_id is not None else self.guild_id)
        definition, registered_in = self._find_command(path[0], guild_id, dm)
        chain: list[Json] = []
        definitions: list[Json] = definition.get("options", [])
        for part in path[1:]:
            match = next(
                (o for o in definitions if o["name"] == part and o["type"] in (1, 2)), None
            )
            if match is None:
                raise LookupError(f"/{command}: no subcommand or group named {part!r}")
            chain.append(match)
            definitions = match.get("options", [])
        if any(o["type"] in (1, 2) for o in definitions):
            raise LookupError(f"/{command} names a group; add the subcommand")
        by_name = {o["name"]: o for o in definitions}
        resolved: dict[str, Json] = {}
        built: list[Json] = []
        for name, value in (options or {}).items():
            option_def = by_name.get(name)
            if option_def is None:
                raise ValueError(f"/{command} has no option {name!r}; it has {sorted(by_name)}")
            option: Json = {"name": name, "type": option_def["type"]}
            if name == focused:
                # Autocomplete sends whatever the user has typed so far, as typed.
                option["value"] = value
                option["focused"] = True
            else:
                option["value"] = self._resolve_option(option_def, value, resolved, guild_id)
                choices = option_def.get("choices")
                if choices and option["value"] not in [c["value"] for c in choices]:
                    raise ValueError(f"{value!r} is not one of the choices of {name!r}")
            built.append(option)
        if focused is None:
            missing = [
                o["name"]
                for o in definitions
                if o.get("required") and o["name"] not in (options or {})
            ]
            if missing:
                raise ValueError(f"/{command} is missing required options {missing}")
        elif focused not in (options or {}):
            raise ValueError(f"focused option {focused!r} needs a value in options")
        for parent in reversed(chain):
            built = [{"name": parent["name"], "type": parent["type"], "options": built}]
        data: Json = {"id": definition["id"], "name": definition["name"], "type": 1}
        if built:
            data["options"] = built
        if resolved:
            data["resolved"] = resolved
        if registered_in is not None:
            data["guild_id"] = str(registered_in)
        return data

    async def send_slash_command(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        dm: bool = False,
    ) -> FakeInteraction:
        """Invoke a synced slash command, e.g. ``("junto session create", {"title": "x"})``.

        Option types come from the synced definition; user/role/channel options
        take ids (or objects with ``.id``) and are added to ``resolved``.
        """
        data = self.build_command_data(command, options, guild_id=guild_id, dm=dm)
        return await self.send_interaction(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm
        )

    async def send_autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        dm: bool = False,
    ) -> FakeInteraction:
        """Send a type 4 (autocomplete) interaction with ``focused`` as the option being typed."""
        data = self.build_command_data(command, options, guild_id=guild_id, dm=dm, focused=focused)
        return await self.send_interaction(
            4, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm
        )

    async def send_component(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int | None = None,
        values: Sequence[str] | None = None,
    ) -> FakeInteraction:
        """Click a button (or pick select ``values``) on a message the bot sent."""
        message = self.render_message(message_id)
        component = next(
            (
                c
                for c in _walk_components(message.get("components", []))
                if c.get("custom_id") == custom_id
            ),
            None,
        )
        if component is None:
            raise LookupError(f"message {message_id} has no component with custom_id {custom_id!r}")
        data: Json = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
        channel_id = int(message["channel_id"])
        guild_id = self._channel_guild(channel_id)
        record = self._new_interaction(
            3,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id if guild_id is not None else None,
            dm=guild_id is None,
            message=message,
            locale="en-US",
        )
        record.component_message_id = message_id
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def send_modal_submit(
        self,
        opened_by: FakeInteraction,
        values: Mapping[str, str | Sequence[str]],
        *,
        user_id: int | None = None,
    ) -> FakeInteraction:
        """Submit the modal that ``opened_by`` answered with (callback type 9)."""
        modal = next((c.data for c in opened_by.callbacks if c.type == 9 and c.data), None)
        if modal is None:
            raise LookupError(f"interaction {opened_by.id} did not open a modal")

        def submitted(component: Json, index: int) -> Json:
            kind = component["type"]
            out: Json = {"type": kind, "id": component.get("id", index)}
            if kind == 1:
                out["components"] = [
                    submitted(c, i) for i, c in enumerate(component.get("components", []))
                ]
            elif kind == 18:
                out["component"] = submitted(component["component"], index)
            elif kind == 4:
                out["custom_id"] = component["custom_id"]
                out["value"] = str(values.get(component["custom_id"], component.get("value", "")))
            elif kind in (3, 5, 6, 7, 8):
                out["custom_id"] = component["custom_id"]
                out["values"] = list(values.get(component["custom_id"], []))
            return out

        data = {
            "custom_id": modal["custom_id"],
            "components": [submitted(c, i) for i, c in enumerate(modal.get("components", []))],
        }
        payload = opened_by.payload
        guild_id = int(payload["guild_id"]) if "guild_id" in payload else None
        return await self.send_interaction(
            5,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=int(payload["channel_id"]) if guild_id is not None else None,
            dm=guild_id is None,
        )

    def _reaction_event(
        self, user_id: int, message: Json, key: str, *, burst: bool = False
    ) -> Json:
        channel_id = int(message["channel_id"])
        data: Json = {
            "user_id": str(user_id),
            "channel_id": message["channel_id"],
            "message_id": message["id"],
            "emoji": _partial_emoji(key),
            "burst": burst,
            "type": 1 if burst else 0,
        }
        guild_id = self._channel_guild(channel_id)
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return data

    def _reaction_intent(self, channel_id: int) -> int:
        if self._channel_guild(channel_id) is None:
            return Intents.DIRECT_MESSAGE_REACTIONS
        return Intents.GUILD_MESSAGE_REACTIONS

    async def _dispatch_seen(self, event: str, channel_id: int, data: Json) -> None:
        """Dispatch an event about a channel, unless the bot can't view that channel:
        then Discord sends it nothing, and the fake records it as suppressed."""
        if self._channel_guild(channel_id) is not None and not self.bot_sees(channel_id):
            self.suppressed_events.append((event, data))
            self._notify()
            return
        await self.dispatch(event, data, intent=self._reaction_intent(channel_id))

    async def add_reaction(
        self, user_id: int, channel_id: int, message_id: int, emoji: str, *, burst: bool = False
    ) -> None:
        """A user reacts to a stored message: MESSAGE_REACTION_ADD. ``burst`` is a super
        reaction, counted apart from a normal one of the same emoji."""
        message = self._message_in(channel_id, message_id)
        key = _emoji_key(emoji)
        store = self.burst_reactions if burst else self.reactions
        users = store.setdefault((message_id, key), [])
        if user_id in users:
            return
        users.append(user_id)
        data = self._reaction_event(user_id, message, key, burst=burst)
        data.update(
            message_author_id=message["author"]["id"],
            burst_colors=["#ff0000"] if burst else [],
        )
        guild_id = self._channel_guild(channel_id)
        if guild_id is not None and (guild_id, user_id) in self.members:
            data["member"] = self.member(guild_id, user_id)
        await self._dispatch_seen("MESSAGE_REACTION_ADD", channel_id, data)

    async def remove_reaction(
        self, user_id: int, channel_id: int, message_id: int, emoji: str, *, burst: bool = False
    ) -> None:
        """A user takes a reaction back: MESSAGE_REACTION_REMOVE."""
        message = self._message_in(channel_id, message_id)
        key = _emoji_key(emoji)
        store = self.burst_reactions if burst else self.reactions
        users = store.get((message_id, key), [])
        if user_id not in users:
            return
        users.remove(user_id)
        data = self._reaction_event(user_id, message, key, burst=burst)
        await self._dispatch_seen("MESSAGE_REACTION_REMOVE", channel_id, data)

    async def clear_reactions(
        self, channel_id: int, message_id: int, emoji: str | None = None
    ) -> None:
        """A moderator removes every reaction (MESSAGE_REACTION_REMOVE_ALL), or every
        reaction of one emoji (MESSAGE_REACTION_REMOVE_EMOJI)."""
        message = self._message_in(channel_id, message_id)
        await self._clear(channel_id, message, None if emoji is None else _emoji_key(emoji))

    async def _clear(self, channel_id: int, message: Json, key: str | None) -> None:
        message_id = int(message["id"])
        for store in (self.reactions, self.burst_reactions):
            for found in [k for k in store if k[0] == message_id and key in (None, k[1])]:
                del store[found]
        data: Json = {"channel_id": message["channel_id"], "message_id": message["id"]}
        guild_id = self._channel_guild(channel_id)
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if key is None:
            await self._dispatch_seen("MESSAGE_REACTION_REMOVE_ALL", channel_id, data)
        else:
            data["emoji"] = _partial_emoji(key)
            await self._dispatch_seen("MESSAGE_REACTION_REMOVE_EMOJI", channel_id, data)

    def store_message(
        self, channel_id: int, payload: Json, *, author_id: int | None = None
    ) -> Json:
        """Store a message without dispatching it, e.g. one the bot sent before a restart.

        ``payload`` is a create-message body (content, embeds, components...);
        the author defaults to the bot.
        """
        author = self.user(author_id if author_id is not None else self.bot_id)
        message = self._create_message(channel_id, payload, [], author=author)
        return self.render_message(int(message["id"]))

    async def post_message(self, user_id: int, channel_id: int, content: str) -> Json:
        """A user writes in a channel: stores the message and dispatches MESSAGE_CREATE."""
        message = self._create_message(
            channel_id, {"content": content}, [], author=self.user(user_id)
        )
        await self._dispatch_message_create(message)
        return self.render_message(int(message["id"]))

    # ------------------------------------------------------------------ rate limits

    def rate_limit_next(
        self,
        method: str,
        path_regex: str,
        retry_after: float = 0.3,
        *,
        is_global: bool = False,
        scope: str = "user",
        count: int = 1,
    ) -> RateLimitRule:
        """Answer the next ``count`` matching requests with HTTP 429.

        ``path_regex`` is searched in the path below ``/api/v10``, e.g.
        ``r"^/channels/\\d+/messages$"``.
        """
        rule = RateLimitRule(
            method=method.upper(),
            pattern=re.compile(path_regex),
            retry_after=retry_after,
            is_global=is_global,
            scope="global" if is_global else scope,
            remaining=count,
        )
        self.rate_limit_rules.append(rule)
        return rule

    def fail_next(
        self, method: str, path_regex: str, status: int = 503, *, count: int = 1
    ) -> FailureRule:
        """Answer the next ``count`` matching requests with ``status`` (a server error by
        default: discord.py raises at once on a 503, where it retries a 500 itself)."""
        rule = FailureRule(method.upper(), re.compile(path_regex), status, count)
        self.failure_rules.append(rule)
        return rule

    def _ratelimit_headers(self, route: _Route | None) -> dict[str, str]:
        # Remaining never reaches zero, so discord.py never waits pre-emptively.
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "Via": "1.1 google",
        }
        if route is not None:
            headers["X-RateLimit-Bucket"] = route.bucket
        return headers

    def _bucket_of(self, route: _Route, params: Mapping[str, str]) -> _Bucket:
        # A bucket per route and top-level resource, as Discord counts them.
        top = next(
            (
                f"{name}={params[name]}"
                for name in ("channel_id", "guild_id", "interaction_id", "token")
                if name in params
            ),
            "",
        )
        key = (route.template, top)
        bucket = self._buckets.get(key)
        if bucket is None:
            limit, per = self.bucket_limits.get(route.template, DEFAULT_BUCKET)
            bucket = self._buckets[key] = _Bucket(limit, per)
        return bucket

    def _take_from_bucket(
        self, route: _Route, params: Mapping[str, str], record: RecordedRequest
    ) -> web.Response | None:
        """Count the request in its bucket; a 429 once the bucket is spent."""
        bucket = self._bucket_of(route, params)
        now = asyncio.get_running_loop().time()
        if now >= bucket.reset_at:
            bucket.count, bucket.reset_at = 0, now + bucket.per
        if bucket.count >= bucket.limit:
            self.bucket_refusals.append(record)
            wait = max(bucket.reset_at - now, 0.001)
            body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
            headers = {
                **self._bucket_headers(route, params),
                "Retry-After": str(math.ceil(wait)),
                "X-RateLimit-Scope": "user",
            }
            return _json_response(body, status=429, headers=headers)
        bucket.count += 1
        return None

    def _bucket_headers(self, route: _Route, params: Mapping[str, str]) -> dict[str, str]:
        bucket = self._bucket_of(route, params)
        wait = max(bucket.reset_at - asyncio.get_running_loop().time(), 0.0)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(bucket.limit - bucket.count, 0)),
            "X-RateLimit-Reset": f"{time.time() + wait:.3f}",
            "X-RateLimit-Reset-After": f"{wait:.3f}",
            "X-RateLimit-Bucket": route.bucket,
            "Via": "1.1 google",
        }

    def _rate_limited(self, rule: RateLimitRule, route: _Route) -> web.Response:
        rule.remaining -= 1
        rule.hits.append(asyncio.get_running_loop().time())
        body = {
            "message": "You are being rate limited.",
            "retry_after": rule.retry_after,
            "global": rule.is_global,
        }
        headers = {
            "Retry-After": str(math.ceil(rule.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": route.bucket,
            "X-RateLimit-Scope": rule.scope,
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
        }
        if rule.is_global:
            headers["X-RateLimit-Global"] = "true"
        return _json_response(body, status=429, headers=headers)

    # ------------------------------------------------------------------ REST plumbing

    def _build_routes(self) -> list[_Route]:
        app = "/applications/{application_id}"
        guild_commands = app + "/guilds/{guild_id}/commands"
        webhook = "/webhooks/{application_id}/{token}"
        message = "/channels/{channel_id}/messages/{message_id}"
        reaction = message + "/reactions/{emoji}"
        event = "/guilds/{guild_id}/scheduled-events"
        # The last column says whether the route needs the bot token; interaction
        # callbacks and followup webhooks are authorised by the token in the path.
        table: list[tuple[str, str, _Handler, bool]] = [
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("POST", "/users/@me/channels", self._create_dm, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", app + "/commands", self._get_commands, True),
            ("PUT", app + "/commands", self._put_commands, True),
            ("POST", app + "/commands", self._post_command, True),
            ("DELETE", app + "/commands/{command_id}", self._delete_command, True),
            ("GET", guild_commands, self._get_commands, True),
            ("PUT", guild_commands, self._put_commands, True),
            ("POST", guild_commands, self._post_command, True),
            ("DELETE", guild_commands + "/{command_id}", self._delete_command, True),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, False),
            ("POST", webhook, self._followup_create, False),
            ("GET", webhook + "/messages/{ref}", self._webhook_get, False),
            ("PATCH", webhook + "/messages/{ref}", self._webhook_edit, False),
            ("DELETE", webhook + "/messages/{ref}", self._webhook_delete, False),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("DELETE", "/channels/{channel_id}", self._delete_channel, True),
            ("GET", "/channels/{channel_id}/messages", self._get_messages, True),
            ("POST", "/channels/{channel_id}/messages", self._post_message, True),
            ("POST", "/channels/{channel_id}/typing", self._typing, True),
            ("GET", message, self._get_message, True),
            ("PATCH", message, self._edit_message, True),
            ("DELETE", message, self._delete_message, True),
            ("GET", reaction, self._get_reactions, True),
            ("PUT", reaction + "/@me", self._put_own_reaction, True),
            ("DELETE", reaction + "/@me", self._delete_reaction, True),
            ("DELETE", reaction + "/{user_id}", self._delete_reaction, True),
            ("DELETE", reaction, self._delete_emoji_reactions, True),
            ("DELETE", message + "/reactions", self._delete_all_reactions, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("POST", "/guilds/{guild_id}/channels", self._create_channel, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
            ("GET", event, self._list_events, True),
            ("POST", event, self._create_event, True),
            ("GET", event + "/{event_id}", self._get_event, True),
            ("PATCH", event + "/{event_id}", self._edit_event, True),
            ("DELETE", event + "/{event_id}", self._delete_event, True),
        ]
        return [
            _Route(method, template, handler, auth) for method, template, handler, auth in table
        ]

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.body_exists:
            return None, []
        if request.content_type == "multipart/form-data":
            form = await request.post()
            payload: Any = None
            files: list[UploadedFile] = []
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files.append(
                        UploadedFile(
                            field_name=name,
                            filename=value.filename,
                            content_type=value.content_type,
                            data=value.file.read(),
                        )
                    )
                elif name == "payload_json":
                    raw = value.decode() if isinstance(value, bytes | bytearray) else str(value)
                    payload = json.loads(raw)
            return payload, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        prefix = re.match(r"^/api/v\d+", request.path)
        path = request.path[prefix.end() :] if prefix else request.path
        method = request.method.upper()
        try:
            body, files = await self._read_body(request)
        except ValueError:
            return _json_response({"message": "400: Bad Request", "code": 50109}, status=400)
        record = RecordedRequest(
            method=method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            at=loop.time(),
            reason=request.headers.get("X-Audit-Log-Reason"),
        )
        self.requests.append(record)
        response = await self._route_request(
            record, request, path if prefix else None, method, body, files
        )
        record.status = response.status
        self._notify()
        return response

    async def _route_request(
        self,
        record: RecordedRequest,
        request: web.Request,
        path: str | None,
        method: str,
        body: Any,
        files: list[UploadedFile],
    ) -> web.Response:
        route: _Route | None = None
        match: re.Match[str] | None = None
        if path is not None:
            for candidate in self._routes:
                if candidate.method == method and (match := candidate.pattern.match(path)):
                    route = candidate
                    break
        if route is None or match is None or path is None:
            self.unknown_routes.append((method, record.path))
            return _json_response(
                {"message": "404: Not Found", "code": 0},
                status=404,
                headers=self._ratelimit_headers(None),
            )
        record.route = route.template
        for rule in self.rate_limit_rules:
            if rule.matches(method, path):
                return self._rate_limited(rule, route)
        refused = self._take_from_bucket(route, match.groupdict(), record)
        if refused is not None:
            return refused
        for failure in self.failure_rules:
            if failure.matches(method, path):
                failure.remaining -= 1
                failure.hits.append(asyncio.get_running_loop().time())
                body = failure.body or {"message": "Service Unavailable", "code": 0}
                return _json_response(body, status=failure.status)
        headers = self._bucket_headers(route, match.groupdict())
        if route.auth and not self._token_ok(request.headers.get("Authorization", "")):
            return _json_response(
                {"message": "401: Unauthorized", "code": 0}, status=401, headers=headers
            )
        call = _Call(
            method=method,
            path=path,
            params=match.groupdict(),
            query=dict(request.query),
            json=body,
            files=files,
            request=request,
        )
        try:
            status, result = await route.handler(call)
        except ApiError as error:
            return _json_response(error.body(), status=error.status, headers=headers)
        if status == 204:
            return web.Response(status=204, headers=headers)
        return _json_response(result, status=status, headers=headers)

    def _check_application(self, call: _Call) -> None:
        if call.id("application_id") != self.application_id:
            raise _not_found(10002, "Application")

    # ------------------------------------------------------------------ REST: users, app

    async def _get_gateway(self, call: _Call) -> _Result:
        return 200, {"url": f"ws://127.0.0.1:{self.port}"}

    async def _get_gateway_bot(self, call: _Call) -> _Result:
        return 200, {
            "url": f"ws://127.0.0.1:{self.port}",
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, call: _Call) -> _Result:
        return 200, self.user(self.bot_id)

    async def _get_user(self, call: _Call) -> _Result:
        return 200, self.user(call.id("user_id"))

    async def _create_dm(self, call: _Call) -> _Result:
        recipient = call.body().get("recipient_id")
        if recipient is None:
            raise _invalid_form(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required")
        user_id = int(recipient)
        self.user(user_id)
        channel_id = self._dm_channel(user_id)
        return 200, _clone(self.channels[channel_id])

    async def _get_application(self, call: _Call) -> _Result:
        return 200, {
            "id": str(self.application_id),
            "name": self.users[self.bot_id]["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot": self.user(self.bot_id),
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": hashlib.sha256(self.token.encode()).hexdigest(),
            "flags": 0,
            "owner": self.user(self.owner_id),
            "team": None,
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "approximate_guild_count": len(self.guilds),
            "integration_types_config": {"0": {}},
        }

    # ------------------------------------------------------------------ REST: commands

    def _command_list(self, call: _Call) -> list[Json]:
        self._check_application(call)
        if "guild_id" in call.params:
            guild_id = call.id("guild_id")
            self._guild(guild_id)
            return self.guild_commands.setdefault(guild_id, [])
        return self.global_commands

    def _validate_command(self, command: Any, path: list[str | int]) -> None:
        if not isinstance(command, dict):
            raise _invalid_form(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used")
        kind = command.get("type", 1)
        name = command.get("name")
        valid_name = isinstance(name, str) and (
            re.fullmatch(r"[-_'\w]{1,32}", name) is not None
            # Context menu names may contain spaces and capitals.
            or (kind != 1 and 1 <= len(name) <= 32)
        )
        if not valid_name or not isinstance(name, str):
            raise _invalid_form(
                [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        if kind == 1:
            if name != name.lower():
                raise _invalid_form(
                    [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 100:
                raise _invalid_form(
                    [*path, "description"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
        options = command.get("options") or []
        if len(options) > 25:
            raise _invalid_form(
                [*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        seen_optional = False
        for index, option in enumerate(options):
            option_path = [*path, "options", index]
            if option.get("type") not in (1, 2):
                if option.get("required"):
                    if seen_optional:
                        raise _invalid_form(
                            [*option_path, "required"],
                            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                            "Required options must be placed before non-required options",
                        )
                else:
                    seen_optional = True
                if len(option.get("choices") or []) > 25:
                    raise _invalid_form(
                        [*option_path, "choices"],
                        "BASE_TYPE_MAX_LENGTH",
                        "Must be 25 or fewer in length.",
                    )
            self._validate_command({**option, "type": 1}, option_path)

    def _store_command(self, payload: Json, existing: list[Json], guild_id: int | None) -> Json:
        kind = payload.get("type", 1)
        previous = next(
            (c for c in existing if c["name"] == payload["name"] and c.get("type", 1) == kind), None
        )
        stored = _clone(payload)
        stored.update(
            id=previous["id"] if previous else str(self._next_id()),
            application_id=str(self.application_id),
            version=str(self._next_id()),
            type=kind,
        )
        stored.setdefault("description", "")
        stored.setdefault("default_member_permissions", None)
        stored.setdefault("nsfw", False)
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored

    async def _get_commands(self, call: _Call) -> _Result:
        return 200, _clone(self._command_list(call))

    async def _put_commands(self, call: _Call) -> _Result:
        existing = self._command_list(call)
        if not isinstance(call.json, list):
            raise _invalid_form([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        for index, command in enumerate(call.json):
            self._validate_command(command, [index])
        guild_id = call.id("guild_id") if "guild_id" in call.params else None
        stored = [self._store_command(command, existing, guild_id) for command in call.json]
        existing[:] = stored
        self._notify()
        return 200, _clone(stored)

    async def _post_command(self, call: _Call) -> _Result:
        existing = self._command_list(call)
        body = call.body()
        self._validate_command(body, [])
        guild_id = call.id("guild_id") if "guild_id" in call.params else None
        stored = self._store_command(body, existing, guild_id)
        index = next((i for i, c in enumerate(existing) if c["id"] == stored["id"]), None)
        if index is None:
            existing.append(stored)
            status = 201
        else:
            existing[index] = stored
            status = 200
        self._notify()
        return status, _clone(stored)

    async def _delete_command(self, call: _Call) -> _Result:
        existing = self._command_list(call)
        command_id = call.params["command_id"]
        if not any(c["id"] == command_id for c in existing):
            raise _not_found(10063, "application command")
        existing[:] = [c for c in existing if c["id"] != command_id]
        return 204, None

    # ------------------------------------------------------------------ REST: interactions

    def _reject(
        self, record: FakeInteraction | None, attempt: CallbackAttempt, error: ApiError
    ) -> ApiError:
        attempt.status = error.status
        attempt.error_code = error.code
        if record is not None:
            record.attempts.append(attempt)
        self.callbacks.append(attempt)
        self._notify()
        return error

    async def _callback(self, call: _Call) -> _Result:
        interaction_id = call.id("interaction_id")
        body = call.body()
        kind = body.get("type")
        data = body.get("data")
        attempt = CallbackAttempt(
            interaction_id=interaction_id,
            type=kind if isinstance(kind, int) else None,
            data=data if isinstance(data, dict) else None,
            status=200,
            error_code=None,
            at=asyncio.get_running_loop().time(),
            files=call.files,
        )
        record = self.interactions.get(interaction_id)
        if record is None or record.token != call.params["token"]:
            raise self._reject(None, attempt, _not_found(10062, "interaction"))
        age = attempt.at - record.created_at
        if self.interaction_deadline is not None and age > self.interaction_deadline:
            raise self._reject(record, attempt, _not_found(10062, "interaction"))
        if record.acknowledged:
            raise self._reject(
                record,
                attempt,
                ApiError(400, 40060, "Interaction has already been acknowledged."),
            )
        allowed = {
            1: {4, 5, 9},
            2: {4, 5, 9},
            3: {4, 5, 6, 7, 9},
            4: {8},
            5: {4, 5, 6, 7},
        }
        if kind not in allowed.get(record.type, set()):
            raise self._reject(
                record,
                attempt,
                _invalid_form(
                    ["type"],
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    f"Response type {kind} is not valid for interaction type {record.type}",
                ),
            )
        try:
            result = await self._apply_callback(record, kind, attempt.data or {}, call.files)
        except ApiError as error:
            raise self._reject(record, attempt, error) from None
        record.attempts.append(attempt)
        self.callbacks.append(attempt)
        self._notify()
        if call.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        return 200, result

    async def _apply_callback(
        self, record: FakeInteraction, kind: int, data: Json, files: list[UploadedFile]
    ) -> Json:
        info: Json = {"id": str(record.id), "type": record.type}
        response: Json = {"interaction": info}
        payload = record.payload
        channel_id = int(payload["channel_id"])
        if kind == 8:
            choices = data.get("choices")
            if not isinstance(choices, list) or len(choices) > 25:
                raise _invalid_form(
                    ["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            return response
        if kind == 9:
            for key in ("custom_id", "title", "components"):
                if not data.get(key):
                    raise _invalid_form(
                        ["data", key], "BASE_TYPE_REQUIRED", "This field is required"
                    )
            return response
        if kind in (6, 7):
            message_id = record.component_message_id
            if message_id is None:
                raise _invalid_form(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "No message")
            record.original_message_id = message_id
            if kind == 7:
                message = self._edit_stored_message(message_id, data, files)
                await self._dispatch_message_update(message)
                info.update(response_message_id=str(message_id))
                response["resource"] = {"type": 7, "message": self.render_message(message_id)}
            return response
        author = self.user(self.bot_id)
        flags = int(data.get("flags") or 0)
        if kind == 5:
            content: Json = {"content": ""}
            message = self._create_message(
                channel_id,
                content,
                [],
                author=author,
                interaction=record,
                flags=LOADING | (flags & EPHEMERAL),
                validate=False,
            )
            record.loading = True
        else:
            message = self._create_message(
                channel_id, data, files, author=author, interaction=record, flags=flags
            )
        message_id = int(message["id"])
        record.original_message_id = message_id
        if not int(message["flags"]) & EPHEMERAL:
            await self._dispatch_message_create(message)
        info.update(
            response_message_id=str(message_id),
            response_message_loading=kind == 5,
            response_message_ephemeral=bool(int(message["flags"]) & EPHEMERAL),
        )
        response["resource"] = {"type": kind, "message": self.render_message(message_id)}
        return response

    def _interaction_for_token(self, call: _Call) -> FakeInteraction:
        if call.id("application_id") != self.application_id:
            raise _not_found(10015, "Webhook")
        token = call.params["token"]
        record = self._by_token.get(token)
        # Followups only exist once the interaction has been acknowledged.
        if record is None or not record.acknowledged:
            raise _not_found(10015, "Webhook")
        # The token lives fifteen minutes from the interaction, then stops working.
        age = asyncio.get_running_loop().time() - record.created_at
        if self.interaction_token_life is not None and age > self.interaction_token_life:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return record

    def _webhook_message_id(self, record: FakeInteraction, ref: str) -> int:
        if ref == "@original":
            if (
                record.original_message_id is None
                or record.original_message_id not in self.messages
            ):
                raise _not_found(10008, "Message")
            return record.original_message_id
        if not ref.isdigit():
            raise _not_found(10008, "Message")
        message_id = int(ref)
        if message_id not in self.messages or (
            message_id != record.original_message_id
            and message_id not in record.followup_message_ids
        ):
            raise _not_found(10008, "Message")
        return message_id

    async def _followup_create(self, call: _Call) -> _Result:
        record = self._interaction_for_token(call)
        body = call.body()
        wait = call.query.get("wait", "").lower() in ("1", "true")
        if record.loading and record.original_message_id in self.messages:
            # After a deferred response the first followup fills in the loading
            # message; its ephemeral flag is ignored in favour of the defer's.
            message_id = record.original_message_id
            assert message_id is not None
            self._validate_message(body, call.files)
            edit = {k: v for k, v in body.items() if k != "flags"}
            message = self._edit_stored_message(message_id, edit, call.files, mark_edited=False)
            record.loading = False
            if not int(message["flags"]) & EPHEMERAL:
                await self._dispatch_message_update(message)
        else:
            message = self._create_message(
                int(record.payload["channel_id"]),
                body,
                call.files,
                author=self.user(self.bot_id),
                interaction=record,
                flags=int(body.get("flags") or 0),
            )
            message_id = int(message["id"])
            record.followup_message_ids.append(message_id)
            if not int(message["flags"]) & EPHEMERAL:
                await self._dispatch_message_create(message)
        self._notify()
        if not wait:
            return 204, None
        return 200, self.render_message(message_id)

    async def _webhook_get(self, call: _Call) -> _Result:
        record = self._interaction_for_token(call)
        return 200, self.render_message(self._webhook_message_id(record, call.params["ref"]))

    async def _webhook_edit(self, call: _Call) -> _Result:
        record = self._interaction_for_token(call)
        message_id = self._webhook_message_id(record, call.params["ref"])
        was_loading = record.loading and message_id == record.original_message_id
        message = self._edit_stored_message(
            message_id, call.body(), call.files, mark_edited=not was_loading
        )
        if was_loading:
            record.loading = False
        if not int(message["flags"]) & EPHEMERAL:
            await self._dispatch_message_update(message)
        self._notify()
        return 200, self.render_message(message_id)

    async def _webhook_delete(self, call: _Call) -> _Result:
        record = self._interaction_for_token(call)
        message_id = self._webhook_message_id(record, call.params["ref"])
        await self._remove_message(message_id)
        return 204, None

    # ------------------------------------------------------------------ REST: messages

    def _validate_message(
        self, payload: Json, files: Sequence[UploadedFile], *, edit: bool = False
    ) -> None:
        """Discord's limits on a message body; an edit checks only what it carries."""
        content = payload.get("content")
        if content is not None and len(str(content)) > MAX_CONTENT:
            raise _invalid_form(
                ["content"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
            )
        self._validate_embeds(payload.get("embeds") or [])
        self._validate_components(payload.get("components") or [], int(payload.get("flags") or 0))
        self._validate_files(files)
        if edit:
            return
        if not (
            content
            or payload.get("embeds")
            or payload.get("components")
            or files
            or payload.get("sticker_ids")
            or payload.get("poll")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _validate_embeds(self, embeds: Sequence[Json]) -> None:
        if len(embeds) > MAX_EMBEDS:
            raise _invalid_form(
                ["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length."
            )
        total = 0

        def text(path: list[str | int], value: Any, limit: int) -> int:
            if value is None:
                return 0
            if len(str(value)) > limit:
                raise _invalid_form(
                    path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
                )
            return len(str(value))

        for index, embed in enumerate(embeds):
            where: list[str | int] = ["embeds", index]
            total += text([*where, "title"], embed.get("title"), MAX_EMBED_TITLE)
            total += text([*where, "description"], embed.get("description"), MAX_EMBED_DESCRIPTION)
            fields = embed.get("fields") or []
            if len(fields) > MAX_EMBED_FIELDS:
                raise _invalid_form(
                    [*where, "fields"],
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {MAX_EMBED_FIELDS} or fewer in length.",
                )
            for number, item in enumerate(fields):
                at: list[str | int] = [*where, "fields", number]
                for key, limit in (("name", MAX_FIELD_NAME), ("value", MAX_FIELD_VALUE)):
                    if not item.get(key):
                        raise _invalid_form(
                            [*at, key], "BASE_TYPE_REQUIRED", "This field is required"
                        )
                    total += text([*at, key], item[key], limit)
            total += text(
                [*where, "footer", "text"], (embed.get("footer") or {}).get("text"), MAX_FOOTER
            )
            total += text(
                [*where, "author", "name"], (embed.get("author") or {}).get("name"), MAX_AUTHOR
            )
        if total > MAX_EMBEDS_TOTAL:
            raise _invalid_form(
                ["embeds"],
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {MAX_EMBEDS_TOTAL}",
            )

    def _validate_components(self, rows: Sequence[Json], flags: int) -> None:
        if flags & (1 << 15):  # IS_COMPONENTS_V2 has its own layout rules, not modelled
            return
        if len(rows) > MAX_ACTION_ROWS:
            raise _invalid_form(
                ["components"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_ACTION_ROWS} or fewer in length.",
            )
        seen: set[str] = set()
        for index, row in enumerate(rows):
            where: list[str | int] = ["components", index]
            if row.get("type") != 1:
                raise _invalid_form(
                    [*where, "type"], "UNION_TYPE_CHOICES", "Top-level components must be rows"
                )
            children = row.get("components") or []
            if not children or len(children) > MAX_ROW_BUTTONS:
                raise _invalid_form(
                    [*where, "components"],
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {MAX_ROW_BUTTONS} in length.",
                )
            selects = sum(1 for c in children if c.get("type") in (3, 5, 6, 7, 8))
            if selects and len(children) > 1:
                raise _invalid_form(
                    [*where, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A select menu takes a whole row",
                )
            for number, child in enumerate(children):
                at: list[str | int] = [*where, "components", number]
                link = child.get("type") == 2 and child.get("style") == 5
                custom_id = child.get("custom_id")
                if link:
                    if not child.get("url") or custom_id is not None:
                        raise _invalid_form(
                            [*at, "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A link needs a url"
                        )
                elif child.get("type") == 2 and child.get("style") == 6:
                    if not child.get("sku_id"):
                        raise _invalid_form([*at, "sku_id"], "BASE_TYPE_REQUIRED", "Required")
                else:
                    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
                        raise _invalid_form(
                            [*at, "custom_id"],
                            "BASE_TYPE_BAD_LENGTH",
                            f"Must be between 1 and {MAX_CUSTOM_ID} in length.",
                        )
                    if custom_id in seen:
                        raise _invalid_form(
                            [*at, "custom_id"],
                            "COMPONENT_CUSTOM_ID_DUPLICATED",
                            "Component custom id cannot be duplicated",
                        )
                    seen.add(custom_id)
                label = child.get("label")
                if label is not None and len(str(label)) > MAX_BUTTON_LABEL:
                    raise _invalid_form(
                        [*at, "label"],
                        "BASE_TYPE_MAX_LENGTH",
                        f"Must be {MAX_BUTTON_LABEL} or fewer in length.",
                    )
                if child.get("type") == 2 and not (label or child.get("emoji")):
                    raise _invalid_form(
                        [*at, "label"],
                        "BUTTON_COMPONENT_INVALID",
                        "A button needs a label or emoji",
                    )

    def _validate_files(self, files: Sequence[UploadedFile]) -> None:
        if len(files) > MAX_FILES:
            raise _invalid_form(
                ["attachments"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_FILES} or fewer in length."
            )
        for upload in files:
            if len(upload.data) > self.upload_limit:
                raise ApiError(413, 40005, "Request entity too large")

    def _note_markup(self, message_id: int, embeds: Sequence[Json]) -> None:
        for embed in embeds:
            title = embed.get("title")
            if title and _TITLE_MARKUP.search(str(title)):
                self.raw_markup.append((message_id, str(title)))

    def _attachments(
        self, payload: Json, files: Sequence[UploadedFile], channel_id: int, keep: Sequence[Json]
    ) -> list[Json]:
        described = {str(a.get("id")): a for a in payload.get("attachments") or []}
        kept_ids = set(described)
        result = [_clone(a) for a in keep if a["id"] in kept_ids]
        for index, upload in enumerate(files):
            meta = described.get(str(index), {})
            attachment_id = self._next_id()
            filename = str(meta.get("filename") or upload.filename)
            content_type = upload.content_type
            if content_type in ("", "application/octet-stream"):
                content_type = mimetypes.guess_type(filename)[0] or content_type
            url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}"
            attachment: Json = {
                "id": str(attachment_id),
                "filename": filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                "content_type": content_type,
            }
            if meta.get("description"):
                attachment["description"] = meta["description"]
            self.attachment_data[attachment_id] = upload.data
            result.append(attachment)
        return result

    def _mentions(self, content: str) -> list[Json]:
        ids = dict.fromkeys(int(m) for m in re.findall(r"<@!?(\d+)>", content))
        return [self.user(user_id) for user_id in ids if user_id in self.users]

    def _create_message(
        self,
        channel_id: int,
        payload: Json,
        files: Sequence[UploadedFile],
        *,
        author: Json,
        interaction: FakeInteraction | None = None,
        flags: int = 0,
        validate: bool = True,
    ) -> Json:
        channel = self._channel(channel_id)
        if channel["type"] == 4:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        if validate:
            self._validate_message(payload, files)
        message_id = self._next_id()
        content = str(payload.get("content") or "")
        message: Json = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": author,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions(content),
            "mention_roles": [],
            "attachments": self._attachments(payload, files, channel_id, []),
            "embeds": [{"type": "rich", **embed} for embed in payload.get("embeds") or []],
            "pinned": False,
            "type": 0,
            "flags": flags,
            "components": _clone(payload.get("components") or []),
        }
        if payload.get("nonce") is not None:
            message["nonce"] = payload["nonce"]
        reference = payload.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id") is not None:
            referenced_id = int(reference["message_id"])
            if referenced_id in self.messages:
                message["message_reference"] = {
                    "type": 0,
                    "message_id": str(referenced_id),
                    "channel_id": self.messages[referenced_id]["channel_id"],
                }
                message["referenced_message"] = self.render_message(referenced_id)
                message["type"] = 19
            elif reference.get("fail_if_not_exists", True):
                raise _invalid_form(
                    ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
        if interaction is not None:
            message.update(
                webhook_id=str(self.application_id),
                application_id=str(self.application_id),
                type=20 if interaction.type in (2, 4) else 0,
                interaction_metadata={
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "user": _clone(
                        interaction.payload.get("user") or interaction.payload["member"]["user"]
                    ),
                    "authorizing_integration_owners": interaction.payload[
                        "authorizing_integration_owners"
                    ],
                },
            )
        self.messages[message_id] = message
        self._note_markup(message_id, message["embeds"])
        if "last_message_id" in channel or channel["type"] == 1:
            channel["last_message_id"] = str(message_id)
        self._notify()
        return message

    def _edit_stored_message(
        self,
        message_id: int,
        payload: Json,
        files: Sequence[UploadedFile],
        *,
        mark_edited: bool = True,
    ) -> Json:
        message = self.messages[message_id]
        self._validate_message(payload, files, edit=True)
        if "content" in payload:
            content = str(payload["content"] or "")
            message["content"] = content
            message["mentions"] = self._mentions(content)
        if "embeds" in payload:
            message["embeds"] = [{"type": "rich", **e} for e in payload["embeds"] or []]
            self._note_markup(message_id, message["embeds"])
        if "components" in payload:
            message["components"] = _clone(payload["components"] or [])
        if "attachments" in payload or files:
            if "attachments" not in payload:
                payload = {
                    **payload,
                    "attachments": [{"id": a["id"]} for a in message["attachments"]],
                }
            message["attachments"] = self._attachments(
                payload, files, int(message["channel_id"]), message["attachments"]
            )
        # Only SUPPRESS_EMBEDS can be toggled on an existing message.
        if "flags" in payload and payload["flags"] is not None:
            suppress = 1 << 2
            message["flags"] = (int(message["flags"]) & ~suppress) | (
                int(payload["flags"]) & suppress
            )
        message["flags"] = int(message["flags"]) & ~LOADING
        if mark_edited:
            message["edited_timestamp"] = _now_iso()
        self._notify()
        return message

    def _gateway_message(self, message: Json, intents: int) -> Json:
        rendered = self.render_message(int(message["id"]))
        channel_id = int(message["channel_id"])
        guild_id = self._channel_guild(channel_id)
        author_id = int(rendered["author"]["id"])
        if guild_id is not None:
            rendered["guild_id"] = str(guild_id)
            if (guild_id, author_id) in self.members:
                rendered["member"] = self.member(guild_id, author_id, with_user=False)
        mentioned = any(int(u["id"]) == self.bot_id for u in rendered["mentions"])
        # Without MESSAGE_CONTENT the bot only sees content of its own
        # messages, DMs and messages that mention it.
        if not (
            intents & Intents.MESSAGE_CONTENT
            or author_id == self.bot_id
            or guild_id is None
            or mentioned
        ):
            rendered.update(content="", embeds=[], attachments=[], components=[])
            rendered.pop("poll", None)
        return rendered

    def _message_intent(self, message: Json) -> int:
        if self._channel_guild(int(message["channel_id"])) is None:
            return Intents.DIRECT_MESSAGES
        return Intents.GUILD_MESSAGES

    async def _dispatch_message_create(self, message: Json) -> None:
        channel_id = int(message["channel_id"])
        if self._channel_guild(channel_id) is not None and not self.bot_sees(channel_id):
            return
        await self._broadcast(
            "MESSAGE_CREATE",
            lambda intents: self._gateway_message(message, intents),
            self._message_intent(message),
        )

    async def _dispatch_message_update(self, message: Json) -> None:
        await self._broadcast(
            "MESSAGE_UPDATE",
            lambda intents: self._gateway_message(message, intents),
            self._message_intent(message),
        )

    async def _remove_message(self, message_id: int) -> None:
        message = self.messages.pop(message_id)
        for key in [k for k in self.reactions if k[0] == message_id]:
            del self.reactions[key]
        data: Json = {"id": message["id"], "channel_id": message["channel_id"]}
        guild_id = self._channel_guild(int(message["channel_id"]))
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if not int(message["flags"]) & EPHEMERAL:
            await self._broadcast("MESSAGE_DELETE", data, self._message_intent(message))
        self._notify()

    async def _get_channel(self, call: _Call) -> _Result:
        return 200, _clone(self._channel(call.id("channel_id")))

    async def _delete_channel(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        channel = self._channel(channel_id)
        if channel["type"] == 1:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        self._require_guild(int(channel["guild_id"]), Permission.MANAGE_CHANNELS)
        for message_id in [
            m for m, v in self.messages.items() if v["channel_id"] == str(channel_id)
        ]:
            del self.messages[message_id]
        del self.channels[channel_id]
        await self._broadcast("CHANNEL_DELETE", _clone(channel), Intents.GUILDS)
        self._notify()
        return 200, _clone(channel)

    async def _get_messages(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        if self._channel(channel_id).get("guild_id") is not None:
            self._require(channel_id, Permission.READ_MESSAGE_HISTORY)
        limit = min(int(call.query.get("limit", 50)), 100)
        messages = self.messages_in(channel_id)
        if "before" in call.query:
            messages = [m for m in messages if int(m["id"]) < int(call.query["before"])]
        if "after" in call.query:
            messages = [m for m in messages if int(m["id"]) > int(call.query["after"])]
            return 200, list(reversed(messages[:limit]))
        return 200, list(reversed(messages))[:limit]

    async def _post_message(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        body = call.body()
        flags = int(body.get("flags") or 0)
        if flags & EPHEMERAL:
            raise _invalid_form(
                ["flags"], "MESSAGE_FLAGS_INVALID", "Ephemeral needs an interaction"
            )
        channel = self._channel(channel_id)
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self.dms_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        if channel.get("guild_id") is not None:
            self._require(channel_id, Permission.SEND_MESSAGES)
            if call.files:
                self._require(channel_id, Permission.ATTACH_FILES)
            if body.get("embeds") and not (
                self.channel_permissions(channel_id, self.bot_id) & Permission.EMBED_LINKS
            ):
                # Without Embed Links the embeds are dropped, as Discord drops them.
                body = {k: v for k, v in body.items() if k != "embeds"}
        message = self._create_message(
            channel_id, body, call.files, author=self.user(self.bot_id), flags=flags
        )
        await self._dispatch_message_create(message)
        return 200, self.render_message(int(message["id"]))

    async def _typing(self, call: _Call) -> _Result:
        self._channel(call.id("channel_id"))
        return 204, None

    async def _get_message(self, call: _Call) -> _Result:
        message = self._message_in(call.id("channel_id"), call.id("message_id"))
        if self._channel_guild(call.id("channel_id")) is not None:
            self._require(call.id("channel_id"), Permission.READ_MESSAGE_HISTORY)
        return 200, self.render_message(int(message["id"]))

    async def _edit_message(self, call: _Call) -> _Result:
        message = self._message_in(call.id("channel_id"), call.id("message_id"))
        if int(message["author"]["id"]) != self.bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._edit_stored_message(int(message["id"]), call.body(), call.files)
        await self._dispatch_message_update(message)
        return 200, self.render_message(int(message["id"]))

    async def _delete_message(self, call: _Call) -> _Result:
        message = self._message_in(call.id("channel_id"), call.id("message_id"))
        if int(message["author"]["id"]) != self.bot_id:
            self._require(call.id("channel_id"), Permission.MANAGE_MESSAGES)
        await self._remove_message(int(message["id"]))
        return 204, None

    async def _get_reactions(self, call: _Call) -> _Result:
        message = self._message_in(call.id("channel_id"), call.id("message_id"))
        users = self.reactions.get((int(message["id"]), _emoji_key(call.params["emoji"])), [])
        limit = int(call.query.get("limit", 25))
        return 200, [self.user(user_id) for user_id in users[:limit]]

    def _check_emoji(self, key: str) -> None:
        """Unicode emoji, or a custom one from a guild the bot is in; else 10014."""
        _, sep, emoji_id = key.rpartition(":")
        if sep and emoji_id.isdigit():
            known = {
                str(e.get("id"))
                for gid, guild in self.guilds.items()
                if (gid, self.bot_id) in self.members
                for e in guild.get("emojis") or []
            }
            if emoji_id in known:
                return
        elif key and not key.isascii():
            return
        raise ApiError(400, 10014, "Unknown Emoji")

    async def _put_own_reaction(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        message = self._message_in(channel_id, call.id("message_id"))
        key = _emoji_key(call.params["emoji"])
        self._check_emoji(key)
        message_id = int(message["id"])
        existing = self.reactions.get((message_id, key)) or self.burst_reactions.get(
            (message_id, key)
        )
        if self._channel_guild(channel_id) is not None:
            self._require(channel_id, Permission.READ_MESSAGE_HISTORY)
            if not existing:
                self._require(channel_id, Permission.ADD_REACTIONS)
        distinct = {k for (mid, k), u in self.reactions.items() if mid == message_id and u}
        if key not in distinct and len(distinct) >= MAX_REACTIONS:
            raise ApiError(400, 30010, "Maximum number of reactions reached (20)")
        users = self.reactions.setdefault((message_id, key), [])
        if self.bot_id not in users:
            users.append(self.bot_id)
            data = self._reaction_event(self.bot_id, message, key)
            data.update(message_author_id=message["author"]["id"], burst_colors=[])
            guild_id = self._channel_guild(channel_id)
            if guild_id is not None:
                data["member"] = self.member(guild_id, self.bot_id)
            await self._broadcast("MESSAGE_REACTION_ADD", data, self._reaction_intent(channel_id))
        self._notify()
        return 204, None

    async def _delete_reaction(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        message = self._message_in(channel_id, call.id("message_id"))
        user_id = call.id("user_id") if "user_id" in call.params else self.bot_id
        key = _emoji_key(call.params["emoji"])
        if user_id != self.bot_id and self._channel_guild(channel_id) is not None:
            self._require(channel_id, Permission.MANAGE_MESSAGES)
        users = self.reactions.get((int(message["id"]), key), [])
        if user_id in users:
            users.remove(user_id)
            data = self._reaction_event(user_id, message, key)
            await self._broadcast(
                "MESSAGE_REACTION_REMOVE", data, self._reaction_intent(channel_id)
            )
        self._notify()
        return 204, None

    async def _delete_emoji_reactions(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        message = self._message_in(channel_id, call.id("message_id"))
        self._require(channel_id, Permission.MANAGE_MESSAGES)
        await self._clear(channel_id, message, _emoji_key(call.params["emoji"]))
        return 204, None

    async def _delete_all_reactions(self, call: _Call) -> _Result:
        channel_id = call.id("channel_id")
        message = self._message_in(channel_id, call.id("message_id"))
        self._require(channel_id, Permission.MANAGE_MESSAGES)
        await self._clear(channel_id, message, None)
        return 204, None

    # ------------------------------------------------------------------ REST: guilds

    async def _get_guild(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        return 200, self._rest_guild(guild_id)

    async def _get_guild_channels(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        return 200, [
            _clone(c) for c in self.channels.values() if c.get("guild_id") == str(guild_id)
        ]

    async def _create_channel(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        self._require_guild(guild_id, Permission.MANAGE_CHANNELS)
        body = call.body()
        in_guild = [c for c in self.channels.values() if c.get("guild_id") == str(guild_id)]
        if len(in_guild) >= MAX_GUILD_CHANNELS:
            raise ApiError(400, 30013, "Maximum number of guild channels reached (500)")
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise _invalid_form(
                ["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
        kind = int(body.get("type") or 0)
        if kind in (0, 5):
            # Discord normalises text channel names the way its client does.
            name = re.sub(r"\s+", "-", name.strip().lower())
        parent = body.get("parent_id")
        if parent is not None:
            parent_channel = self.channels.get(int(parent))
            if parent_channel is None or parent_channel["type"] != 4:
                raise _invalid_form(["parent_id"], "CHANNEL_PARENT_INVALID", "Invalid parent")
            children = sum(1 for c in in_guild if c.get("parent_id") == str(parent))
            if children >= MAX_CATEGORY_CHANNELS:
                raise _invalid_form(
                    ["parent_id"],
                    "CHANNEL_PARENT_MAX_CHANNELS",
                    f"Maximum number of channels in category reached ({MAX_CATEGORY_CHANNELS})",
                )
        channel_id = self._next_id()
        channel = self._guild_channel(
            channel_id, guild_id, name, kind, int(parent) if parent is not None else None
        )
        for key in ("topic", "nsfw", "rate_limit_per_user", "bitrate", "user_limit", "position"):
            if body.get(key) is not None:
                channel[key] = body[key]
        channel["permission_overwrites"] = [
            {
                **o,
                "id": str(o["id"]),
                "allow": str(o.get("allow", 0)),
                "deny": str(o.get("deny", 0)),
            }
            for o in body.get("permission_overwrites") or []
        ]
        self.channels[channel_id] = channel
        await self._broadcast("CHANNEL_CREATE", _clone(channel), Intents.GUILDS)
        return 201, _clone(channel)

    async def _get_member(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        return 200, self.member(guild_id, call.id("user_id"))

    # ------------------------------------------------------------------ REST: scheduled events

    def _event(self, call: _Call) -> Json:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        event = self.scheduled_events.get(call.id("event_id"))
        if event is None or event["guild_id"] != str(guild_id):
            raise _not_found(10070, "Guild Scheduled Event")
        return event

    def _validate_event(self, event: Json, guild_id: int, *, creating: bool) -> None:
        name = event.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_EVENT_NAME:
            raise _invalid_form(
                ["name"],
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MAX_EVENT_NAME} in length.",
            )
        description = event.get("description")
        if description is not None and len(str(description)) > MAX_EVENT_DESCRIPTION:
            raise _invalid_form(
                ["description"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_EVENT_DESCRIPTION} or fewer in length.",
            )
        if event.get("privacy_level") != 2:
            raise _invalid_form(["privacy_level"], "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        start = _parse_time(event.get("scheduled_start_time"), ["scheduled_start_time"])
        if creating and start <= self.clock():
            raise _invalid_form(
                ["scheduled_start_time"],
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        end_raw = event.get("scheduled_end_time")
        if end_raw is not None:
            end = _parse_time(end_raw, ["scheduled_end_time"])
            if end <= start:
                raise _invalid_form(
                    ["scheduled_end_time"],
                    "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                    "Cannot schedule event to end before starting.",
                )
        kind = event.get("entity_type")
        if kind == 3:
            location = (event.get("entity_metadata") or {}).get("location")
            if not location:
                raise _invalid_form(
                    ["entity_metadata", "location"], "BASE_TYPE_REQUIRED", "This field is required"
                )
            if len(str(location)) > MAX_EVENT_LOCATION:
                raise _invalid_form(
                    ["entity_metadata", "location"],
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {MAX_EVENT_LOCATION} in length.",
                )
            if end_raw is None:
                raise _invalid_form(
                    ["scheduled_end_time"], "BASE_TYPE_REQUIRED", "This field is required"
                )
            if event.get("channel_id") is not None:
                raise _invalid_form(
                    ["channel_id"], "BASE_TYPE_INVALID", "Must be null for external events"
                )
        elif kind in (1, 2):
            channel_id = event.get("channel_id")
            channel = self.channels.get(int(channel_id)) if channel_id is not None else None
            wanted = 13 if kind == 1 else 2
            if (
                channel is None
                or channel.get("guild_id") != str(guild_id)
                or channel["type"] != wanted
            ):
                raise _invalid_form(["channel_id"], "CHANNEL_TYPE_INVALID", "Invalid channel")
        else:
            raise _invalid_form(
                ["entity_type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}."
            )

    async def _list_events(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        with_count = call.query.get("with_user_count", "").lower() in ("1", "true")
        events = []
        for event in self.scheduled_events.values():
            if event["guild_id"] == str(guild_id):
                rendered = _clone(event)
                if not with_count:
                    rendered.pop("user_count", None)
                events.append(rendered)
        return 200, events

    def uncompleted_events(self, guild_id: int) -> int:
        """Scheduled or active events of a guild, which Discord caps at 100."""
        return sum(
            1
            for e in self.scheduled_events.values()
            if e["guild_id"] == str(guild_id) and e["status"] in (1, 2)
        )

    def add_scheduled_event(
        self, guild_id: int, name: str, start: datetime, *, creator_id: int | None = None
    ) -> int:
        """An event somebody made in Discord itself (external, an hour long)."""
        event_id = self._next_id()
        creator = creator_id if creator_id is not None else int(self.guilds[guild_id]["owner_id"])
        self.scheduled_events[event_id] = {
            "id": str(event_id),
            "guild_id": str(guild_id),
            "channel_id": None,
            "creator_id": str(creator),
            "creator": self.user(creator),
            "name": name,
            "description": None,
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": (start + timedelta(hours=1)).isoformat(),
            "privacy_level": 2,
            "status": 1,
            "entity_type": 3,
            "entity_id": None,
            "entity_metadata": {"location": "somewhere"},
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
        }
        return event_id

    async def _create_event(self, call: _Call) -> _Result:
        guild_id = call.id("guild_id")
        self._guild(guild_id)
        self._require_guild(guild_id, Permission.MANAGE_EVENTS, Permission.CREATE_EVENTS)
        body = call.body()
        self._validate_event(body, guild_id, creating=True)
        if self.uncompleted_events(guild_id) >= MAX_SCHEDULED_EVENTS:
            raise ApiError(
                400,
                30038,
                "Maximum number of uncompleted guild scheduled events reached "
                f"({MAX_SCHEDULED_EVENTS})",
            )
        event_id = self._next_id()
        kind = body["entity_type"]
        event: Json = {
            "id": str(event_id),
            "guild_id": str(guild_id),
            "channel_id": str(body["channel_id"]) if body.get("channel_id") is not None else None,
            "creator_id": str(self.bot_id),
            "creator": self.user(self.bot_id),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": _parse_time(body["scheduled_start_time"], []).isoformat(),
            "scheduled_end_time": (
                _parse_time(body["scheduled_end_time"], []).isoformat()
                if body.get("scheduled_end_time")
                else None
            ),
            "privacy_level": 2,
            "status": 1,
            "entity_type": kind,
            "entity_id": None,
            "entity_metadata": (
                {"location": body["entity_metadata"]["location"]} if kind == 3 else None
            ),
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
        }
        self.scheduled_events[event_id] = event
        await self._broadcast(
            "GUILD_SCHEDULED_EVENT_CREATE", _clone(event), Intents.GUILD_SCHEDULED_EVENTS
        )
        self._notify()
        return 200, _clone(event)

    async def _get_event(self, call: _Call) -> _Result:
        return 200, _clone(self._event(call))

    def _require_event_rights(self, event: Json) -> None:
        # One's own events need Create or Manage Events; anyone else's, Manage Events.
        guild_id = int(event["guild_id"])
        if event.get("creator_id") == str(self.bot_id):
            self._require_guild(guild_id, Permission.MANAGE_EVENTS, Permission.CREATE_EVENTS)
        else:
            self._require_guild(guild_id, Permission.MANAGE_EVENTS)

    async def _edit_event(self, call: _Call) -> _Result:
        event = self._event(call)
        self._require_event_rights(event)
        body = call.body()
        updated = _clone(event)
        for key in (
            "channel_id",
            "entity_metadata",
            "name",
            "privacy_level",
            "scheduled_start_time",
            "scheduled_end_time",
            "description",
            "entity_type",
        ):
            if key in body:
                updated[key] = body[key]
        if updated.get("channel_id") is not None:
            updated["channel_id"] = str(updated["channel_id"])
        if "status" in body:
            allowed = {1: {2, 4}, 2: {3}}
            if body["status"] not in allowed.get(event["status"], set()):
                raise _invalid_form(
                    ["status"],
                    "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                    f"Cannot change status from {event['status']} to {body['status']}",
                )
            updated["status"] = body["status"]
        self._validate_event(
            updated, int(event["guild_id"]), creating="scheduled_start_time" in body
        )
        for key in ("scheduled_start_time", "scheduled_end_time"):
            if updated.get(key):
                updated[key] = _parse_time(updated[key], [key]).isoformat()
        if updated["entity_type"] != 3:
            updated["entity_metadata"] = None
        event.clear()
        event.update(updated)
        await self._broadcast(
            "GUILD_SCHEDULED_EVENT_UPDATE", _clone(event), Intents.GUILD_SCHEDULED_EVENTS
        )
        self._notify()
        return 200, _clone(event)

    async def _delete_event(self, call: _Call) -> _Result:
        event = self._event(call)
        self._require_event_rights(event)
        del self.scheduled_events[int(event["id"])]
        await self._broadcast(
            "GUILD_SCHEDULED_EVENT_DELETE", _clone(event), Intents.GUILD_SCHEDULED_EVENTS
        )
        self._notify()
        return 204, None
