"""iCalendar (RFC 5545, RFC 7986, iTIP RFC 5546) from events: pure functions, no request and no database.

Every calendar the platform hands out comes from here: the public feeds, one event's download, a person's own
calendar and the invitations in e-mails. An event's VEVENTs depend only on the event, its language and the
catalogue, never on the moment they are written, so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from events.catalog.models import Category, City, EventStatus, Venue
from events.catalog.presenters import OnClocks, describe_occurrence
from events.catalog.queries import Catalogue
from events.catalog.recurrence import Occurrence, RecurrenceError, normalise_rule, occurrence_at
from events.feeds import writer
from events.feeds.series import Plan, plan
from events.feeds.timezones import vtimezone
from events.i18n import N_, gettext_for, pick, pick_text

if TYPE_CHECKING:
    from events.feeds.models import FeedSource

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
    # A changed occurrence's own DESCRIPTION (its own time in it), by RECURRENCE-ID; the event's if missing.
    change_descriptions: tuple[tuple[dt.datetime, str], ...] = ()


class Texts(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def description(self) -> str: ...


class ChangedDate(Protocol):
    @property
    def original_start(self) -> dt.datetime: ...
    @property
    def cancelled(self) -> bool: ...
    @property
    def starts_at(self) -> dt.datetime | None: ...
    @property
    def ends_at(self) -> dt.datetime | None: ...


class CalendarSubject(OnClocks, Protocol):
    """What a calendar reads of an event: an Event, or the plain row a whole feed reads (feeds.loading)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def slug(self) -> str: ...
    @property
    def status(self) -> EventStatus: ...
    @property
    def deleted_at(self) -> dt.datetime | None: ...
    @property
    def external_uid(self) -> str | None: ...
    @property
    def cancellation_reasons(self) -> Mapping[str, str]: ...
    @property
    def location(self) -> str | None: ...
    @property
    def online_url(self) -> str | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def updated_at(self) -> dt.datetime: ...
    @property
    def sequence(self) -> int: ...
    @property
    def starts_at(self) -> dt.datetime: ...
    @property
    def ends_at(self) -> dt.datetime: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def exdates(self) -> Sequence[str]: ...
    @property
    def translations(self) -> Mapping[str, Texts]: ...
    @property
    def changes(self) -> Sequence[ChangedDate]: ...
    @property
    def category(self) -> Category: ...
    @property
    def office(self) -> City: ...
    @property
    def venue(self) -> Venue | None: ...
    @property
    def source(self) -> FeedSource | None: ...


def event_uid(event: CalendarSubject, calendar_domain: str) -> str:
    """Never from a slug or title: an imported event keeps its source's UID, ours are UUID@calendar-domain."""
    return event.external_uid or f"{event.id}@{calendar_domain}"


def calendar_status(event: CalendarSubject) -> str:
    """A cancelled, unpublished or deleted event stays in calendars as CANCELLED, so clients drop their copy."""
    if event.status is EventStatus.PUBLISHED and event.deleted_at is None:
        return "CONFIRMED"
    return "CANCELLED"


def feed_event(
    event: CalendarSubject, catalogue: Catalogue, language: str, *, base_url: str, calendar_domain: str
) -> FeedEvent:
    """The event for a calendar in ``language``: its text, where, when in both cities, status and sequence."""
    chosen = pick(event.translations, language)
    served, texts = chosen if chosen else (language, None)
    url = f"{base_url}/events/{event.slug}"
    reason = pick_text(event.cancellation_reasons, language) if calendar_status(event) == "CANCELLED" else ""
    source = (
        gettext_for(served, N_("Imported from the calendar of %(source)s."), source=event.source.name)
        if event.source
        else ""
    )

    def description(occurrence: Occurrence) -> str:
        """The text of the event, with the time of this occurrence on both cities' clocks."""
        _, when = describe_occurrence(event, occurrence, catalogue, served, with_year=True)
        parts = [reason, texts.summary if texts else "", texts.description if texts else "", when, source, url]
        return "\n\n".join(part for part in parts if part)

    changes = _changes(event) if event.rrule else ()
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
        description=description(Occurrence(event.starts_at, event.ends_at)),
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
        changes=changes,
        change_descriptions=tuple(
            (
                original,
                description(
                    moved
                    or occurrence_at(original, event.starts_at, event.ends_at, event.timezone, all_day=event.all_day)
                ),
            )
            for original, moved in changes
        ),
    )


