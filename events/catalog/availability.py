"""Whether a person could register for an event right now, and if not, why not."""

from __future__ import annotations

import datetime as dt
import enum

from events.catalog.models import Event, EventStatus


class RegistrationState(enum.StrEnum):
    OPEN = "open"
    NOT_PUBLISHED = "not_published"
    CANCELLED = "cancelled"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    STARTED = "started"
    FULL = "full"
    NO_REGISTRATION = "no_registration"


def registration_window(event: Event) -> tuple[dt.datetime | None, dt.datetime]:
    """When registration opens and closes: by default from publication until the (first) start."""
    opens = event.registration_opens_at or event.published_at
    closes = min(event.registration_closes_at or event.starts_at, event.starts_at)
    return opens, closes


def seats_left(event: Event) -> int | None:
    """Seats still free, or None when the event has no limit."""
    return None if event.capacity is None else max(event.capacity - event.confirmed_seats, 0)


def registration_state(event: Event, now: dt.datetime) -> RegistrationState:
    if event.status is EventStatus.CANCELLED:
        return RegistrationState.CANCELLED
    if event.status is not EventStatus.PUBLISHED:
        return RegistrationState.NOT_PUBLISHED
    if not event.registration_enabled:
        return RegistrationState.NO_REGISTRATION
    opens, closes = registration_window(event)
    if now >= event.starts_at:
        return RegistrationState.STARTED
    if opens is not None and now < opens:
        return RegistrationState.NOT_YET_OPEN
    if now >= closes:
        return RegistrationState.CLOSED
    if seats_left(event) == 0 and not event.waitlist_enabled:
        return RegistrationState.FULL
    return RegistrationState.OPEN


def next_change(event: Event, now: dt.datetime, *, shown_end: dt.datetime) -> dt.datetime | None:
    """The next moment the event reads differently by the mere passing of time: registration opens or closes,
    it starts, or the occurrence shown ends."""
    opens, closes = registration_window(event)
    moments = (opens, closes, event.starts_at, shown_end, event.series_ends_at)
    future = [moment for moment in moments if moment is not None and moment > now]
    return min(future) if future else None
