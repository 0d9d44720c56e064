"""The approval digest: one mail when registrations await approval, not again within the hour, again after it when
new ones wait, in each person's language; two worker processes at once still send one."""

import asyncio
import datetime as dt

from sqlalchemy import select

from events.accounts.models import Role, User
from events.accounts.service import add_user
from events.catalog.models import EventCoOrganiser
from events.catalog.service import EventText
from events.database import create_engine, make_sessionmaker
from events.jobs import build_worker
from events.mail.models import OutboxMessage
from events.registrations.forms import from_json
from events.registrations.service import Context, register
from events.workspace.digest import SETTLE, send_approval_digests
from tests.conftest import NOW, TEST_SETTINGS
from tests.databases import until_it_waits
from tests.factories import make_event
from tests.registrations.committed import committed_event, writer
from tests.registrations.helpers import person
from tests.workspace.helpers import PASSWORD, make_user, world_of

BASE_URL = "https://stedenband.test"
PUBLISHED = NOW - dt.timedelta(days=5)
TRADE_TEXTS = {"en": EventText(title="Trade mission"), "zh": EventText(title="贸易代表团")}


async def digests(session, now):
    return await send_approval_digests(session, base_url=BASE_URL, domain="stedenband.test", now=now)


async def sign_up(session, event, number, at):
    context = Context(base_url=BASE_URL, calendar_domain="stedenband.test", now=at)
    await register(session, event_id=event.id, sent=from_json(person(number)), context=context)


async def mails(session) -> dict[str, list[OutboxMessage]]:
    statement = select(OutboxMessage).where(OutboxMessage.kind == "approval_digest").order_by(OutboxMessage.id)
    found: dict[str, list[OutboxMessage]] = {}
    for message in (await session.scalars(statement)).all():
        found.setdefault(message.to_address, []).append(message)
    return found


async def test_one_digest_then_none_within_the_hour_then_one_for_what_is_new(session):
    world = await world_of(session)
    await make_user(session, "anna@weert.nl", language="en")
    await make_user(session, "admin@weert.nl", role=Role.ADMIN, language="nl")
    await make_user(session, "li@yuhang.gov.cn", city="yuhang", language="zh")
    await add_user(session, email="invited@weert.nl", role=Role.ORGANISER, city_slug="weert", password=None)
    leaver = await make_user(session, "leaver@weert.nl")
    leaver.is_active = False
    trade = await make_event(
        session, world, texts=TRADE_TEXTS, starts_at=NOW + dt.timedelta(days=9), now=PUBLISHED, approval_required=True
    )
    joint = await make_event(
        session,
        world,
        title="Lantern festival",
        city=world.yuhang,
        starts_at=NOW + dt.timedelta(days=4),
        now=PUBLISHED,
        approval_required=True,
    )
    session.add(EventCoOrganiser(event_id=joint.id, city_id=world.weert.id))
    await make_event(session, world, title="Quiet", starts_at=NOW + dt.timedelta(days=4), now=PUBLISHED)
    await sign_up(session, trade, 1, NOW - dt.timedelta(hours=2))
    await sign_up(session, trade, 2, NOW - dt.timedelta(hours=1))
    await sign_up(session, joint, 3, NOW - dt.timedelta(hours=1))

    assert await digests(session, NOW) == 3
    sent = await mails(session)
    assert sorted(sent) == ["admin@weert.nl", "anna@weert.nl", "li@yuhang.gov.cn"]  # not the invited, not the leaver
    [anna] = sent["anna@weert.nl"]
    assert anna.language == "en" and anna.subject == "3 registrations await your approval"
    assert "Lantern festival: 1 registration awaits approval" in anna.text_body
    assert "Trade mission: 2 registrations await approval" in anna.text_body
    assert f"{BASE_URL}/organiser/events/{trade.slug}/registrations?status=pending" in anna.text_body
    assert anna.text_body.index("Lantern festival") < anna.text_body.index("Trade mission")  # soonest first
    [li] = sent["li@yuhang.gov.cn"]
    assert li.language == "zh" and "Trade mission" not in li.text_body and "贸易代表团" not in li.text_body
    assert "Lantern festival" in li.text_body  # Yuhang's own event; Weert co-organises it
    assert sent["admin@weert.nl"][0].language == "nl"
    stamps = dict((await session.execute(select(User.email, User.approval_digest_at))).all())
    # Counted up to a minute ago (SETTLE): what commits later is new next time.
    assert stamps["anna@weert.nl"] == NOW - SETTLE and stamps["invited@weert.nl"] is None

    await sign_up(session, trade, 4, NOW + dt.timedelta(minutes=10))
    assert await digests(session, NOW + dt.timedelta(minutes=20)) == 0  # within the hour: it waits
    assert await digests(session, NOW + dt.timedelta(minutes=61)) == 2  # Weert's people; nothing new for Yuhang
    later = await mails(session)
    assert len(later["anna@weert.nl"]) == 2 and len(later["li@yuhang.gov.cn"]) == 1
    again = later["anna@weert.nl"][1]
    assert again.subject == "3 registrations await your approval"  # the three of the trade mission
    assert "Trade mission" in again.text_body and "Lantern festival" not in again.text_body  # nothing new there
    assert await digests(session, NOW + dt.timedelta(hours=3)) == 0  # nothing new at all: no mail


