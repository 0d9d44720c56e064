"""Importing other calendars: the partner city's platform, a museum, a sports club.

Fetching is careful: only http and https, no private, loopback or link-local addresses unless an admin allows
the host (no server-side request forgery, checked before connecting and again on the connected address),
limited redirects, a timeout, a size limit, and conditional requests with the stored ETag and Last-Modified.
A bad source changes nothing: its error and time are kept for the admins, and the next sync tries again.

Imported events are matched by their UID (and RECURRENCE-ID for single occurrences), keep that UID and their
SEQUENCE, and are cancelled, never deleted, when they vanish from the source. An instance never imports a UID
at its own calendar domain, so two platforms that subscribe to each other do not echo each other's events.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import ipaddress
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import icalendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from events.catalog.models import LONG_SPAN, Category, City, Event, EventStatus, EventTranslation, OccurrenceChange
from events.catalog.recurrence import RecurrenceError, normalise_rule, series_end
from events.catalog.service import slugify, unique_slug
from events.feeds.models import FeedSource
from events.i18n import LANGUAGE_CODES

log = logging.getLogger("events.feeds")

MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")


class SourceError(Exception):
    """The source could not be read; the message is shown to admins (in English, as logs are)."""


@dataclass
class SyncResult:
    source_id: int
    outcome: str  # "unchanged", "imported" or "failed"
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    error: str | None = None


@dataclass(frozen=True)
class FetchPolicy:
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    max_bytes: int = MAX_BYTES


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or (ip.is_unspecified)
    )


async def check_host(url: str, policy: FetchPolicy) -> None:
    """Refuse anything but http(s) to a public address, unless the admin allowed this host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"only http and https addresses can be imported, not {parts.scheme or 'this'}")
    if parts.hostname in policy.allowed_hosts:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise SourceError(f"the host {parts.hostname} cannot be resolved ({error})") from None
    for info in infos:
        if _forbidden(str(info[4][0])):
            raise SourceError(
                f"{parts.hostname} is a private, loopback or link-local address; "
                "allow it in EVENTS_FEED_ALLOWED_HOSTS if it is meant"
            )


async def fetch(
    client: httpx.AsyncClient, source: FeedSource, policy: FetchPolicy
) -> tuple[bytes | None, httpx.Headers]:
    """The source's calendar, or None when it has not changed since the last sync."""
    url = source.url
    headers = {"Accept": "text/calendar"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    for _ in range(MAX_REDIRECTS + 1):
        await check_host(url, policy)
        try:
            async with client.stream("GET", url, headers=headers, timeout=TIMEOUT, follow_redirects=False) as response:
                _check_connected_address(response, url, policy)
                if response.has_redirect_location:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code == 304:
                    return None, response.headers
                if response.status_code != 200:
                    raise SourceError(f"the source answered HTTP {response.status_code}")
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if content_type not in CALENDAR_TYPES:
                    raise SourceError(f"the source sent {content_type or 'no content type'}, not text/calendar")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                    raise SourceError(f"the calendar is larger than {policy.max_bytes} bytes")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > policy.max_bytes:
                        raise SourceError(f"the calendar is larger than {policy.max_bytes} bytes")
                return bytes(body), response.headers
        except httpx.TimeoutException:
            raise SourceError("the source did not answer in time") from None
        except httpx.HTTPError as error:
            raise SourceError(f"the source could not be reached ({type(error).__name__}: {error})") from None
    raise SourceError(f"more than {MAX_REDIRECTS} redirects")


def _check_connected_address(response: httpx.Response, url: str, policy: FetchPolicy) -> None:
    # A name may resolve differently at connect time (DNS rebinding): check the address actually connected to.
    host = urlsplit(url).hostname or ""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and host not in policy.allowed_hosts and _forbidden(str(peer[0])):
        raise SourceError(f"{host} connected to a private address; allow it in EVENTS_FEED_ALLOWED_HOSTS if meant")


@dataclass
class Imported:
    """One event of the source: its master VEVENT and its RECURRENCE-ID overrides."""

    uid: str
    master: Any
    overrides: list[Any] = field(default_factory=list)

    def fingerprint(self) -> str:
        raw = self.master.to_ical() + b"".join(sorted(override.to_ical() for override in self.overrides))
        return hashlib.sha256(raw).hexdigest()


def parse(body: bytes, *, own_domain: str) -> list[Imported]:
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, IndexError, KeyError) as error:
        raise SourceError(f"the calendar cannot be read: {error}") from None
    found: dict[str, Imported] = {}
    overrides: list[Any] = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("uid", "")).strip()
        if not uid or "dtstart" not in component:
            continue
        if uid.lower().endswith("@" + own_domain.lower()):
            continue  # our own event, coming back from a platform that imported it: never import it again
        if "recurrence-id" in component:
            overrides.append(component)
        else:
            found[uid] = Imported(uid, component)
    for override in overrides:
        uid = str(override["uid"]).strip()
        if uid in found:
            found[uid].overrides.append(override)
    return list(found.values())


