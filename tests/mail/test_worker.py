"""The outbox worker: real SMTP delivery, retries with backoff, and several workers never sending twice."""

import asyncio
import datetime as dt
import email
import email.policy

import pytest
from sqlalchemy import select

from events.database import create_engine, make_sessionmaker, transaction
from events.mail.models import OutboxMessage, OutboxStatus
from events.mail.service import Message, queue_message
from events.mail.transport import FolderTransport, SMTPTransport, build_email
from events.mail.worker import OutboxWorker
from tests.conftest import NOW
from tests.smtp import SMTPServer, body_text, calendar_part

CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def message(number: int, **changes) -> Message:
    values = {
        "kind": "confirmed",
        "to_address": f"person{number}@example.org",
        "to_name": f"Person {number}",
        "language": "nl",
        "subject": f"Aanmelding bevestigd {number}",
        "text_body": f"Hallo {number}",
        "html_body": f"<p>Hallo {number}</p>",
        "calendar": CALENDAR,
        "calendar_method": "REQUEST",
    }
    return Message(**{**values, **changes})


@pytest.fixture
async def engine(migrated_database):
    engine = create_engine(migrated_database)
    yield engine
    await engine.dispose()


async def queue(engine, count: int, **changes) -> None:
    async with transaction(make_sessionmaker(engine)) as session:
        for number in range(count):
            await queue_message(session, message(number, **changes), now=NOW, domain="stedenband.test")


async def rows(engine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


class Clock:
    def __init__(self) -> None:
        self.now = NOW + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now


async def test_messages_reach_a_real_smtp_server_with_text_html_and_calendar(engine):
    await queue(engine, 2)
    with SMTPServer() as server:
        worker = OutboxWorker(
            engine, SMTPTransport(server.url), sender="Stedenband <noreply@stedenband.test>", clock=Clock()
        )
        assert await worker.deliver_due() == 2
        received = server.inbox.messages
    assert len(received) == 2
    first = received[0]
    assert first["Subject"] == "Aanmelding bevestigd 0" and "person0@example.org" in first["To"]
    assert first["Message-ID"].endswith("@stedenband.test>")
    assert first["Content-Language"] == "nl"
    assert body_text(first).strip() == "Hallo 0"
    assert first.get_body(preferencelist=("html",)) is not None
    assert "METHOD:REQUEST" in calendar_part(first)
    assert [row.status for row in await rows(engine)] == [OutboxStatus.SENT] * 2
    assert await worker.deliver_due() == 0  # nothing is sent twice


async def test_a_refused_message_is_retried_with_backoff(engine):
    await queue(engine, 1)
    clock = Clock()
    with SMTPServer() as server:
        server.inbox.refuse = 1
        worker = OutboxWorker(engine, SMTPTransport(server.url), sender="noreply@stedenband.test", clock=clock)
        assert await worker.deliver_due() == 1
        [row] = await rows(engine)
        assert row.status is OutboxStatus.PENDING and row.attempts == 1 and "451" in row.last_error
        assert row.next_attempt_at == clock.now + dt.timedelta(seconds=30)
        assert await worker.deliver_due() == 0  # not due yet
        clock.now += dt.timedelta(seconds=31)
        assert await worker.deliver_due() == 1
        assert len(server.inbox.messages) == 1
    [row] = await rows(engine)
    assert row.status is OutboxStatus.SENT and row.sent_at is not None


async def test_after_the_last_attempt_a_message_is_marked_failed(engine):
    from events.mail import worker as worker_module

    await queue(engine, 1)
    clock = Clock()
    with SMTPServer() as server:
        server.inbox.refuse = 100
        worker = OutboxWorker(engine, SMTPTransport(server.url), sender="noreply@stedenband.test", clock=clock)
        for _ in range(worker_module.MAX_ATTEMPTS):
            await worker.deliver_due()
            clock.now += dt.timedelta(hours=2)
    [row] = await rows(engine)
    assert row.status is OutboxStatus.FAILED and row.attempts == worker_module.MAX_ATTEMPTS


async def test_two_workers_at_once_send_every_message_exactly_once(engine):
    await queue(engine, 40)
    with SMTPServer() as server:
        workers = [
            OutboxWorker(engine, SMTPTransport(server.url), sender="noreply@stedenband.test", clock=Clock())
            for _ in range(2)
        ]

        async def drain(worker: OutboxWorker) -> None:
            while await worker.deliver_due():
                pass

        for _ in range(3):  # on SQLite the second worker waits for the first one's lease; keep going
            await asyncio.gather(*(drain(worker) for worker in workers))
        received = server.inbox.messages
    ids = [message["Message-ID"] for message in received]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert all(row.status is OutboxStatus.SENT for row in await rows(engine))


async def test_without_a_mail_server_messages_become_eml_files(engine, tmp_path):
    await queue(engine, 1)
    worker = OutboxWorker(engine, FolderTransport(str(tmp_path / "outbox")), sender="noreply@x.test", clock=Clock())
    assert await worker.deliver_due() == 1
    [path] = (tmp_path / "outbox").glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Aanmelding bevestigd 0"


def test_header_injection_through_a_name_is_refused():
    row = OutboxMessage(
        id=1,
        kind="x",
        to_address="a@example.org",
        to_name="Eve\r\nBcc: victim@example.org",
        language="en",
        subject="s",
        text_body="t",
        html_body="h",
        message_id="<1@x>",
        created_at=NOW,
    )
    with pytest.raises(ValueError):
        bytes(build_email(row, sender="noreply@x.test"))