async def test_a_registration_that_commits_after_a_digest_ran_is_in_the_next_one(session):
    """It carries the created_at of the moment it began, before the digest that could not see it yet."""
    world = await world_of(session)
    await make_user(session, "anna@weert.nl", language="en")
    trade = await make_event(
        session, world, texts=TRADE_TEXTS, starts_at=NOW + dt.timedelta(days=9), now=PUBLISHED, approval_required=True
    )
    await sign_up(session, trade, 1, NOW - dt.timedelta(hours=2))
    assert await digests(session, NOW) == 1
    await sign_up(session, trade, 2, NOW - dt.timedelta(seconds=20))  # began before the digest, committed after it
    assert await digests(session, NOW + dt.timedelta(minutes=61)) == 1
    later = (await mails(session))["anna@weert.nl"][1]
    assert later.subject == "2 registrations await your approval"
    assert await digests(session, NOW + dt.timedelta(hours=3)) == 0  # and only once


async def test_in_the_language_of_the_person(session):
    world = await world_of(session)
    await make_user(session, "li@yuhang.gov.cn", city="yuhang", language="zh")
    event = await make_event(
        session,
        world,
        texts=TRADE_TEXTS,
        city=world.yuhang,
        starts_at=NOW + dt.timedelta(days=9),
        now=PUBLISHED,
        approval_required=True,
    )
    await sign_up(session, event, 1, NOW - dt.timedelta(hours=2))
    assert await digests(session, NOW) == 1
    [message] = (await mails(session))["li@yuhang.gov.cn"]
    assert message.language == "zh" and "贸易代表团" in message.text_body and 'lang="zh-Hans"' in message.html_body


async def test_nothing_pending_sends_nothing_and_ended_or_cancelled_events_do_not_count(session):
    world = await world_of(session)
    await make_user(session, "anna@weert.nl", language="en")
    event = await make_event(
        session, world, title="Soon", starts_at=NOW + dt.timedelta(hours=1), now=PUBLISHED, approval_required=True
    )
    await sign_up(session, event, 1, NOW - dt.timedelta(hours=2))
    assert await digests(session, NOW + dt.timedelta(hours=4)) == 0  # it has ended by then
    assert await mails(session) == {}


def test_the_worker_runs_the_digest_every_few_minutes():
    engine = create_engine(TEST_SETTINGS.database_url)
    jobs = {job.name: job.every for job in build_worker(TEST_SETTINGS, engine).jobs}
    assert jobs["approval digest"] <= dt.timedelta(minutes=10)


async def run_job(engine, now=NOW) -> int:
    async with writer(engine)() as session:
        return await digests(session, now)


async def committed_mails(engine) -> list[OutboxMessage]:
    async with make_sessionmaker(engine)() as session:
        statement = select(OutboxMessage).where(OutboxMessage.kind == "approval_digest")
        return list((await session.scalars(statement)).all())


async def test_two_digest_jobs_at_once_send_one_digest(migrated_database):
    engine = create_engine(migrated_database)
    try:
        await committed_event(engine, starts_at=NOW + dt.timedelta(days=5), people=2, approval_required=True)
        async with writer(engine)() as session:
            await add_user(session, email="anna@weert.nl", role=Role.ORGANISER, city_slug="weert", password=PASSWORD)
        settled = NOW + SETTLE  # the registrations, made at NOW, count from then on
        async with writer(engine)() as first:
            assert await digests(first, settled) == 1
            # The second job starts before the first commits: it too finds Anna due, and must not mail her again.
            second = asyncio.create_task(run_job(engine, settled))
            await until_it_waits(engine, second, "the second digest job")
        assert await second == 0
        assert len(await committed_mails(engine)) == 1

        async with writer(engine)() as session:
            await add_user(session, email="piet@weert.nl", role=Role.ADMIN, city_slug="weert", password=PASSWORD)
        counts = await asyncio.gather(*(run_job(engine, settled + dt.timedelta(minutes=5)) for _ in range(4)))
        assert sum(counts) == 1  # Piet's first digest, once; Anna's hour has not passed
        assert sorted(message.to_address for message in await committed_mails(engine)) == [
            "anna@weert.nl",
            "piet@weert.nl",
        ]
    finally:
        await engine.dispose()
