"""A real Synapse homeserver on 127.0.0.1 for Matrix adapter tests.

Synapse lives in its own virtualenv (``JUNTO_SYNAPSE_VENV``, default
``<repo>/.venv-synapse``) because its dependency pins must not leak into the
project's environment. ``ensure_synapse_venv`` installs it on first use, so a
fresh clone needs no manual step.

Typical use from a test (fixtures in conftest.py beside this file)::

    async def test_x(homeserver: Homeserver, matrix_client: ClientFactory) -> None:
        alice = await matrix_client("alice")  # @alice<N>:localhost, logged in
        bot_user = await homeserver.register(homeserver.new_localpart("bot"))
        ...
        event = await sync_until(alice, timeline_event(room_id, is_bot_reply))
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import hmac
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import aiohttp
from nio import AsyncClient, AsyncClientConfig, LoginResponse, SyncError, SyncResponse

REPO_ROOT = Path(__file__).resolve().parents[3]

# Pinned so that every machine tests against the same server behaviour; the
# environment variable lets someone try a newer release without editing code.
SYNAPSE_REQUIREMENT = os.environ.get("JUNTO_SYNAPSE_REQUIREMENT", "matrix-synapse==1.163.2")

_MARKER = "junto-installed.txt"

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

T = TypeVar("T")


class SynapseUnavailable(RuntimeError):
    """Synapse could not be installed or started; the message says why."""


def synapse_venv_dir() -> Path:
    configured = os.environ.get("JUNTO_SYNAPSE_VENV")
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / ".venv-synapse"


def _installed(venv: Path) -> bool:
    # The marker is written only after pip succeeded, so an interrupted install
    # is retried; it also names the requirement, so bumping the pin upgrades.
    python = venv / "bin" / "python"
    marker = venv / _MARKER
    if not python.exists() or not marker.exists():
        return False
    if marker.read_text().strip() != SYNAPSE_REQUIREMENT:
        return False
    probe = subprocess.run([str(python), "-c", "import synapse"], capture_output=True, check=False)
    return probe.returncode == 0


def ensure_synapse_venv() -> Path:
    """Return the Synapse venv's interpreter, creating the venv if needed.

    Blocking; safe to call from several pytest processes at once.
    """
    venv = synapse_venv_dir()
    python = venv / "bin" / "python"
    if _installed(venv):
        return python

    venv.mkdir(parents=True, exist_ok=True)
    install_log = venv / "install.log"
    # The lock lives inside the venv directory so that there is only one path
    # to ignore in git; `python -m venv` tolerates the existing directory.
    with open(venv / ".install.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _progress(f"waiting for another process that is installing Synapse into {venv}...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        # Another process may have finished the install while we waited.
        if _installed(venv):
            return python
        started = time.monotonic()
        _progress(f"installing {SYNAPSE_REQUIREMENT} into {venv} (about a minute)...")
        with open(install_log, "w") as log:
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [str(python), "-m", "pip", "install", "--progress-bar", "off", SYNAPSE_REQUIREMENT],
            ]
            for step in steps:
                log.write(f"$ {' '.join(step)}\n")
                log.flush()
                result = subprocess.run(step, stdout=log, stderr=subprocess.STDOUT, check=False)
                if result.returncode != 0:
                    raise SynapseUnavailable(
                        f"`{' '.join(step)}` failed with exit code {result.returncode}:\n"
                        + _tail(install_log, 30)
                    )
        probe = subprocess.run([str(python), "-c", "import synapse.app.homeserver"], check=False)
        if probe.returncode != 0:
            raise SynapseUnavailable(
                f"{SYNAPSE_REQUIREMENT} installed into {venv} but does not import:\n"
                + _tail(install_log, 30)
            )
        (venv / _MARKER).write_text(SYNAPSE_REQUIREMENT + "\n")
        _progress(f"installed Synapse in {time.monotonic() - started:.1f} s")
    return python


def _progress(message: str) -> None:
    print(f"[synapse] {message}", file=sys.stderr, flush=True)


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} is missing)"
    # pip's "from versions: ..." lines run to tens of kilobytes.
    return "\n".join(line[:400] for line in text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: if pytest is killed outright its
    # teardown never runs, and a leftover Synapse would hold the port forever.
    # PR_SET_PDEATHSIG fires when the *thread* that forked exits, which is why
    # the server is only ever spawned from the event-loop thread.
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


_UNLIMITED = {"per_second": 100_000, "burst_count": 1_000_000}

# Every rate limiter the installed Synapse reads (synapse/config/ratelimiting.py).
# Tests register, log in and send in bursts that the production defaults would
# throttle with 429s; keys unknown to a given release are ignored by Synapse.
_RATE_LIMITS: dict[str, Any] = {
    "rc_message": _UNLIMITED,
    "rc_registration": _UNLIMITED,
    "rc_registration_token_validity": _UNLIMITED,
    "rc_login": {
        "address": _UNLIMITED,
        "account": _UNLIMITED,
        "failed_attempts": _UNLIMITED,
    },
    "rc_admin_redaction": _UNLIMITED,
    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
    "rc_joins_per_room": _UNLIMITED,
    "rc_key_requests": _UNLIMITED,
    "rc_3pid_validation": _UNLIMITED,
    "rc_invites": {
        "per_room": _UNLIMITED,
        "per_user": _UNLIMITED,
        "per_issuer": _UNLIMITED,
    },
    "rc_third_party_invite": _UNLIMITED,
    "rc_media_create": _UNLIMITED,
    "rc_presence": {"per_user": _UNLIMITED},
    "rc_delayed_event_mgmt": _UNLIMITED,
    "rc_room_creation": _UNLIMITED,
    "rc_reports": _UNLIMITED,
    "rc_user_directory": _UNLIMITED,
    "rc_profile": _UNLIMITED,
}


class RegisteredUser(NamedTuple):
    user_id: str
    password: str
    access_token: str


@dataclass
class _Paths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "homeserver.yaml"

    @property
    def log_config(self) -> Path:
        return self.root / "log.config"

    @property
    def log(self) -> Path:
        return self.root / "homeserver.log"

    @property
    def console(self) -> Path:
        return self.root / "console.log"


class Homeserver:
    """One Synapse process plus the state needed to restart it in place."""

    def __init__(
        self,
        python: Path,
        *,
        server_name: str = "localhost",
        data_dir: Path | None = None,
    ) -> None:
        # absolute() rather than resolve(): the venv's python is a symlink to
        # the base interpreter, and resolving it would escape the venv.
        self.python = python.absolute()
        self.server_name = server_name
        self._owns_data_dir = data_dir is None
        self._paths = _Paths(data_dir or Path(tempfile.mkdtemp(prefix="junto-synapse-")))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(32)
        self._process: subprocess.Popen[bytes] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._clients: list[AsyncClient] = []
        self._passwords: dict[str, str] = {}
        self._counter = itertools.count(1)
        self.startup_seconds: float | None = None
        self._write_config()

    @property
    def data_dir(self) -> Path:
        return self._paths.root

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def _write_config(self) -> None:
        root = self._paths.root
        (root / "media_store").mkdir(parents=True, exist_ok=True)
        signing_key = root / "signing.key"
        if not signing_key.exists():
            # Any 32 random bytes are a valid ed25519 seed; writing the key here
            # saves a second interpreter start (`--generate-keys`) per session.
            seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
            signing_key.write_text(f"ed25519 a_junto {seed}\n")
        # Synapse configures the stdlib logging module from this; WARNING keeps
        # the file small enough to paste into a failure message.
        log_config = {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "precise": {"format": "%(asctime)s %(name)s %(levelname)s %(request)s %(message)s"}
            },
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self._paths.log),
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
        }
        self._paths.log_config.write_text(json.dumps(log_config, indent=2))
        config: dict[str, Any] = {
            "server_name": self.server_name,
            "public_baseurl": f"{self.url}/",
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    # "client" also mounts /_synapse/admin, which registration needs.
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {
                "name": "sqlite3",
                "args": {"database": str(root / "homeserver.db")},
            },
            "log_config": str(self._paths.log_config),
            "media_store_path": str(root / "media_store"),
            "signing_key_path": str(signing_key),
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(32),
            "form_secret": secrets.token_hex(32),
            "enable_registration": False,
            "bcrypt_rounds": 4,
            "report_stats": False,
            "enable_metrics": False,
            "suppress_key_server_warning": True,
            "trusted_key_servers": [],
            "federation_domain_whitelist": [],
            "url_preview_enabled": False,
            # Presence adds EDUs to every sync and a background loop; no test
            # depends on it.
            "presence": {"enabled": False},
            **_RATE_LIMITS,
        }
        # JSON is valid YAML, and the project venv has no YAML writer.
        self._paths.config.write_text(json.dumps(config, indent=2))

    def log_tail(self, lines: int = 40) -> str:
        return (
            f"--- {self._paths.console} ---\n{_tail(self._paths.console, lines)}\n"
            f"--- {self._paths.log} ---\n{_tail(self._paths.log, lines)}"
        )

    async def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        started = time.monotonic()
        self._spawn()
        try:
            await self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def _spawn(self) -> None:
        with open(self._paths.console, "ab") as console:
            self._process = subprocess.Popen(
                [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self._paths.config)],
                cwd=self._paths.root,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    async def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        probe_timeout = aiohttp.ClientTimeout(total=2)
        while True:
            code = self._process.poll()
            if code is not None:
                raise SynapseUnavailable(
                    f"Synapse exited with code {code} during startup:\n{self.log_tail()}"
                )
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self.http.get(
                    f"{self.url}/_matrix/client/versions", timeout=probe_timeout
                ) as response:
                    if response.status == 200:
                        return
            if time.monotonic() > deadline:
                raise SynapseUnavailable(
                    f"Synapse did not answer within {STARTUP_TIMEOUT:.0f} s:\n{self.log_tail()}"
                )
            await asyncio.sleep(0.1)

    def stop(self) -> None:
        """Stop the server process by its PID; the data directory stays."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    async def restart(self) -> None:
        """Stop and start the same server on the same port with the same data."""
        self.stop()
        # A stale keep-alive connection would otherwise fail the first request.
        await self._close_http()
        await self.start()

    async def aclose(self) -> None:
        """Close tracked clients, stop the server and remove its temp data."""
        await self.close_clients()
        self.stop()
        await self._close_http()
        if self._owns_data_dir:
            shutil.rmtree(self._paths.root, ignore_errors=True)

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def _close_http(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    def new_localpart(self, prefix: str = "user") -> str:
        """A localpart not yet used on this server (the server is session-wide)."""
        return f"{prefix}{next(self._counter)}"

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    async def register(
        self, localpart: str, password: str | None = None, admin: bool = False
    ) -> RegisteredUser:
        """Create a user with the shared-secret admin API (registration is closed)."""
        password = password or secrets.token_urlsafe(16)
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        async with self.http.get(endpoint) as response:
            response.raise_for_status()
            nonce = (await response.json())["nonce"]
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    localpart.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        async with self.http.post(endpoint, json=body) as response:
            payload = await response.json()
            if response.status != 200:
                raise RuntimeError(f"registering {localpart!r} failed: {payload}")
        self._passwords[localpart] = password
        return RegisteredUser(payload["user_id"], password, payload["access_token"])

    async def client(
        self,
        localpart: str,
        *,
        password: str | None = None,
        store_path: str | Path | None = None,
        config: AsyncClientConfig | None = None,
        device_name: str = "junto-tests",
    ) -> AsyncClient:
        """A logged-in AsyncClient; registers the user unless this server knows it.

        Each call logs in afresh, so it yields a new device. The client is
        closed by ``close_clients``/``aclose``.
        """
        if localpart in self._passwords:
            password = self._passwords[localpart]
        else:
            password = (await self.register(localpart, password)).password
        client = AsyncClient(
            self.url,
            self.user_id(localpart),
            store_path=_prepare_store(store_path),
            config=config,
        )
        self._clients.append(client)
        response = await client.login(password, device_name=device_name)
        if not isinstance(response, LoginResponse):
            raise RuntimeError(f"login of {localpart!r} failed: {response}")
        return client

    async def close_clients(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.close()


def _prepare_store(store_path: str | Path | None) -> str:
    # nio opens its crypto store inside this directory but does not create it.
    if store_path is None:
        return ""
    Path(store_path).mkdir(parents=True, exist_ok=True)
    return str(store_path)


async def sync_until(
    client: AsyncClient,
    found: Callable[[SyncResponse], T | None],
    *,
    within: float = 15.0,
    poll_ms: int = 1000,
) -> T:
    """Sync repeatedly until ``found`` returns something other than None.

    Each sync long-polls for up to ``poll_ms``, so a match is seen as soon as
    the server has it rather than after a fixed sleep.
    """
    deadline = time.monotonic() + within
    last_error: SyncError | None = None
    while time.monotonic() < deadline:
        response = await client.sync(timeout=poll_ms)
        if isinstance(response, SyncResponse):
            result = found(response)
            if result is not None:
                return result
        else:
            last_error = response
    raise TimeoutError(
        f"{client.user_id}: condition not met within {within} s (last sync error: {last_error})"
    )


def timeline_event(
    room_id: str, match: Callable[[Any], bool]
) -> Callable[[SyncResponse], Any | None]:
    """A ``sync_until`` condition: the first timeline event in room_id that matches."""

    def find(response: SyncResponse) -> Any | None:
        room = response.rooms.join.get(room_id)
        if room is None:
            return None
        return next((event for event in room.timeline.events if match(event)), None)

    return find
