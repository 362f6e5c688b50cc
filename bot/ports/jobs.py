"""Due work as rows, claimed under a lease."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.ports.communities import Community


@dataclass(frozen=True)
class Job:
    """A piece of due work: a row with a due time, claimed by one runner at a time."""

    id: int
    community_id: int
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]
    attempts: int
    ref: str | None = None
    ran_at: datetime | None = None
    outbox: Sequence[Mapping[str, Any]] | None = None


class JobRepository(Protocol):
    async def add(
        self,
        community_id: int,
        kind: str,
        due_at: datetime,
        payload: Mapping[str, Any],
        now: datetime,
        *,
        ref: str | None = None,
        unique_key: str | None = None,
    ) -> int | None:
        """The new job's id; None when a pending job already holds `unique_key`."""
        ...

    async def drop_pending(self, community_id: int, ref: str) -> int:
        """Forget jobs about `ref` that have not run; how many."""
        ...

    async def claim(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Job]: ...

    async def start_run(self, job_id: int, owner: str, now: datetime) -> bool:
        """Mark the job as run in this transaction, before its effects; False if the
        lease was lost or the job was dropped, and the caller must not run it."""
        ...

    async def finish_run(
        self, job_id: int, now: datetime, outbox: Sequence[Mapping[str, Any]], *, done: bool
    ) -> None:
        """Keep the notices the run produced until they are delivered."""
        ...

    async def mark_done(self, job_id: int, owner: str, now: datetime) -> bool: ...

    async def retry(
        self,
        job_id: int,
        owner: str,
        due_at: datetime,
        error: str,
        *,
        outbox: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Try again at `due_at`; with `outbox`, only these notices are left to deliver."""
        ...

    async def fail(self, job_id: int, owner: str, now: datetime, error: str) -> None: ...

    async def community(self, community_id: int) -> Community: ...
