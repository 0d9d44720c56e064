"""Queueing messages in the outbox. Functions flush and never commit; the worker sends after the commit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from events.database import after_commit
from events.mail.models import OutboxMessage
from events.mail.signal import wake_workers


@dataclass(frozen=True)
class Message:
    kind: str
    to_address: str
    to_name: str
    language: str
    subject: str
    text_body: str
    html_body: str
    calendar: str | None = None
    calendar_method: str | None = None
    registration_id: int | None = None
    # Drawn as a QR code inside the HTML part when the message is sent (a check-in code).
    qr_code: str | None = None


# A Core statement: on every registration, the unit of work's flush would cost more than the INSERT itself.
_INSERT = insert(OutboxMessage)


async def queue_message(session: AsyncSession, message: Message, *, now: dt.datetime, domain: str) -> None:
    """Write a message to the outbox in the caller's transaction; it leaves only if that transaction commits."""
    await session.flush()  # whatever the message is about (its registration first) is written before it
    row = dict(
        kind=message.kind,
        registration_id=message.registration_id,
        to_address=message.to_address,
        to_name=message.to_name,
        language=message.language,
        subject=message.subject,
        text_body=message.text_body,
        html_body=message.html_body,
        calendar=message.calendar,
        calendar_method=message.calendar_method,
        qr_code=message.qr_code,
        message_id=f"<{uuid.uuid4()}@{domain}>",
        next_attempt_at=now,
        created_at=now,
    )
    await (await session.connection()).execute(_INSERT, row)
    if not session.info.get("wakes_mail_workers"):
        session.info["wakes_mail_workers"] = True
        after_commit(session, wake_workers)
