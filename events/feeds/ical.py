"""iCalendar (RFC 5545, RFC 7986, iTIP RFC 5546) from events: pure functions, no request and no database.

Every calendar the platform hands out comes from here: the public feeds, one event's download, a person's own
calendar and the invitations in e-mails. An event's VEVENTs depend only on the event, its language and the
catalogue, never on the moment they are written, so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from events.catalog.models import Event, EventStatus
from events.catalog.presenters import describe_occurrence
from events.catalog.queries import Catalogue
from events.catalog.recurrence import Occurrence
from events.feeds import writer
from events.feeds.timezones import vtimezone
from events.i18n import N_, gettext_for, pick, pick_text

PRODUCT_ID = "-//Stedenband//Weert-Yuhang exchange programme//EN"


@dataclass(frozen=True)
class Organizer:
    name: str
    email: str


@dataclass(frozen=True)
class FeedEvent:
    """What a calendar says about an event, in one language."""

    uid: str
    language: str
    title: str
    description: str
    location: str
    geo: tuple[float, float] | None
    url: str
    category: str
    status: str  # CONFIRMED or CANCELLED
    organizer: Organizer | None
    created: dt.datetime
    last_modified: dt.datetime
    sequence: int
    timezone: str
    all_day: bool
    starts_at: dt.datetime
    ends_at: dt.datetime
    rrule: str | None
    exdates: tuple[dt.datetime, ...] = ()
    changes: tuple[tuple[dt.datetime, Occurrence | None], ...] = field(default=())  # (RECURRENCE-ID, moved or None)


def event_uid(event: Event, calendar_domain: str) -> str:
    """Never from a slug or title: an imported event keeps its source's UID, ours are UUID@calendar-domain."""
    return event.external_uid or f"{event.id}@{calendar_domain}"


def calendar_status(event: Event) -> str:
    """A cancelled, unpublished or deleted event stays in calendars as CANCELLED, so clients drop their copy."""
    if event.status is EventStatus.PUBLISHED and event.deleted_at is None:
        return "CONFIRMED"
    return "CANCELLED"


def feed_event(event: Event, catalogue: Catalogue, language: str, *, base_url: str, calendar_domain: str) -> FeedEvent:
    """The event for a calendar in ``language``: its text, where, when in both cities, status and sequence."""
    chosen = pick(event.translations, language)
    served, texts = chosen if chosen else (language, None)
    _, when = describe_occurrence(event, Occurrence(event.starts_at, event.ends_at), catalogue, served, with_year=True)
    url = f"{base_url}/events/{event.slug}"
    reason = pick_text(event.cancellation_reasons, language) if calendar_status(event) == "CANCELLED" else ""
    source = (
        gettext_for(served, N_("Imported from the calendar of %(source)s."), source=event.source.name)
        if event.source
        else ""
    )
    parts = [reason, texts.summary if texts else "", texts.description if texts else "", when, source, url]
    venue = event.venue
    location = (
        ", ".join(part for part in (pick_text(venue.name, served), venue.address) if part)
        if venue
        else event.location or ""
    )
    office = event.office
    return FeedEvent(
        uid=event_uid(event, calendar_domain),
        language=served,
        title=texts.title if texts else event.slug,
        description="\n\n".join(part for part in parts if part),
        location=location or ("Online" if event.online_url else ""),
        geo=(venue.latitude, venue.longitude)
        if venue and venue.latitude is not None and venue.longitude is not None
        else None,
        url=url,
        category=pick_text(event.category.name, served),
        status=calendar_status(event),
        organizer=Organizer(pick_text(office.office_name, served), office.office_email)
        if office.office_email
        else None,
        created=event.created_at,
        last_modified=event.updated_at,
        sequence=event.sequence,
        timezone=event.timezone,
        all_day=event.all_day,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        rrule=event.rrule,
        exdates=tuple(dt.datetime.fromisoformat(value) for value in event.exdates),
        changes=tuple(
            (
                change.original_start,
                None
                if change.cancelled or change.starts_at is None or change.ends_at is None
                else Occurrence(change.starts_at, change.ends_at, change.original_start),
            )
            for change in event.changes
        )
        if event.rrule
        else (),
    )


def _when(name: str, moment: dt.datetime, entry: FeedEvent) -> str:
    if entry.all_day:
        return writer.date_line(name, moment.astimezone(ZoneInfo(entry.timezone)).date())
    return writer.moment_line(name, moment, entry.timezone)


def _common(entry: FeedEvent, *, stamp: dt.datetime, extra_description: str | None) -> list[str]:
    language = {"LANGUAGE": entry.language}
    description = entry.description + (f"\n\n{extra_description}" if extra_description else "")
    lines = [
        writer.content_line("DTSTAMP", writer.utc(stamp)),
        writer.content_line("CREATED", writer.utc(entry.created)),
        writer.content_line("LAST-MODIFIED", writer.utc(entry.last_modified)),
        writer.text("SUMMARY", entry.title, language),
        writer.text("DESCRIPTION", description, language),
    ]
    if entry.location:
        lines.append(writer.text("LOCATION", entry.location, language))
    if entry.geo:
        lines.append(writer.content_line("GEO", f"{entry.geo[0]:.6f};{entry.geo[1]:.6f}"))
    lines += [
        writer.content_line("URL", entry.url, {"VALUE": "URI"}),
        writer.text("CATEGORIES", entry.category, language),
        writer.content_line("CLASS", "PUBLIC"),
    ]
    if entry.organizer:
        lines.append(writer.content_line("ORGANIZER", f"mailto:{entry.organizer.email}", {"CN": entry.organizer.name}))
    return lines


