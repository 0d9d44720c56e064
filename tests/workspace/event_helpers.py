"""Organisers, their API tokens and events, for the tests of the event editor and the write API."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import Any

import httpx
from sqlalchemy import select

from events.accounts.models import Role, User
from events.accounts.service import create_api_token
from events.audit.models import AuditEntry
from events.audit.service import SYSTEM
from events.catalog.models import Event, EventCoOrganiser
from events.catalog.service import EventText
from tests.conftest import NOW
from tests.factories import make_event
from tests.workspace.helpers import make_user, world_of

SOON = NOW + dt.timedelta(days=12)  # 2026-03-14 09:00 UTC, a Saturday


async def organiser(session: Any, email: str = "anna@weert.nl", *, city: str = "weert", **options: Any) -> User:
    return await make_user(session, email, city=city, display_name=options.pop("name", None), **options)


async def admin(session: Any, email: str = "admin@weert.nl") -> User:
    return await make_user(session, email, role=Role.ADMIN)


async def token_of(session: Any, user: User) -> dict[str, str]:
    """The Authorization header of a new API token of ``user``."""
    _, token = await create_api_token(session, user, name="agenda", days=30, now=NOW, actor=SYSTEM)
    return {"Authorization": f"Bearer {token}"}


async def weert_event(
    session: Any, *, office: str = "weert", co_organisers: tuple[str, ...] = (), **options: Any
) -> Event:
    """A published event of the given office, in three languages unless ``texts`` says otherwise."""
    world = await world_of(session)
    offices = {"weert": world.weert, "yuhang": world.yuhang}
    options.setdefault(
        "texts",
        {
            "nl": EventText("Theeceremonie", "Samen thee zetten"),
            "en": EventText("Tea ceremony", "Making tea together"),
            "zh": EventText("茶道", "一起泡茶"),
        },
    )
    options.setdefault("starts_at", SOON)
    options.setdefault("capacity", 20)
    event = await make_event(session, world, office=offices[office], now=NOW, **options)
    for slug in co_organisers:
        session.add(EventCoOrganiser(event_id=event.id, city_id=offices[slug].id))
    await session.flush()
    return event


def new_event_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "translations": {
            "nl": {"title": "Fietstocht door de Kempen", "summary": "Twintig kilometer"},
            "en": {"title": "Cycling tour of the Kempen", "summary": "Twenty kilometres"},
            "zh": {"title": "肯彭骑行", "summary": "二十公里"},
        },
        "category": "sport",
        "city": "weert",
        "start": "2026-04-18T10:00",
        "end": "2026-04-18T13:00",
        "capacity": 30,
    }
    return {**body, **changes}


async def audit_entries(session: Any, event_id: Any) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
    return list((await session.scalars(statement.execution_options(populate_existing=True))).all())


async def fresh_event(session: Any, event_id: Any) -> Event:
    statement = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    return (await session.scalars(statement)).one()


class _FormReader(HTMLParser):
    """The fields of one form of a page, as a browser would send them (files and buttons left out)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = found.get("action") == self.action
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.fields.append((name, found.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self.fields.append((name, found.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((found.get("value", ""), "selected" in found))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = next((value for value, selected in self._options if selected), None)
            if chosen is None and self._options:
                chosen = self._options[0][0]
            self.fields.append((self._select, chosen or ""))
            self._select = None


def form_fields(page: str, action: str) -> dict[str, Any]:
    reader = _FormReader(action)
    reader.feed(page)
    fields: dict[str, Any] = {}
    for name, value in reader.fields:
        if name in fields:
            fields[name] = [*(fields[name] if isinstance(fields[name], list) else [fields[name]]), value]
        else:
            fields[name] = value
    return fields


async def load_form(client: httpx.AsyncClient, url: str, action: str | None = None) -> dict[str, Any]:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    return form_fields(page.text, action or url)


async def submit(client: httpx.AsyncClient, url: str, fields: dict[str, Any], **changes: Any) -> httpx.Response:
    """Send a form loaded earlier with some fields changed (``None`` removes one, as an unticked box)."""
    data = {**fields, **{name.replace("__", "."): value for name, value in changes.items()}}
    return await client.post(url, data={name: value for name, value in data.items() if value is not None})


def field_error(page: str, field: str) -> str:
    """The error shown at a field, found by the id the form macros give it."""
    match = re.search(rf'id="{re.escape(field.replace(".", "-"))}-error">([^<]*)<', page)
    assert match, f"no error at {field}"
    return html.unescape(match.group(1))
