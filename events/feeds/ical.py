"""iCalendar (RFC 5545, RFC 7986) from presented events: pure functions, no request and no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from events.catalog.models import EventStatus
from events.catalog.presenters import EventView
from events.feeds.timezones import vtimezone

PRODUCT_ID = "-//Stedenband//Weert-Yuhang exchange programme//EN"
STATUS = {
    EventStatus.PUBLISHED: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.DRAFT: "TENTATIVE",
}


def event_uid(view: EventView, calendar_domain: str) -> str:
    """The event's UUID at the platform's calendar domain: never derived from a slug or title, so it never changes."""
    return f"{view.event.id}@{calendar_domain}"


def _local(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(timezone))


def _description(view: EventView, extra: str | None = None) -> str:
    parts = [view.summary, view.description, view.when_text, view.url, extra or ""]
    if view.is_cancelled and view.cancellation_reason:
        parts.insert(0, view.cancellation_reason)
    return "\n\n".join(part for part in parts if part)


def _location(view: EventView) -> str:
    if view.venue is None:
        return "Online" if view.online else ""
    return ", ".join(part for part in (view.venue.name, view.venue.address) if part)


def vevent(
    view: EventView, *, calendar_domain: str, stamp: dt.datetime, extra_description: str | None = None
) -> icalendar.Event:
    event = view.event
    component = icalendar.Event()
    component.add("uid", event_uid(view, calendar_domain))
    component.add("dtstamp", stamp)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("sequence", event.sequence)
    if event.all_day:
        component.add("dtstart", _local(event.starts_at, event.timezone).date())
        component.add("dtend", _local(event.ends_at, event.timezone).date())
    else:
        component.add("dtstart", _local(event.starts_at, event.timezone))
        component.add("dtend", _local(event.ends_at, event.timezone))
    if event.rrule:
        component.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        for value in event.exdates:
            moment = _local(dt.datetime.fromisoformat(value), event.timezone)
            component.add("exdate", moment.date() if event.all_day else moment)
    language = {"LANGUAGE": view.language}
    component.add("summary", view.title, parameters=language)
    component.add("description", _description(view, extra_description), parameters=language)
    if location := _location(view):
        component.add("location", location)
    if view.venue is not None and view.venue.latitude is not None and view.venue.longitude is not None:
        component.add("geo", (view.venue.latitude, view.venue.longitude))
    component.add("url", view.url)
    component.add("categories", [view.category.name])
    component.add("status", STATUS[view.status])
    component.add("class", "PUBLIC")
    return component


def calendar_bytes(
    views: Sequence[EventView],
    *,
    name: str,
    calendar_domain: str,
    stamp: dt.datetime,
    extra_description: str | None = None,
) -> bytes:
    """A calendar of events; VTIMEZONEs come from the tz database, added in a fixed order so the bytes are stable."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for tzid in sorted({view.event.timezone for view in views if not view.event.all_day}):
        calendar.add_component(vtimezone(tzid))
    for view in views:
        calendar.add_component(
            vevent(view, calendar_domain=calendar_domain, stamp=stamp, extra_description=extra_description)
        )
    return bytes(calendar.to_ical())


def invitation_bytes(
    view: EventView,
    *,
    method: str,
    calendar_domain: str,
    stamp: dt.datetime,
    sequence: int,
    organizer_name: str,
    organizer_email: str,
    attendee_name: str,
    attendee_email: str,
    online_url: str | None = None,
) -> bytes:
    """An iTIP message (RFC 5546) for one participant: REQUEST adds or updates the event in their calendar,
    CANCEL removes it. The UID is the one the public feeds use; a higher SEQUENCE replaces what they have."""
    # Only a confirmed participant's own invitation carries the meeting link.
    component = vevent(view, calendar_domain=calendar_domain, stamp=stamp, extra_description=online_url)
    component["sequence"] = icalendar.vInt(sequence)
    component.add("organizer", f"mailto:{organizer_email}", parameters={"CN": organizer_name})
    component.add(
        "attendee",
        f"mailto:{attendee_email}",
        parameters={
            "CN": attendee_name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED" if method == "REQUEST" else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    if method == "CANCEL":
        component["status"] = icalendar.vText("CANCELLED")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if not view.event.all_day:
        calendar.add_component(vtimezone(view.event.timezone))
    calendar.add_component(component)
    return bytes(calendar.to_ical())


@dataclass(frozen=True)
class PersonalEntry:
    view: EventView
    status: str  # CONFIRMED, TENTATIVE or CANCELLED: how this person stands, not only the event
    online_url: str | None


def personal_calendar_bytes(
    entries: Sequence[PersonalEntry], *, name: str, calendar_domain: str, stamp: dt.datetime
) -> bytes:
    """One person's calendar: their events with their own status (RFC 5545 STATUS per VEVENT)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for tzid in sorted({entry.view.event.timezone for entry in entries if not entry.view.event.all_day}):
        calendar.add_component(vtimezone(tzid))
    for entry in entries:
        component = vevent(entry.view, calendar_domain=calendar_domain, stamp=stamp, extra_description=entry.online_url)
        component["status"] = icalendar.vText(entry.status)
        calendar.add_component(component)
    return bytes(calendar.to_ical())