def _changes(event: CalendarSubject) -> tuple[tuple[dt.datetime, Occurrence | None], ...]:
    return tuple(
        (
            change.original_start,
            None
            if change.cancelled or change.starts_at is None or change.ends_at is None
            else Occurrence(change.starts_at, change.ends_at, change.original_start),
        )
        for change in event.changes
    )


def _when(name: str, moment: dt.datetime, entry: FeedEvent) -> str:
    """A moment: a date for an all-day event; else wall-clock time with TZID, or UTC where that is ambiguous."""
    if entry.all_day:
        return writer.date_line(name, moment.astimezone(ZoneInfo(entry.timezone)).date())
    return writer.moment_line(name, moment, entry.timezone)


def _span(start: dt.datetime, end: dt.datetime, entry: FeedEvent) -> list[str]:
    """DTSTART and DTEND of an event without rule or of an override: both in UTC when either has two readings
    as wall-clock time (recurring-ical-events reads DTEND in DTSTART's zone, so one in UTC is not enough)."""
    if entry.all_day:
        return [_when("DTSTART", start, entry), _when("DTEND", end, entry)]
    zone = ZoneInfo(entry.timezone)
    if any(writer.two_readings(moment.astimezone(zone).replace(tzinfo=None), zone) for moment in (start, end)):
        return [writer.utc_line("DTSTART", start), writer.utc_line("DTEND", end)]
    return [
        writer.wall_line(name, moment.astimezone(zone).replace(tzinfo=None), entry.timezone)
        for name, moment in (("DTSTART", start), ("DTEND", end))
    ]


def _excluded(original: dt.datetime, entry: FeedEvent, series: Plan) -> str:
    """An EXDATE at the rule's own wall-clock time: every app reads it as it reads its own instance there."""
    wall = None if entry.all_day else series.wall(original)
    return writer.wall_line("EXDATE", wall, entry.timezone) if wall else _when("EXDATE", original, entry)


def _recurrence_id(original: dt.datetime, entry: FeedEvent, series: Plan) -> str:
    """The instance an override replaces: the rule's own wall-clock time, or the platform's moment in UTC when
    that wall-clock time has two readings (see feeds.series)."""
    explicit = series.explicit.get(original)
    wall = None if entry.all_day or (explicit and explicit.two_readings) else series.wall(original)
    return writer.wall_line("RECURRENCE-ID", wall, entry.timezone) if wall else _when("RECURRENCE-ID", original, entry)


def _common(entry: FeedEvent, *, stamp: dt.datetime, description: str) -> list[str]:
    language = {"LANGUAGE": entry.language}
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


def _plan(entry: FeedEvent) -> Plan:
    zone = ZoneInfo(entry.timezone)
    if not entry.rrule or entry.all_day:
        return Plan(zone)
    named = (*entry.exdates, *(original for original, _ in entry.changes))
    try:
        return plan(
            entry.starts_at, entry.ends_at, entry.timezone, entry.rrule, last_change=entry.last_modified, named=named
        )
    except RecurrenceError:
        return Plan(zone)  # a rule the platform cannot read (imported) is written as it came


def _rule(entry: FeedEvent) -> str:
    rule = (entry.rrule or "").removeprefix("RRULE:")
    try:
        return normalise_rule(rule, entry.starts_at, entry.timezone, all_day=entry.all_day)
    except RecurrenceError:
        return rule


def _master_times(entry: FeedEvent, series: Plan) -> list[str]:
    if entry.all_day or not entry.rrule:
        return _span(entry.starts_at, entry.ends_at, entry)
    # A rule runs from its own wall-clock time, written as it is even where it has two readings (the first
    # instance is then stated explicitly); the length as DTEND where every app reads it alike, else exactly.
    wall = entry.starts_at.astimezone(series.zone).replace(tzinfo=None)
    start = writer.wall_line("DTSTART", wall, entry.timezone)
    if series.first_alike:
        return [start, _when("DTEND", entry.ends_at, entry)]
    return [start, writer.content_line("DURATION", _duration(entry.ends_at - entry.starts_at))]


