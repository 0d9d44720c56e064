"""Links that add an event to a web calendar (Google Calendar, Outlook.com) without any file."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from events.catalog.presenters import EventView


def _details(view: EventView, extra: str | None) -> str:
    return "\n\n".join(part for part in (view.summary, view.when_text, view.url, extra or "") if part)


def _location(view: EventView) -> str:
    if view.venue is None:
        return ""
    return ", ".join(part for part in (view.venue.name, view.venue.address) if part)


def google_calendar_url(view: EventView, *, extra: str | None = None) -> str:
    event = view.event
    if event.all_day:
        zone = ZoneInfo(event.timezone)
        dates = f"{event.starts_at.astimezone(zone):%Y%m%d}/{event.ends_at.astimezone(zone):%Y%m%d}"
    else:
        dates = f"{event.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}/{event.ends_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    query = {
        "action": "TEMPLATE",
        "text": view.title,
        "dates": dates,
        "details": _details(view, extra),
        "location": _location(view),
        "ctz": event.timezone,
    }
    if event.rrule:
        query["recur"] = f"RRULE:{event.rrule}"
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(view: EventView, *, extra: str | None = None) -> str:
    event = view.event
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": view.title,
        "startdt": event.starts_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "enddt": event.ends_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "body": _details(view, extra),
        "location": _location(view),
        "allday": "true" if event.all_day else "false",
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
