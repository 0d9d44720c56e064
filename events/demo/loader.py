"""Loading the demo programme. Every item has a fixed identity, so loading twice adds nothing."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.models import Role, User
from events.accounts.service import add_user
from events.catalog.models import Category, City, Event, EventStatus, Venue, WaitlistRule
from events.catalog.recurrence import iter_occurrences
from events.catalog.service import EventText, cancel_event, create_category, create_city, create_event, create_venue
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from events.demo import programme
from events.mail.models import OutboxMessage
from events.registrations.forms import RegistrationInput
from events.registrations.models import Question, QuestionKind
from events.registrations.service import Context, add_question, register
from events.settings import Settings

# Event ids are UUIDv5 names in this namespace, so the same demo event has the same id (and calendar UID) everywhere.
DEMO_NAMESPACE = uuid.UUID("6f0d5a9e-2f43-4d1e-9c53-1b7e0e3a2009")
DEMO_IMAGE_FOLDER = "/static/images/demo/"

Progress = Callable[[int, int, str], None]


def demo_event_id(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


async def load_demo(
    session: AsyncSession, *, now: dt.datetime, progress: Progress | None = None, only_if_empty: bool = False
) -> int:
    """Add whatever of the demo programme is missing; returns the number of events added."""
    if only_if_empty and await session.scalar(select(func.count()).select_from(Event)):
        return 0
    cities = await ensure_cities(session)
    categories = await ensure_categories(session)
    venues = await _venues(session, cities)
    existing = set((await session.scalars(select(Event.id))).all())
    added: dict[str, Event] = {}
    total = len(programme.EVENTS)
    for done, item in enumerate(programme.EVENTS, start=1):
        if demo_event_id(item["key"]) not in existing:
            event = await _add_event(session, item, cities=cities, categories=categories, venues=venues, now=now)
            added[item["key"]] = event
        if progress:
            progress(done, total, "Demo events")
    await _add_registrations(session, added, now=now, progress=progress)
    return len(added)


async def _add_registrations(
    session: AsyncSession, events: dict[str, Event], *, now: dt.datetime, progress: Progress | None
) -> None:
    """Questions and registrations of the events just added, through the same service as real ones."""
    questions: dict[str, list[Question]] = {}
    for key, items in programme.QUESTIONS.items():
        if key in events:
            questions[key] = [
                await add_question(
                    session,
                    events[key],
                    kind=QuestionKind(item["kind"]),
                    label=item["label"],
                    required=item["required"],
                    choices=item.get("choices"),
                    position=position,
                )
                for position, item in enumerate(items)
            ]
    context = Context(base_url="http://demo.invalid", calendar_domain="demo.invalid", now=now)
    wanted = [item for item in programme.REGISTRATIONS if item["event"] in events]
    registration_ids = []
    for done, item in enumerate(wanted, start=1):
        asked = questions.get(item["event"], [])
        answers = {str(question.id): answer for question, answer in zip(asked, item.get("answers", []), strict=False)}
        sent = RegistrationInput(
            name=item["name"],
            email=item["email"],
            home_city=item["home_city"],
            language=item["language"],
            seats=item.get("seats"),
            members=item.get("members", []),
            answers=answers,
            consent=True,
            sent=frozenset({"seats", "members", "answers"}),
        )
        outcome = await register(session, event_id=events[item["event"]].id, sent=sent, context=context)
        registration_ids.append(outcome.registration.id)
        if progress:
            progress(done, len(wanted), "Demo registrations")
    # Demo participants have made-up addresses: nobody is sent their mail.
    if registration_ids:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.registration_id.in_(registration_ids)))


async def load_demo_from_settings(
    settings: Settings, *, progress: Progress | None = None, only_if_empty: bool = False
) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            return await load_demo(session, now=utcnow(), progress=progress, only_if_empty=only_if_empty)
    finally:
        await engine.dispose()


DEMO_ACCOUNTS = (
    ("admin@weert.demo", Role.ADMIN, "weert", "Demo admin", "nl"),
    ("organiser@weert.demo", Role.ORGANISER, "weert", "Anna de Vries", "nl"),
    ("organiser@yuhang.demo", Role.ORGANISER, "yuhang", "王芳", "zh"),
)


async def ensure_demo_accounts(session: AsyncSession) -> tuple[list[str], str] | None:
    """Accounts to try the workspace with, when the database has no users yet: their addresses and the one
    random password they share (shown once; nothing predictable is ever stored)."""
    if await session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    for email, role, city, name, language in DEMO_ACCOUNTS:
        await add_user(
            session, email=email, role=role, city_slug=city, password=password, display_name=name, language=language
        )
    return [email for email, *_ in DEMO_ACCOUNTS], password


async def demo_accounts_from_settings(settings: Settings) -> tuple[list[str], str] | None:
    engine = create_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            return await ensure_demo_accounts(session)
    finally:
        await engine.dispose()


async def ensure_cities(session: AsyncSession) -> dict[str, City]:
    found = {city.slug: city for city in (await session.scalars(select(City))).all()}
    for item in programme.CITIES:
        if item["slug"] not in found:
            found[item["slug"]] = await create_city(session, **item)
    return found


async def ensure_categories(session: AsyncSession) -> dict[str, Category]:
    found = {category.slug: category for category in (await session.scalars(select(Category))).all()}
    for item in programme.CATEGORIES:
        if item["slug"] not in found:
            found[item["slug"]] = await create_category(session, **item)
    return found


async def _venues(session: AsyncSession, cities: dict[str, City]) -> dict[str, Venue]:
    # Venues have no natural key of their own; the English name within a city identifies a demo venue.
    existing = {(venue.city_id, venue.name.get("en")): venue for venue in (await session.scalars(select(Venue))).all()}
    found = {}
    for key, item in programme.VENUES.items():
        city = cities[item["city"]]
        venue = existing.get((city.id, item["name"]["en"]))
        if venue is None:
            venue = await create_venue(
                session,
                name=item["name"],
                city=city,
                address=item["address"],
                latitude=item["latitude"],
                longitude=item["longitude"],
            )
        found[key] = venue
    return found


def _local_start(when: dict[str, Any], zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """``when`` counts weeks from the current week and names a weekday, so the demo is always current."""
    today = now.astimezone(zone).date()
    monday = today - dt.timedelta(days=today.weekday())
    day = monday + dt.timedelta(weeks=when["weeks"], days=when["weekday"])
    hour, minute = (int(part) for part in when.get("time", "00:00").split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), zone)


async def _add_event(
    session: AsyncSession,
    item: dict[str, Any],
    *,
    cities: dict[str, City],
    categories: dict[str, Category],
    venues: dict[str, Venue],
    now: dt.datetime,
) -> Event:
    city = cities[item["city"]]
    zone = ZoneInfo(city.timezone)
    start = _local_start(item["when"], zone, now)
    if item.get("all_day"):
        end = start + dt.timedelta(days=item["when"]["days"])
    else:
        end = start + dt.timedelta(hours=item["when"]["hours"])
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    texts = {
        code: EventText(**{key: value for key, value in text.items() if key != "cancellation_reason"})
        for code, text in item["texts"].items()
    }
    registration = item.get("registration") or {}
    status = EventStatus(item["status"])
    event = await create_event(
        session,
        event_id=demo_event_id(item["key"]),
        slug=item["slug"],
        texts=texts,
        category=categories[item["category"]],
        city=city,
        office=cities[item["office"]],
        venue=venues[item["venue"]] if item.get("venue") else None,
        online_url=item.get("online_url"),
        image_path=DEMO_IMAGE_FOLDER + item["image"] if item.get("image") else None,
        starts_at=start,
        ends_at=end,
        all_day=bool(item.get("all_day")),
        rrule=item.get("rrule"),
        exdates=_skipped_starts(item, start, end, city.timezone),
        capacity=item.get("capacity"),
        **_registration_settings(item["key"]),
        registration_opens_at=(
            now + dt.timedelta(days=registration["opens_in_days"]) if "opens_in_days" in registration else None
        ),
        registration_closes_at=(
            start - dt.timedelta(days=registration["closes_days_before"])
            if "closes_days_before" in registration
            else None
        ),
        status=EventStatus.PUBLISHED if status is EventStatus.CANCELLED else status,
        now=now,
    )
    if status is EventStatus.CANCELLED:
        reasons = {code: text["cancellation_reason"] for code, text in item["texts"].items()}
        await cancel_event(session, event, reasons=reasons, now=now)
    return event


def _registration_settings(key: str) -> dict[str, Any]:
    settings = dict(programme.REGISTRATION_SETTINGS.get(key, {}))
    if "waitlist_rule" in settings:
        settings["waitlist_rule"] = WaitlistRule(settings["waitlist_rule"])
    return settings


def _skipped_starts(item: dict[str, Any], start: dt.datetime, end: dt.datetime, timezone: str) -> list[dt.datetime]:
    if not item.get("rrule") or not item.get("skip"):
        return []
    occurrences = list(iter_occurrences(start, end, timezone, item["rrule"]))
    return [occurrences[index].start for index in item["skip"]]
