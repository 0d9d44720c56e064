"""The audit log as people read it: every change for admins, filtered, and each event's own history for whoever
manages the event. Read only: these pages have no form but their filters (GET)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.permissions import event_id_for
from events.accounts.service import list_users
from events.audit.actions import action_name, entity_name, via_name
from events.audit.queries import (
    AuditFilters,
    LoggedChange,
    event_by_slug,
    list_entries,
    logged_actions,
    logged_entity_types,
)
from events.catalog.queries import load_catalogue, load_event
from events.clocks import format_moment
from events.errors import FieldError, InvalidInput
from events.i18n import N_, gettext_for, pick
from events.web.forms import field_errors
from events.workspace.pages import page

FILTER_FIELDS = ("action", "entity", "user", "event", "from", "to")
# Times in the log are ISO 8601 in UTC; they are shown on the reader's office clock like every other time.
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class ChangeView:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryView:
    id: int
    when: str
    at: dt.datetime
    who: str
    email: str | None
    via: str
    action: str
    code: str
    entity: str
    entity_id: str
    event_slug: str | None
    changes: list[ChangeView]


def _shown(value: Any, zone: str, language: str) -> str:
    """A logged value in words: times on the reader's clock, yes/no, lists joined, nothing as "(empty)"."""
    if value is None or value == "" or value == [] or value == {}:
        return gettext_for(language, N_("(empty)"))
    if isinstance(value, bool):
        return gettext_for(language, N_("yes") if value else N_("no"))
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_moment(moment, zone, language) if moment.tzinfo else value
    if isinstance(value, list):
        return ", ".join(_shown(item, zone, language) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _who(item: LoggedChange, language: str) -> str:
    if item.entry.user_id is None:
        return via_name(item.entry.via, language)
    return item.user_name or f"#{item.entry.user_id}"


def present_entry(item: LoggedChange, zone: str, language: str) -> EntryView:
    entry = item.entry
    changes: Mapping[str, Any] = entry.changes or {}
    return EntryView(
        id=entry.id,
        when=format_moment(entry.at, zone, language),
        at=entry.at,
        who=_who(item, language),
        email=item.user_email,
        # Without a user, "who" already says it: "by command line · via command line" would say it twice.
        via=via_name(entry.via, language) if entry.user_id is not None else "",
        action=action_name(entry.action, language),
        code=entry.action,
        entity=entity_name(entry.entity_type, language),
        entity_id=entry.entity_id,
        event_slug=item.event_slug,
        changes=[
            ChangeView(field, _shown(pair[0], zone, language), _shown(pair[1], zone, language))
            for field, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ],
    )


def _day(params: QueryParams, name: str, errors: list[FieldError]) -> dt.date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError(name, N_("Enter a date like 2026-03-14.")))
        return None


def _who_filter(raw: str, errors: list[FieldError]) -> tuple[int | None, str | None]:
    if not raw:
        return None, None
    if raw in ("system", "cli"):
        return None, raw
    if raw.isdigit():
        return int(raw), None
    errors.append(FieldError("user", N_("Choose someone from the list.")))
    return None, None


async def parse_filters(session: AsyncSession, params: QueryParams, zone: str) -> AuditFilters:
    """The filters of the query string; days are days on the reader's office clock. InvalidInput lists every
    value that cannot be used."""
    errors: list[FieldError] = []
    user_id, via = _who_filter(params.get("user", "").strip(), errors)
    event_id = None
    if slug := params.get("event", "").strip():
        event_id = await event_by_slug(session, slug[:100])
        if event_id is None:
            errors.append(FieldError("event", N_("There is no event with the address name %(slug)s."), {"slug": slug}))
    first, last = _day(params, "from", errors), _day(params, "to", errors)
    if first and last and last < first:
        errors.append(FieldError("to", N_("The last day cannot come before the first.")))
    if errors:
        raise InvalidInput(errors)
    clock = ZoneInfo(zone)
    return AuditFilters(
        action=params.get("action", "").strip()[:60] or None,
        entity_type=params.get("entity", "").strip()[:30] or None,
        user_id=user_id,
        via=via,
        event_id=event_id,
        since=dt.datetime.combine(first, dt.time(), clock).astimezone(dt.UTC) if first else None,
        until=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), clock).astimezone(dt.UTC) if last else None,
    )


def _before(params: QueryParams) -> int | None:
    raw = params.get("before", "")
    return int(raw) if raw.isdigit() else None


def _page_url(request: Request, before: int | None = None) -> str:
    """This page with its filters, from the entry before ``before`` (the newest entries without it)."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key in FILTER_FIELDS and value]
    if before is not None:
        kept.append(("before", str(before)))
    return f"{request.url.path}?{urlencode(kept)}" if kept else request.url.path


async def _choices(session: AsyncSession, language: str) -> dict[str, list[tuple[str, str]]]:
    anyone = [("", gettext_for(language, N_("Anyone")))]
    people = [(str(user.id), f"{user.display_name} ({user.email})") for user in await list_users(session)]
    return {
        "actions": [("", gettext_for(language, N_("Any action")))]
        + [(code, action_name(code, language)) for code in await logged_actions(session)],
        "entities": [("", gettext_for(language, N_("Anything")))]
        + [(code, entity_name(code, language)) for code in await logged_entity_types(session)],
        "users": anyone + [("system", via_name("system", language)), ("cli", via_name("cli", language))] + people,
    }


@workspace(admin=True)
async def audit_log(request: Request, session: AsyncSession, me: Principal) -> Response:
    language = request.state.language
    zone = (await load_catalogue(session)).city_by_id[me.city_id].timezone
    errors: dict[str, str] = {}
    entries: list[EntryView] = []
    older_url = None
    try:
        filters = await parse_filters(session, request.query_params, zone)
    except InvalidInput as error:
        errors = field_errors(request, error)
    else:
        before = _before(request.query_params)
        found = await list_entries(session, filters, before=before)
        entries = [present_entry(item, zone, language) for item in found.entries]
        older_url = _page_url(request, found.older) if found.older else None
    context = {
        **await _choices(session, language),
        "values": {name: request.query_params.get(name, "") for name in FILTER_FIELDS},
        "errors": errors,
        "entries": entries,
        "older_url": older_url,
        "paged": _before(request.query_params) is not None,
        "newest_url": _page_url(request),
        "filtered": any(request.query_params.get(name) for name in FILTER_FIELDS),
    }
    return await page(request, session, me, "workspace/audit.html", context, status_code=400 if errors else 200)


@workspace()
async def event_history(request: Request, session: AsyncSession, me: Principal) -> Response:
    """Every logged change of one event, for whoever manages it (not only admins)."""
    language = request.state.language
    event_id = await event_id_for(session, me, request.path_params["slug"])
    catalogue = await load_catalogue(session)
    zone = catalogue.city_by_id[me.city_id].timezone
    event = await load_event(session, catalogue, event_id)
    found = await list_entries(session, AuditFilters(event_id=event_id), before=_before(request.query_params))
    chosen = pick(event.text("title"), language)
    context = {
        "event": event,
        "title": chosen[1] if chosen else event.slug,
        "title_language": chosen[0] if chosen else language,
        "entries": [present_entry(item, zone, language) for item in found.entries],
        "older_url": _page_url(request, found.older) if found.older else None,
        "paged": _before(request.query_params) is not None,
        "newest_url": _page_url(request),
    }
    return await page(request, session, me, "workspace/event_history.html", context)


routes = [
    Route("/organiser/audit", audit_log, methods=["GET"]),
    Route("/organiser/events/{slug}/history", event_history, methods=["GET"]),
]
