"""Whatever goes wrong while delivering one message is a failed attempt of that message: retried with backoff,
`failed` after the last attempt, logged, and neither the rest of the batch nor the worker's loop stops."""

import asyncio
import datetime as dt
import logging
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from events.database import create_engine, make_sessionmaker, transaction
from events.mail import worker as worker_module
from events.mail.models import OutboxMessage, OutboxStatus
from events.mail.service import queue_message
from events.mail.transport import FolderTransport
from events.mail.worker import OutboxWorker, PeriodicJob
from tests.conftest import NOW
from tests.mail.test_worker import Clock, message


@pytest.fixture
async def engine(migrated_database):
    engine = create_engine(migrated_database)
    yield engine
    await engine.dispose()


async def queue(engine, count: int) -> None:
    async with transaction(make_sessionmaker(engine)) as session:
        for number in range(count):
            await queue_message(session, message(number), now=NOW, domain="stedenband.test")


async def rows(engine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_a_disk_error_is_retried_with_backoff_and_ends_as_failed(engine, tmp_path):
    await queue(engine, 1)
    not_a_folder = tmp_path / "outbox"
    not_a_folder.write_text("a file where the mail folder should be")
    clock = Clock()
    worker = OutboxWorker(engine, FolderTransport(str(not_a_folder)), sender="noreply@x.test", clock=clock)
    assert await worker.deliver_due() == 1
    [row] = await rows(engine)
    assert row.status is OutboxStatus.PENDING and row.attempts == 1 and row.claimed_until is None
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=30)
    assert row.last_error.startswith(("FileExistsError", "NotADirectoryError"))
    assert await worker.deliver_due() == 0  # not due again before its backoff
    for _ in range(worker_module.MAX_ATTEMPTS - 1):
        clock.now += dt.timedelta(hours=2)
        assert await worker.deliver_due() == 1
    [row] = await rows(engine)
    assert row.status is OutboxStatus.FAILED and row.attempts == worker_module.MAX_ATTEMPTS
    assert list(tmp_path.glob("**/*.tmp")) == []


class BrokenForTheFirst:
    """A transport with a bug that only one message meets."""

    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def deliver(self, email: EmailMessage, row: OutboxMessage) -> None:
        if row.subject.endswith(" 0"):
            raise RuntimeError("a bug in the transport")
        self.delivered.append(row.subject)


async def wait_for(condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker did not get there in time")


async def test_an_unexpected_error_is_one_failed_attempt_of_that_message_only(engine, caplog):
    await queue(engine, 2)
    clock = Clock()
    transport = BrokenForTheFirst()
    worker = OutboxWorker(engine, transport, sender="noreply@x.test", clock=clock)
    running = asyncio.create_task(worker.run())
    try:
        with caplog.at_level(logging.WARNING, logger="events.mail"):
            await wait_for(lambda: _settled(engine))
    finally:
        running.cancel()
        [ended] = await asyncio.gather(running, return_exceptions=True)
    assert isinstance(ended, asyncio.CancelledError)  # the loop ran on until it was stopped
    broken, fine = await rows(engine)
    assert fine.status is OutboxStatus.SENT and transport.delivered == ["Aanmelding bevestigd 1"]
    assert broken.status is OutboxStatus.PENDING and broken.attempts == 1 and broken.claimed_until is None
    assert broken.next_attempt_at == clock.now + dt.timedelta(seconds=30)
    assert broken.last_error == "RuntimeError: a bug in the transport"
    [record] = [record for record in caplog.records if "unexpected error" in record.getMessage()]
    assert record.getMessage() == (
        f"Message {broken.id} could not be delivered because of an unexpected error (attempt 1, retrying later): "
        "RuntimeError"
    )
    assert record.exc_info is not None  # with the traceback, to find the bug


async def _settled(engine) -> bool:
    broken, fine = await rows(engine)
    return broken.attempts == 1 and fine.status is OutboxStatus.SENT


async def test_a_failing_periodic_job_does_not_stop_the_mail(engine, caplog):
    await queue(engine, 1)

    async def broken_job(session, now) -> int:
        raise RuntimeError("a bug in a job")

    transport = BrokenForTheFirst()
    worker = OutboxWorker(
        engine,
        transport,
        sender="noreply@x.test",
        jobs=[PeriodicJob("broken", dt.timedelta(minutes=5), broken_job)],
        clock=Clock(),
    )
    running = asyncio.create_task(worker.run())
    try:
        with caplog.at_level(logging.ERROR, logger="events.mail"):
            await wait_for(lambda: _attempted(engine))
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert any(record.getMessage().startswith("The broken job failed") for record in caplog.records)


async def _attempted(engine) -> bool:
    [row] = await rows(engine)
    return row.attempts == 1
