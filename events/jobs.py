"""The background worker of a process: the outbox, reminders and clean-ups, wired from the settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from events.catalog.media import remove_unused_images
from events.database import make_sessionmaker, transaction, utcnow, write_engine
from events.feeds.sources import list_sources
from events.feeds.sync import FetchPolicy, sync_all
from events.mail.transport import transport_for
from events.mail.worker import OutboxWorker, PeriodicJob
from events.registrations.models import IdempotencyKey
from events.registrations.notices import queue_reminders
from events.registrations.service import Context
from events.secrets_store import resolve_secret_key
from events.settings import Settings
from events.workspace.digest import send_approval_digests

IDEMPOTENCY_KEYS_KEPT = dt.timedelta(hours=24)


def fetch_policy(settings: Settings) -> FetchPolicy:
    hosts = frozenset(host.strip() for host in (settings.feed_allowed_hosts or "").split(",") if host.strip())
    return FetchPolicy(allowed_hosts=hosts)


def build_worker(settings: Settings, engine: AsyncEngine) -> OutboxWorker:
    secret_key = resolve_secret_key(settings)  # reminders carry the participant's check-in code

    async def reminders(session: AsyncSession, now: dt.datetime) -> int:
        return await queue_reminders(session, Context(settings.base_url, settings.uid_domain, now, secret_key))

    async def forget_idempotency_keys(session: AsyncSession, now: dt.datetime) -> int:
        result = await session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < now - IDEMPOTENCY_KEYS_KEPT)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def sync_feeds(session: AsyncSession, now: dt.datetime) -> int:
        ids = [source.id for source in await list_sources(session)]
        results = await sync_all(
            lambda: transaction(make_sessionmaker(write_engine(engine))),
            ids,
            policy=fetch_policy(settings),
            own_domain=settings.uid_domain,
            now=utcnow,
        )
        return sum(result.created + result.updated + result.cancelled for result in results)

    async def unused_images(session: AsyncSession, now: dt.datetime) -> int:
        return await remove_unused_images(session, Path(settings.media_dir), now=now)

    async def approval_digests(session: AsyncSession, now: dt.datetime) -> int:
        return await send_approval_digests(session, base_url=settings.base_url, domain=settings.uid_domain, now=now)

    jobs = [
        PeriodicJob("reminders", dt.timedelta(minutes=5), reminders),
        # Looks every few minutes; each person still gets at most one digest an hour.
        PeriodicJob("approval digest", dt.timedelta(minutes=5), approval_digests),
        PeriodicJob("idempotency clean-up", dt.timedelta(hours=1), forget_idempotency_keys),
        PeriodicJob("unused images clean-up", dt.timedelta(hours=1), unused_images),
    ]
    if settings.feed_sync_minutes:
        jobs.append(PeriodicJob("feed sync", dt.timedelta(minutes=settings.feed_sync_minutes), sync_feeds))
    return OutboxWorker(
        engine,
        transport_for(settings.smtp_url, settings.mail_dir),
        sender=settings.sender,
        jobs=jobs,
    )
