"""`stedenband privacy purge` works in batches, each its own transaction, so SQLite's write lock is free between
them and an interrupted purge keeps what it did."""

import argparse
import asyncio
import datetime as dt
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from events import cli
from events.database import create_engine, make_sessionmaker
from events.mail.models import OutboxMessage
from events.registrations.models import Registration
from events.registrations.privacy import purge_in_batches
from tests.conftest import NOW, settings_with
from tests.registrations.committed import committed_event, move_to_the_past, writer
from tests.registrations.helpers import SOON

LONG_AGO = dt.datetime(2020, 1, 31, 18, 0, tzinfo=dt.UTC)
ENDED_BEFORE = NOW - dt.timedelta(days=365)


async def erased(engine) -> int:
    async with make_sessionmaker(engine)() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(Registration).where(Registration.erased_at.is_not(None))
            )
        )


@pytest.fixture
async def engine(migrated_database):
    engine = create_engine(migrated_database)
    event_id, _ = await committed_event(engine, starts_at=SOON, people=5)
    await move_to_the_past(engine, event_id, LONG_AGO)
    await committed_event(engine, starts_at=SOON, people=1, first=6)  # an event still to come keeps its people
    yield engine
    await engine.dispose()


async def test_each_batch_commits_on_its_own(engine):
    seen: list[int] = []

    @asynccontextmanager
    async def transactions():
        seen.append(await erased(engine))  # what another connection sees as each transaction begins
        async with writer(engine)() as session:
            yield session

    progress: list[tuple[int, int]] = []
    done = await purge_in_batches(
        transactions, ended_before=ENDED_BEFORE, now=NOW, progress=lambda *step: progress.append(step), batch=2
    )
    assert done == 5
    assert seen == [0, 0, 2, 4]  # counting, then three batches, each after the one before committed
    assert progress == [(2, 5), (4, 5), (5, 5)]
    async with make_sessionmaker(engine)() as session:
        people = (await session.scalars(select(Registration.email).order_by(Registration.id))).all()
        addresses = (await session.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.id))).all()
    assert people == [""] * 5 + ["person6@example.org"]
    assert addresses == ["person6@example.org"]  # the purged people's unsent messages were dropped


async def test_an_interrupted_purge_keeps_what_it_did_and_goes_on_with_the_rest(engine):
    opened = 0

    @asynccontextmanager
    async def dies_at_the_third_batch():
        nonlocal opened
        opened += 1
        if opened == 4:  # counting, two batches, then the process is stopped
            raise KeyboardInterrupt
        async with writer(engine)() as session:
            yield session

    with pytest.raises(KeyboardInterrupt):
        await purge_in_batches(dies_at_the_third_batch, ended_before=ENDED_BEFORE, now=NOW, batch=2)
    assert await erased(engine) == 4
    assert await purge_in_batches(writer(engine), ended_before=ENDED_BEFORE, now=NOW, batch=2) == 1
    assert await erased(engine) == 5
    assert await purge_in_batches(writer(engine), ended_before=ENDED_BEFORE, now=NOW, batch=2) == 0


async def test_the_command_purges_in_batches_and_says_how_many(engine, migrated_database, capsys, monkeypatch):
    monkeypatch.setattr("events.registrations.privacy.PURGE_BATCH", 2)
    settings = settings_with(database_url=migrated_database)
    commits: list[str] = []
    count_commits = lambda connection: commits.append(connection.engine.url.database)  # noqa: E731
    event.listen(Engine, "commit", count_commits)
    try:
        # The command runs its own event loop, as it does from a shell; here in a thread beside the test's.
        assert await asyncio.to_thread(cli._privacy, settings, argparse.Namespace(after_days=365)) == 0
    finally:
        event.remove(Engine, "commit", count_commits)
    assert len(commits) == 1 + 3  # counting, then three batches of at most two
    output = capsys.readouterr().out
    assert output.splitlines() == [
        "Anonymising: 5/5",
        "Anonymised 5 registrations of events that ended more than 365 days ago.",
    ]
    assert await erased(engine) == 5
    assert await asyncio.to_thread(cli._privacy, settings, argparse.Namespace(after_days=365)) == 0
    assert "No registrations of events that ended more than 365 days ago" in capsys.readouterr().out