def _moment(component: Any, name: str, fallback_zone: str) -> tuple[dt.datetime | dt.date, str]:
    value = component.decoded(name)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(fallback_zone))
        zone = getattr(value.tzinfo, "key", None) or _iana(component[name].params.get("TZID"), fallback_zone)
        return value.astimezone(dt.UTC), zone
    return value, fallback_zone


def _iana(tzid: str | None, fallback: str) -> str:
    if tzid:
        try:
            ZoneInfo(tzid)
            return tzid
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return fallback


def _times(component: Any, zone: str) -> tuple[dt.datetime, dt.datetime, str, bool]:
    start, timezone = _moment(component, "dtstart", zone)
    end: dt.datetime | dt.date
    if "dtend" in component:
        end, _ = _moment(component, "dtend", timezone)
    elif "duration" in component:
        end = start + component.decoded("duration")
    else:
        end = start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        return start, max(end, start), timezone, False
    # All day: local midnights in the event's zone (or the source city's).
    local = ZoneInfo(timezone)
    first = start if not isinstance(start, dt.datetime) else start.date()
    last = end if not isinstance(end, dt.datetime) else end.date()
    start_at = dt.datetime.combine(first, dt.time(), local).astimezone(dt.UTC)
    end_at = dt.datetime.combine(last, dt.time(), local).astimezone(dt.UTC)
    return start_at, max(end_at, start_at), timezone, True


def _text(component: Any, name: str) -> tuple[str, str | None]:
    value = component.get(name)
    if value is None:
        return "", None
    language = value.params.get("LANGUAGE") if hasattr(value, "params") else None
    return str(value).strip(), (language or "").split("-")[0].lower() or None


@dataclass(frozen=True)
class Fetched:
    """What a source answered: its calendar (None when unchanged since the last sync), or why it failed."""

    body: bytes | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    error: SourceError | None = None


async def fetch_answer(client: httpx.AsyncClient, source: FeedSource, policy: FetchPolicy) -> Fetched:
    try:
        body, headers = await fetch(client, source, policy)
    except SourceError as error:
        return Fetched(error=error)
    return Fetched(body, headers)


