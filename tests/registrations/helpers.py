"""Events ready for registration, and the outbox as the tests read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from events.catalog.models import Event
from events.mail.models import OutboxMessage
from events.registrations.models import QuestionKind, Registration
from events.registrations.service import add_question
from tests.conftest import NOW
from tests.factories import World, build_world, make_event

SOON = NOW + dt.timedelta(days=10)


async def open_event(session: Any, world: World | None = None, **options: Any) -> Event:
    """A published event open for registration; the cities and categories are made once per test."""
    if world is None:
        if "world" not in session.info:
            session.info["world"] = await build_world(session)
        world = session.info["world"]
    options.setdefault("capacity", 10)
    return await make_event(session, world, title="Trade mission", starts_at=SOON, now=NOW, **options)


async def add_questions(session: Any, event: Event) -> dict[str, int]:
    diet = await add_question(
        session,
        event,
        kind=QuestionKind.CHOICE,
        required=True,
        label={"en": "Diet", "nl": "Dieet", "zh": "饮食"},
        choices=[
            {"value": "any", "label": {"en": "Anything", "nl": "Alles", "zh": "都可以"}},
            {"value": "vegetarian", "label": {"en": "Vegetarian", "nl": "Vegetarisch", "zh": "素食"}},
        ],
    )
    topics = await add_question(
        session,
        event,
        kind=QuestionKind.MULTIPLE_CHOICE,
        label={"en": "Topics"},
        position=1,
        choices=[{"value": "logistics", "label": {"en": "Logistics"}}, {"value": "tea", "label": {"en": "Tea"}}],
    )
    company = await add_question(session, event, kind=QuestionKind.TEXT, label={"en": "Company"}, position=2)
    notes = await add_question(session, event, kind=QuestionKind.LONG_TEXT, label={"en": "Notes"}, position=3)
    visa = await add_question(
        session, event, kind=QuestionKind.YES_NO, required=True, label={"en": "Visa?"}, position=4
    )
    return {"diet": diet.id, "topics": topics.id, "company": company.id, "notes": notes.id, "visa": visa.id}


def person(number: int = 1, **changes: Any) -> dict[str, Any]:
    body = {
        "name": f"Person {number}",
        "email": f"person{number}@example.org",
        "home_city": "weert",
        "language": "en",
        "consent": True,
    }
    return {**body, **changes}


async def outbox(session: Any) -> list[OutboxMessage]:
    return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def registrations(session: Any, event: Event) -> list[Registration]:
    statement = select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    return list((await session.scalars(statement.execution_options(populate_existing=True))).all())


async def fresh(session: Any, event: Event) -> Event:
    return (
        await session.scalars(select(Event).where(Event.id == event.id).execution_options(populate_existing=True))
    ).one()
