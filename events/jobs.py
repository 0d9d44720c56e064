"""The background worker of a process: the outbox, reminders and clean-ups, wired from the settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from events.mail.transport import transport_for
from events.mail.worker import OutboxWorker, PeriodicJob
from events.registrations.models import IdempotencyKey
from events.registrations.notices import queue_reminders
from events.registrations.service import Context
from events.settings import Settings

IDEMPOTENCY_KEYS_KEPT = dt.timedelta(hours=24)


def build_worker(settings: Settings, engine: AsyncEngine) -> OutboxWorker:
    async def reminders(session: AsyncSession, now: dt.datetime) -> int:
        return await queue_reminders(session, Context(settings.base_url, settings.uid_domain, now))

    async def forget_idempotency_keys(session: AsyncSession, now: dt.datetime) -> int:
        result = await session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < now - IDEMPOTENCY_KEYS_KEPT)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    return OutboxWorker(
        engine,
        transport_for(settings.smtp_url, settings.mail_dir),
        sender=settings.sender,
        jobs=[
            PeriodicJob("reminders", dt.timedelta(minutes=5), reminders),
            PeriodicJob("idempotency clean-up", dt.timedelta(hours=1), forget_idempotency_keys),
        ],
    )