async def sync_source(
    session: AsyncSession, source: FeedSource, fetched: Fetched, *, own_domain: str, now: dt.datetime
) -> SyncResult:
    """Import one source in the caller's transaction; a failing source changes nothing but its error fields.

    ``fetched``: the source's answer (``fetch_answer``), fetched before the transaction began: on SQLite a write
    transaction holds the database's one write lock, which nobody should hold while another server answers."""
    result = SyncResult(source.id, "unchanged")
    try:
        if fetched.error is not None:
            raise fetched.error
        body, headers = fetched.body, fetched.headers
        if body is not None:
            imported = parse(body, own_domain=own_domain)
            async with session.begin_nested():  # all of the import, or none of it
                await _apply(session, source, imported, result, now=now)
            result.outcome = "imported"
            source.etag = headers.get("etag")
            source.last_modified = headers.get("last-modified")
    except SourceError as error:
        result.outcome, result.error = "failed", str(error)
        source.last_error, source.last_error_at = str(error)[:2000], now
        log.warning("Feed source %s could not be imported: %s", source.id, error, extra={"source_id": source.id})
        await session.flush()
        return result
    source.last_synced_at = now
    source.last_error = source.last_error_at = None
    await session.flush()
    log.info(
        "Feed source %s synced: %s created, %s updated, %s cancelled",
        source.id,
        result.created,
        result.updated,
        result.cancelled,
        extra={
            "source_id": source.id,
            "events_created": result.created,
            "events_updated": result.updated,
            "events_cancelled": result.cancelled,
        },
    )
    return result


async def _apply(
    session: AsyncSession, source: FeedSource, imported: list[Imported], result: SyncResult, *, now: dt.datetime
) -> None:
    city = await session.get(City, source.city_id)
    category = await session.get(Category, source.category_id)
    assert city is not None and category is not None
    existing = {
        event.external_uid: event
        for event in (
            await session.scalars(
                select(Event)
                .where(Event.source_id == source.id)
                .options(selectinload(Event.translations), selectinload(Event.changes))
            )
        ).all()
    }
    seen = set()
    for item in imported:
        seen.add(item.uid)
        event = existing.get(item.uid)
        fingerprint = item.fingerprint()
        if event is not None and event.external_hash == fingerprint:
            continue
        if event is None:
            event = await _create(session, source, city, category, item, now=now)
            result.created += 1
        else:
            result.updated += 1
        _update(event, item, city, now=now)
        event.external_hash = fingerprint
    for uid, event in existing.items():
        if uid not in seen and event.status is not EventStatus.CANCELLED:
            # Gone from the source: cancelled, never deleted, so registrations and calendars stay true.
            event.status = EventStatus.CANCELLED
            event.sequence += 1
            event.updated_at = now
            result.cancelled += 1
    await session.flush()


async def _create(
    session: AsyncSession, source: FeedSource, city: City, category: Category, item: Imported, *, now: dt.datetime
) -> Event:
    title, _ = _text(item.master, "summary")
    event = Event(
        slug=await unique_slug(session, slugify(title) or "event"),
        category_id=category.id,
        city_id=city.id,
        office_id=city.id,
        source_id=source.id,
        external_uid=item.uid,
        registration_enabled=source.registration_enabled,
        published_at=now,
        created_at=now,
        exdates=[],
        sequence=0,
        confirmed_seats=0,
        waitlist_length=0,
    )
    event.translations = {}
    event.changes = []
    session.add(event)
    return event


def _update(event: Event, item: Imported, city: City, *, now: dt.datetime) -> None:
    master = item.master
    starts_at, ends_at, timezone, all_day = _times(master, city.timezone)
    event.starts_at, event.ends_at, event.timezone, event.all_day = starts_at, ends_at, timezone, all_day
    rule = master.get("rrule")
    event.rrule = _rule(rule.to_ical().decode(), starts_at, timezone, all_day) if rule is not None else None
    event.exdates = sorted(
        {
            (moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time(), ZoneInfo(timezone)))
            .astimezone(dt.UTC)
            .isoformat()
            for moment in _exdates(master)
        }
    )
    event.series_ends_at = _series_end(event)
    event.long_running = (
        bool(event.rrule) or event.series_ends_at is None or (event.series_ends_at - starts_at > LONG_SPAN)
    )
    status = str(master.get("status", "CONFIRMED")).upper()
    event.status = EventStatus.CANCELLED if status == "CANCELLED" else EventStatus.PUBLISHED
    event.sequence = max(int(master.get("sequence", 0)), event.sequence + (1 if event.id else 0))
    event.updated_at = now
    location, _ = _text(master, "location")
    event.location = location[:300] or None
    title, language = _text(master, "summary")
    description, _ = _text(master, "description")
    code = language if language in LANGUAGE_CODES else "en"
    row = event.translations.get(code)
    if row is None:
        event.translations[code] = EventTranslation(
            language=code, title=title[:200] or event.slug, description=description
        )
    else:
        row.title, row.description = title[:200] or row.title, description
    _overrides(event, item, timezone)


