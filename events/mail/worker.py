"""The outbox worker: sends queued messages after their transaction committed, retries with backoff, and
never lets two workers send the same message.

Workers claim a batch in a short transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so many workers share the
work; SQLite: only the holder of a single lease works, as SQLite has one writer anyway), send outside any
transaction, then mark each message sent only if their claim still holds. Just before sending, each message is
read again: one deleted meanwhile (an erasure drops unsent messages) or taken over is not sent, and the fresh
row is what goes out. A failed attempt, whatever the error, is retried with backoff. A worker that dies
mid-batch loses its claim after CLAIM_TIME and another takes over; the message keeps its Message-ID, so in that
rare case a mail program shows a repeat as the same message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from events.database import make_sessionmaker, transaction, utcnow, write_engine
from events.mail import signal
from events.mail.models import OutboxMessage, OutboxStatus, WorkerLease
from events.mail.transport import DeliveryError, Transport, build_email

log = logging.getLogger("events.mail")

BATCH = 20
CLAIM_TIME = dt.timedelta(minutes=2)
LEASE_TIME = dt.timedelta(seconds=30)
MAX_ATTEMPTS = 8
POLL_INTERVAL = 2.0

Clock = Callable[[], dt.datetime]
Job = Callable[[AsyncSession, dt.datetime], Awaitable[int]]


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … at most an hour between attempts."""
    return min(dt.timedelta(seconds=30 * 2 ** (attempts - 1)), dt.timedelta(hours=1))


@dataclass(frozen=True)
class PeriodicJob:
    """Work the worker also does now and then, in a transaction of its own (reminders, clean-ups)."""

    name: str
    every: dt.timedelta
    run: Job


class OutboxWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        transport: Transport,
        *,
        sender: str,
        jobs: Sequence[PeriodicJob] = (),
        clock: Clock = utcnow,
    ) -> None:
        self.sessionmaker = make_sessionmaker(write_engine(engine))  # claims and updates: BEGIN IMMEDIATE on SQLite
        self.reader = make_sessionmaker(engine)
        self.transport = transport
        self.sender = sender
        self.jobs = jobs
        self.clock = clock
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._last_run: dict[str, dt.datetime] = {}

    async def run(self) -> None:
        """Deliver until cancelled, waking at once when this process queues mail."""
        wake = signal.subscribe()
        log.info("The mail worker %s started", self.name, extra={"worker": self.name})
        try:
            while True:
                await self.run_jobs()
                try:
                    if await self.deliver_due():
                        continue  # there may be more
                except Exception:  # the worker must outlive a failing database
                    log.exception("The mail worker hit an error; it tries again shortly")
                wake.clear()
                try:
                    await asyncio.wait_for(wake.wait(), timeout=POLL_INTERVAL)
                except TimeoutError:
                    pass
        finally:
            signal.unsubscribe(wake)

    async def run_jobs(self) -> None:
        now = self.clock()
        for job in self.jobs:
            last = self._last_run.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self._last_run[job.name] = now
            try:
                async with transaction(self.sessionmaker) as session:
                    done = await job.run(session, now)
            except Exception:  # one failing job must neither stop the mail nor the other jobs
                log.exception(
                    "The %s job failed; its changes were rolled back and it runs again in %s",
                    job.name,
                    job.every,
                    extra={"job": job.name},
                )
                continue
            if done:
                log.info("The %s job did %s things", job.name, done, extra={"job": job.name, "count": done})

    async def deliver_due(self) -> int:
        """Send every message that is due now (one batch); returns how many were handled."""
        claimed = await self._claim()
        for row in claimed:
            await self._deliver(row)
        return len(claimed)

    def _due(self, now: dt.datetime) -> Select[OutboxMessage]:
        return (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
        )

    async def _claim(self) -> list[OutboxMessage]:
        now = self.clock()
        # Look before writing: an idle worker must not write (on SQLite every write is seen by every process's
        # page cache, and it would also take the one write lock for nothing).
        async with self.reader() as session:
            if await session.scalar(self._due(now).with_only_columns(OutboxMessage.id).limit(1)) is None:
                return []
        async with transaction(self.sessionmaker) as session:
            is_sqlite = session.bind.dialect.name == "sqlite"  # type: ignore[union-attr]
            if is_sqlite and not await self._hold_lease(session, now):
                return []
            statement = self._due(now).limit(BATCH)
            if not is_sqlite:
                statement = statement.with_for_update(skip_locked=True)
            rows = list((await session.scalars(statement)).all())
            for row in rows:
                row.claimed_until = now + CLAIM_TIME
        return rows

    async def _hold_lease(self, session: AsyncSession, now: dt.datetime) -> bool:
        lease = await session.get(WorkerLease, "outbox")
        if lease is None:
            session.add(WorkerLease(name="outbox", holder=self.name, expires_at=now + LEASE_TIME))
            return True
        if lease.holder != self.name and lease.expires_at > now:
            return False
        lease.holder, lease.expires_at = self.name, now + LEASE_TIME
        return True

    async def _still_ours(self, row: OutboxMessage) -> OutboxMessage | None:
        """The message as it is now, if it is still pending and claimed by this worker: an erasure may have
        deleted it since the claim, or another worker taken it over."""
        async with self.reader() as session:
            return await session.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.id == row.id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.claimed_until == row.claimed_until,
                )
            )

    async def _deliver(self, claimed: OutboxMessage) -> None:
        claim = claimed.claimed_until
        # Looked at again just before sending, as the batch may have waited for the messages before it.
        row = await self._still_ours(claimed)
        if row is None:
            log.info(
                "Message %s was withdrawn or taken over after it was claimed; it is not sent",
                claimed.id,
                extra={"outbox_id": claimed.id, "kind": claimed.kind},
            )
            return
        try:
            await self.transport.deliver(build_email(row, sender=self.sender), row)
        except (DeliveryError, ValueError) as error:
            await self._failed(row, claim, error)
            return
        except Exception as error:  # a bug or an unforeseen error: one failed attempt of this message only
            await self._failed(row, claim, error, unexpected=True)
            return
        async with transaction(self.sessionmaker) as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.claimed_until == claim)
                .values(status=OutboxStatus.SENT, sent_at=self.clock(), claimed_until=None, last_error=None)
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            log.warning("Message %s was sent after its claim ran out", row.id, extra={"outbox_id": row.id})

    async def _failed(
        self, row: OutboxMessage, claim: dt.datetime | None, error: Exception, *, unexpected: bool = False
    ) -> None:
        attempts = row.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        reason = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
        async with transaction(self.sessionmaker) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.claimed_until == claim)
                .values(
                    attempts=attempts,
                    status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
                    next_attempt_at=self.clock() + backoff(attempts),
                    claimed_until=None,
                    last_error=reason[:1000],
                )
            )
        log.warning(
            "Message %s could not be delivered%s (attempt %s%s): %s",
            row.id,
            " because of an unexpected error" if unexpected else "",
            attempts,
            ", giving up" if gave_up else ", retrying later",
            type(error).__name__,
            exc_info=error if unexpected else None,
            extra={"outbox_id": row.id, "kind": row.kind, "attempts": attempts},
        )
