"""Erasure leaves nothing of the person behind: not in a mail server's error, not in an Idempotency-Key's
fingerprint, and not in a message a worker had already claimed when the erasure came."""

import datetime as dt
from email.message import EmailMessage

from sqlalchemy import select

from events.database import create_engine, make_sessionmaker
from events.mail.models import OutboxMessage, OutboxStatus
from events.mail.worker import OutboxWorker
from events.registrations.models import IdempotencyKey
from events.registrations.privacy import erase_registration
from tests.conftest import NOW
from tests.registrations.committed import CONTEXT, committed_event, writer
from tests.registrations.helpers import SOON, open_event, outbox, person, registrations
from tests.registrations.test_api import post, token_of
from tests.registrations.test_pages import csrf_field


async def test_erasure_empties_delivery_errors_and_forgets_idempotency_keys(client, session):
    event = await open_event(session)
    first = (await post(client, event, person(1), **{"Idempotency-Key": "retry-me-1"})).json()
    other = (await post(client, event, person(2), **{"Idempotency-Key": "retry-me-2"})).json()
    [mail, other_mail] = await outbox(session)
    # The mail server refused it and said to whom; the message ended as failed, so erasure keeps the row.
    mail.status = OutboxStatus.FAILED
    mail.last_error = "SMTPRecipientsRefused: {'person1@example.org': (550, b'5.1.1 <person1@example.org>')}"
    other_mail.last_error = "SMTPServerDisconnected: Connection lost"
    await session.flush()

    page = (await client.get(f"/r/{token_of(first)}?lang=en")).text
    erased = await client.post(f"/r/{token_of(first)}/erase", data={"csrf_token": csrf_field(page), "confirm": "yes"})
    assert erased.status_code == 200

    gone, kept = await registrations(session, event)
    messages = {message.registration_id: message for message in await outbox(session)}
    await session.refresh(messages[gone.id])
    assert messages[gone.id].last_error is None and messages[gone.id].to_address == ""
    assert messages[kept.id].last_error == "SMTPServerDisconnected: Connection lost"  # someone else's stays
    keys = (await session.scalars(select(IdempotencyKey).execution_options(populate_existing=True))).all()
    assert [key.registration_id for key in keys] == [kept.id]
    assert (await client.get(f"/api/v1/registrations/{token_of(other)}")).status_code == 200


class ErasingTransport:
    """Delivers like a mail server would; while the first message goes out, the second person erases their data."""

    def __init__(self, engine, erase_id: int) -> None:
        self.engine, self.erase_id = engine, erase_id
        self.delivered: list[str] = []

    async def deliver(self, message: EmailMessage, row: OutboxMessage) -> None:
        if not self.delivered:
            async with writer(self.engine)() as session:
                await erase_registration(session, self.erase_id, CONTEXT)
        self.delivered.append(str(message["To"]))


async def test_a_claimed_message_is_not_sent_after_the_person_erased_their_data(migrated_database):
    engine = create_engine(migrated_database)
    try:
        _, (first, second) = await committed_event(engine, starts_at=SOON, people=2)
        transport = ErasingTransport(engine, second)
        worker = OutboxWorker(engine, transport, sender="noreply@stedenband.test", clock=lambda: NOW)
        assert await worker.deliver_due() == 2  # both were claimed in one batch before the erasure
        assert transport.delivered == ["Person 1 <person1@example.org>"]
        async with make_sessionmaker(engine)() as session:
            rows = (await session.scalars(select(OutboxMessage))).all()
        assert [(row.registration_id, row.status) for row in rows] == [(first, OutboxStatus.SENT)]
        later = OutboxWorker(engine, transport, sender="noreply@x.test", clock=lambda: NOW + dt.timedelta(hours=1))
        assert await later.deliver_due() == 0
    finally:
        await engine.dispose()
