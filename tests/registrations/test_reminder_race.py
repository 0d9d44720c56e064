"""Every worker process runs the reminders job: two runs at once, each in its own transaction, still remind
each participant once per occurrence."""

import asyncio
import datetime as dt

from sqlalchemy import select

from events.database import create_engine, make_sessionmaker
from events.mail.models import OutboxMessage
from events.registrations.models import Registration
from events.registrations.notices import queue_reminders
from tests.conftest import NOW
from tests.databases import until_it_waits
from tests.registrations.committed import CONTEXT, committed_event, writer

STARTS = NOW + dt.timedelta(hours=10)


async def remind(engine) -> int:
    async with writer(engine)() as session:
        return await queue_reminders(session, CONTEXT)


async def reminders(engine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        statement = select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id)
        return list((await session.scalars(statement)).all())


async def test_two_reminder_jobs_at_once_remind_each_participant_once(migrated_database):
    engine = create_engine(migrated_database)
    try:
        _, ids = await committed_event(engine, starts_at=STARTS, people=3)
        async with writer(engine)() as first:
            assert await queue_reminders(first, CONTEXT) == 3
            # The second job starts while the first has not committed: it read the same registrations as not
            # reminded yet, and must not remind them again once the first one commits.
            second = asyncio.create_task(remind(engine))
            await until_it_waits(engine, second, "the second reminders job")
        assert await second == 0

        sent = await reminders(engine)
        assert sorted(message.registration_id for message in sent) == ids
        async with make_sessionmaker(engine)() as session:
            reminded = (await session.scalars(select(Registration.reminded_for))).all()
        assert reminded == [STARTS] * 3
        assert await asyncio.gather(remind(engine), remind(engine)) == [0, 0]  # and once is once
        assert len(await reminders(engine)) == 3
    finally:
        await engine.dispose()


async def test_many_reminder_jobs_together_send_one_reminder_each(migrated_database):
    engine = create_engine(migrated_database)
    try:
        _, ids = await committed_event(engine, starts_at=STARTS, people=5)
        counts = await asyncio.gather(*(remind(engine) for _ in range(4)))
        assert sum(counts) == 5
        assert sorted(message.registration_id for message in await reminders(engine)) == ids
    finally:
        await engine.dispose()
