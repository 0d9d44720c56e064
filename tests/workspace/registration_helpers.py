"""Events with registrations, organisers of each office, and the workspace's registration pages as tests use them."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select

from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.catalog.models import Event
from events.mail.models import OutboxMessage
from events.registrations.forms import from_json
from events.registrations.models import Registration
from events.registrations.service import Context, register
from tests.conftest import NOW, TEST_SETTINGS
from tests.registrations.helpers import open_event, person
from tests.workspace.helpers import csrf_of, make_user, sign_in, world_of

SECRET = TEST_SETTINGS.secret_key or ""
CONTEXT = Context("https://stedenband.test", "stedenband.test", NOW, secret_key=SECRET)

# Names in the scripts and letters both offices meet: a Chinese name, Dutch diacritics, an apostrophe.
LI = {"name": "李娜", "email": "li.na@example.cn", "home_city": "yuhang", "language": "zh"}
DE_WIT = {"name": "Joëlle de Wit-Brouwer", "email": "joelle@example.nl", "home_city": "weert", "language": "nl"}
OBRIEN = {"name": "Seán O'Brien", "email": "sean@example.ie", "home_city": "other", "language": "en"}


async def weert_event(session: Any, **options: Any) -> Event:
    """An event run by the Weert office, open for registration (capacity 10 unless told)."""
    await world_of(session)
    return await open_event(session, **options)


async def yuhang_event(session: Any, **options: Any) -> Event:
    world = await world_of(session)
    return await open_event(session, city=world.yuhang, **options)


async def sign_up(session: Any, event: Event, number: int = 1, **changes: Any) -> Registration:
    """Register someone through the real service, as the public form would."""
    outcome = await register(session, event_id=event.id, sent=from_json(person(number, **changes)), context=CONTEXT)
    return outcome.registration


async def organiser(client: httpx.AsyncClient, session: Any, office: str = "weert", **options: Any) -> None:
    """An organiser of ``office`` (or an admin, with role=Role.ADMIN), signed in with ``client``."""
    email = f"{options.get('role', Role.ORGANISER).value}@{office}.example"
    await make_user(session, email, city=office, **options)
    await sign_in(client, email)


async def post_action(
    client: httpx.AsyncClient, event: Event, registration_id: int, action: str, data: dict[str, Any] | None = None
) -> httpx.Response:
    """Press a button of a registration's page: read the page for its CSRF token, then post."""
    base = f"/organiser/events/{event.slug}/registrations/{registration_id}"
    page = await client.get(f"{base}?lang=en")
    assert page.status_code == 200, page.text
    return await client.post(f"{base}/{action}", data={**(data or {}), "csrf_token": csrf_of(page.text)})


async def mails(session: Any, kind: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    return list((await session.scalars(statement)).all())


async def audit_entries(session: Any, action_prefix: str = "") -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.action.startswith(action_prefix)).order_by(AuditEntry.id)
    return list((await session.scalars(statement.execution_options(populate_existing=True))).all())


async def reload(session: Any, registration: Registration) -> Registration:
    found = await session.scalar(
        select(Registration).where(Registration.id == registration.id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


def text_of(html: str) -> str:
    """A page's text without tags and with single spaces, for asserting sentences."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