def vevents(
    entry: FeedEvent,
    *,
    stamp: dt.datetime | None = None,
    status: str | None = None,
    extra_description: str | None = None,
    extra_lines: Sequence[str] = (),
    sequence: int | None = None,
) -> str:
    """The VEVENT of an event, and one more per moved or cancelled occurrence of a series (RECURRENCE-ID)."""
    stamp = stamp or entry.last_modified
    sequence = entry.sequence if sequence is None else sequence
    common = _common(entry, stamp=stamp, extra_description=extra_description)
    master = [
        writer.content_line("UID", entry.uid),
        writer.content_line("SEQUENCE", str(sequence)),
        _when("DTSTART", entry.starts_at, entry),
        _when("DTEND", entry.ends_at, entry),
    ]
    if entry.rrule:
        master.append(writer.content_line("RRULE", entry.rrule.removeprefix("RRULE:")))
        for excluded in entry.exdates:
            master.append(_when("EXDATE", excluded, entry))
    master += [*common, writer.content_line("STATUS", status or entry.status), *extra_lines]
    text = writer.component("VEVENT", master)
    for original, moved in entry.changes:
        override = [
            writer.content_line("UID", entry.uid),
            writer.content_line("SEQUENCE", str(sequence)),
            _when("RECURRENCE-ID", original, entry),
            _when("DTSTART", moved.start if moved else original, entry),
            _when("DTEND", moved.end if moved else original + (entry.ends_at - entry.starts_at), entry),
            *common,
            writer.content_line("STATUS", "CANCELLED" if moved is None else (status or entry.status)),
            *extra_lines,
        ]
        text += writer.component("VEVENT", override)
    return text


@cache
def vtimezone_text(tzid: str) -> str:
    text: str = vtimezone(tzid).to_ical().decode()
    return text.replace("\r\n", "\n").replace("\n", writer.CRLF)


@dataclass(frozen=True)
class CalendarHeader:
    name: str
    description: str = ""
    language: str = "en"
    refresh: dt.timedelta | None = None  # for subscribed feeds: how often clients should look again
    source_url: str | None = None


def _duration(interval: dt.timedelta) -> str:
    seconds = int(interval.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return (
        "PT"
        + (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds or not (hours or minutes) else "")
    )


def calendar(
    header: CalendarHeader, event_texts: Iterable[str], timezones: Iterable[str], *, method: str = "PUBLISH"
) -> bytes:
    """A whole VCALENDAR around VEVENT texts; VTIMEZONEs sorted by TZID, so the bytes never depend on order."""
    language = {"LANGUAGE": header.language}
    lines = [
        writer.content_line("VERSION", "2.0"),
        writer.content_line("PRODID", PRODUCT_ID),
        writer.content_line("CALSCALE", "GREGORIAN"),
        writer.content_line("METHOD", method),
        writer.text("NAME", header.name, language),
        writer.text("X-WR-CALNAME", header.name),
    ]
    if header.description:
        lines += [
            writer.text("DESCRIPTION", header.description, language),
            writer.text("X-WR-CALDESC", header.description),
        ]
    if header.refresh:
        lines += [
            writer.content_line("REFRESH-INTERVAL", _duration(header.refresh), {"VALUE": "DURATION"}),
            writer.content_line("X-PUBLISHED-TTL", _duration(header.refresh)),
        ]
    if header.source_url:
        lines.append(writer.content_line("SOURCE", header.source_url, {"VALUE": "URI"}))
    body = "".join(lines) + "".join(vtimezone_text(tzid) for tzid in sorted(set(timezones))) + "".join(event_texts)
    return f"BEGIN:VCALENDAR{writer.CRLF}{body}END:VCALENDAR{writer.CRLF}".encode()


def zones_of(entries: Iterable[FeedEvent]) -> set[str]:
    return {entry.timezone for entry in entries if not entry.all_day}


def single_event(entry: FeedEvent, *, name: str, extra_description: str | None = None) -> bytes:
    """One event to download and add to a calendar."""
    return calendar(
        CalendarHeader(name=name, language=entry.language),
        [vevents(entry, extra_description=extra_description)],
        zones_of([entry]),
    )


def invitation(
    entry: FeedEvent,
    *,
    method: str,
    stamp: dt.datetime,
    sequence: int,
    attendee_name: str,
    attendee_email: str,
    online_url: str | None = None,
) -> bytes:
    """An iTIP message for one participant: REQUEST adds or updates the event in their calendar, CANCEL takes it
    out. The UID is the feeds' own; a higher SEQUENCE replaces what the calendar has."""
    attendee = writer.content_line(
        "ATTENDEE",
        f"mailto:{attendee_email}",
        {
            "CN": attendee_name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED" if method == "REQUEST" else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    text = vevents(
        entry,
        stamp=stamp,
        status="CANCELLED" if method == "CANCEL" else None,
        extra_description=online_url,  # only a confirmed participant's own invitation carries the meeting link
        extra_lines=[attendee],
        sequence=sequence,
    )
    return calendar(CalendarHeader(name=entry.title, language=entry.language), [text], zones_of([entry]), method=method)


@dataclass(frozen=True)
class PersonalEntry:
    entry: FeedEvent
    status: str  # CONFIRMED, TENTATIVE or CANCELLED: how this person stands, not only the event
    online_url: str | None


def personal_calendar(entries: Sequence[PersonalEntry], *, name: str, language: str, refresh: dt.timedelta) -> bytes:
    """One person's calendar: their events, each with their own status."""
    texts = [
        vevents(
            personal.entry,
            status="CANCELLED" if personal.entry.status == "CANCELLED" else personal.status,
            extra_description=personal.online_url,
        )
        for personal in entries
    ]
    return calendar(
        CalendarHeader(name=name, language=language, refresh=refresh), texts, zones_of(p.entry for p in entries)
    )