def _exdates(component: Any) -> list[dt.datetime | dt.date]:
    values = component.get("exdate")
    if values is None:
        return []
    found: list[dt.datetime | dt.date] = []
    for value in values if isinstance(values, list) else [values]:
        found += [entry.dt for entry in value.dts]
    return found


def _rule(rule: str, starts_at: dt.datetime, timezone: str, all_day: bool) -> str:
    """The source's RRULE with UNTIL as RFC 5545 requires it (sources write a date for a timed series, or a
    local time): what the platform reads in it, so that every calendar our feeds reach reads the same."""
    try:
        return normalise_rule(rule, starts_at, timezone, all_day=all_day)
    except RecurrenceError:
        return rule  # refused with the series end below: imported as its first occurrence only


def _series_end(event: Event) -> dt.datetime | None:
    try:
        return series_end(
            event.starts_at, event.ends_at, event.timezone, event.rrule, event.exdates, all_day=event.all_day
        )
    except RecurrenceError:
        event.rrule = None  # a rule we cannot expand is imported as its first occurrence only
        return event.ends_at


def _overrides(event: Event, item: Imported, timezone: str) -> None:
    """Bring the occurrence changes in line with the source's overrides, updating rows in place.

    Rows are kept per original start rather than replaced, so the unique (event, original start)
    constraint never sees a new row before the old one is gone.
    """
    current = {change.original_start: change for change in event.changes}
    wanted: list[OccurrenceChange] = []
    for override in item.overrides:
        original, _ = _moment(override, "recurrence-id", timezone)
        if not isinstance(original, dt.datetime):
            original = dt.datetime.combine(original, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)
        cancelled = str(override.get("status", "")).upper() == "CANCELLED"
        starts_at, ends_at, _, _ = _times(override, timezone)
        change = current.pop(original, None) or OccurrenceChange(original_start=original)
        change.cancelled = cancelled
        change.starts_at = None if cancelled else starts_at
        change.ends_at = None if cancelled else ends_at
        change.sequence = int(override.get("sequence", 0))
        change.updated_at = event.updated_at
        if change not in wanted:
            wanted.append(change)
    event.changes = sorted(wanted, key=lambda change: change.original_start)


async def sync_all(
    session_factory: Callable[[], Any],
    sources: Sequence[int],
    *,
    policy: FetchPolicy,
    own_domain: str,
    now: Callable[[], dt.datetime],
    progress: Callable[[int, int], None] | None = None,
) -> list[SyncResult]:
    """Sync each source in a transaction of its own; one failing source does not stop the others.

    Each source is fetched between two short transactions, never inside one: on SQLite a write transaction holds
    the database's one write lock, and registrations must not wait for it while another server takes its time."""
    results = []
    async with httpx.AsyncClient(headers={"User-Agent": "Stedenband feed importer"}) as client:
        for done, source_id in enumerate(sources, start=1):
            async with session_factory() as session:
                asked = await session.get(FeedSource, source_id)  # its address, ETag and Last-Modified
            if asked is not None:
                fetched = await fetch_answer(client, asked, policy)
                async with session_factory() as session:
                    source = await session.get(FeedSource, source_id)
                    if source is not None:
                        result = await sync_source(session, source, fetched, own_domain=own_domain, now=now())
                        results.append(result)
            if progress:
                progress(done, len(sources))
    return results