def _exdate_lines(entry: FeedEvent, series: Plan, overridden: dict[dt.datetime, Occurrence]) -> list[str]:
    """The organisers' EXDATEs, the other readings of instances stated explicitly, and instances after UNTIL
    that an app could still count, in the order of the moments they name."""
    lines = [(moment, _excluded(moment, entry, series)) for moment in entry.exdates]
    for original in overridden:
        explicit = series.explicit.get(original)
        if explicit and explicit.exdate:
            lines.append((explicit.exdate, writer.utc_line("EXDATE", explicit.exdate)))
    for wall in series.ruled_out:
        lines.append((wall.replace(tzinfo=series.zone), writer.wall_line("EXDATE", wall, entry.timezone)))
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def _overridden(entry: FeedEvent, series: Plan) -> dict[dt.datetime, Occurrence]:
    """Every instance written as an override, by RECURRENCE-ID (the platform's start): the changed ones at
    their new time (cancelled ones at their own), and those that must be stated explicitly."""
    excluded = set(entry.exdates)
    found = {start: explicit.occurrence for start, explicit in series.explicit.items() if start not in excluded}
    for original, moved in entry.changes:
        found[original] = moved or occurrence_at(
            original, entry.starts_at, entry.ends_at, entry.timezone, all_day=entry.all_day
        )
    return dict(sorted(found.items()))


def vevents(
    entry: FeedEvent,
    *,
    stamp: dt.datetime | None = None,
    status: str | None = None,
    extra_description: str | None = None,
    extra_lines: Sequence[str] = (),
    sequence: int | None = None,
) -> str:
    """The VEVENT of an event, and one more per moved or cancelled occurrence of a series (RECURRENCE-ID) and per
    occurrence that calendar apps would otherwise read differently (see feeds.series)."""
    stamp = stamp or entry.last_modified
    sequence = entry.sequence if sequence is None else sequence
    extra = f"\n\n{extra_description}" if extra_description else ""
    series = _plan(entry)
    overridden = _overridden(entry, series) if entry.rrule else {}
    master = [writer.content_line("UID", entry.uid), writer.content_line("SEQUENCE", str(sequence))]
    master += _master_times(entry, series)
    if entry.rrule:
        master.append(writer.content_line("RRULE", _rule(entry)))
        master += _exdate_lines(entry, series, overridden)
    master += [
        *_common(entry, stamp=stamp, description=entry.description + extra),
        writer.content_line("STATUS", status or entry.status),
        *extra_lines,
    ]
    text = writer.component("VEVENT", master)
    changed = dict(entry.changes)
    descriptions = dict(entry.change_descriptions)
    for original, occurrence in overridden.items():
        cancelled = original in changed and changed[original] is None
        override = [
            writer.content_line("UID", entry.uid),
            writer.content_line("SEQUENCE", str(sequence)),
            _recurrence_id(original, entry, series),
            *_span(occurrence.start, occurrence.end, entry),
            *_common(entry, stamp=stamp, description=descriptions.get(original, entry.description) + extra),
            writer.content_line("STATUS", "CANCELLED" if cancelled else (status or entry.status)),
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
    head, tail = calendar_frame(header, timezones, method=method)
    return head + "".join(event_texts).encode() + tail


def calendar_frame(header: CalendarHeader, timezones: Iterable[str], *, method: str = "PUBLISH") -> tuple[bytes, bytes]:
    """What goes before the VEVENTs (calendar properties and VTIMEZONEs) and after them."""
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
    zones = "".join(vtimezone_text(tzid) for tzid in sorted(set(timezones)))
    head = f"BEGIN:VCALENDAR{writer.CRLF}{''.join(lines)}{zones}"
    return head.encode(), f"END:VCALENDAR{writer.CRLF}".encode()


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
