"""One input model for an event, read from the organisers' form or from the write API's JSON.

Reading only turns what was sent into typed values (a number, a day, a local time); what cannot even be read is
kept as a field error in ``problems``. ``checks.check`` then holds the values against the rules, so the form and
the API report the same errors under the same field names (``translations.zh.title``, ``start``,
``recurrence.until``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from events.catalog.models import Event
from events.catalog.queries import Catalogue
from events.errors import FieldError
from events.i18n import N_
from events.registrations.models import Question

# A day (all-day events, exception dates); a wall-clock time in the event's zone (naive); or an exact moment.
Moment = dt.date | dt.datetime

TEXT_FIELDS = ("title", "summary", "description", "image_alt")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

N_NUMBER = N_("Enter a whole number.")
N_DATE = N_("Enter a date such as 2026-03-14.")
N_TIME = N_("Enter a time such as 19:30.")


@dataclass
class TextInput:
    title: str = ""
    summary: str = ""
    description: str = ""
    image_alt: str = ""


@dataclass
class ChoiceInput:
    value: str
    labels: dict[str, str]


@dataclass
class QuestionInput:
    id: int | None
    kind: str
    required: bool
    labels: dict[str, str]
    choices: list[ChoiceInput] = field(default_factory=list)
    # Its group's number in the form, which errors name ("questions.3.labels"); the API names list positions.
    number: int | None = None


@dataclass
class RecurrenceInput:
    """Weekly or monthly every ``interval``, until a day or ``count`` times; or an RRULE as the API (or an event
    made elsewhere) has it. Exception dates are days or the exact starts of the dates that do not take place."""

    frequency: str = ""
    interval: int | None = 1
    until: dt.date | None = None
    count: int | None = None
    rule: str | None = None
    exdates: list[Moment] = field(default_factory=list)


@dataclass
class EventInput:
    translations: dict[str, TextInput] = field(default_factory=dict)
    category: str = ""
    city: str = ""
    office: str = ""
    co_organisers: list[str] = field(default_factory=list)
    venue: int | None = None
    online_url: str = ""
    image_path: str = ""
    timezone: str = ""  # empty: the city's own
    all_day: bool = False
    start: Moment | None = None
    end: Moment | None = None
    recurrence: RecurrenceInput | None = None
    capacity: int | None = None
    max_seats_per_registration: int | None = 5
    waitlist_enabled: bool = True
    waitlist_rule: str = "strict"
    approval_required: bool = False
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = None
    questions: list[QuestionInput] = field(default_factory=list)
    status: str = "draft"
    # Fields that could not be read at all; the checks add the rest.
    problems: list[FieldError] = field(default_factory=list)


def from_event(
    event: Event, questions: Sequence[Question], catalogue: Catalogue, co_organisers: Sequence[int]
) -> EventInput:
    """The event as it stands, in the input model: what a partial change (PATCH) starts from. Times are exact
    moments, so changing only the time zone keeps the moment."""
    zone = ZoneInfo(event.timezone)
    start: Moment = event.starts_at.astimezone(zone)
    end: Moment = event.ends_at.astimezone(zone)
    if event.all_day:
        # The days as the form shows them: the first and the last (the stored end is midnight after it).
        start, end = (
            event.starts_at.astimezone(zone).date(),
            (event.ends_at.astimezone(zone) - dt.timedelta(days=1)).date(),
        )
    recurrence = None
    if event.rrule:
        excluded: list[Moment] = [dt.datetime.fromisoformat(value).astimezone(zone) for value in event.exdates]
        recurrence = RecurrenceInput(frequency="", interval=None, rule=event.rrule, exdates=excluded)
    return EventInput(
        translations={
            code: TextInput(row.title, row.summary, row.description, row.image_alt)
            for code, row in event.translations.items()
        },
        category=catalogue.category_by_id[event.category_id].slug,
        city=catalogue.city_by_id[event.city_id].slug,
        office=catalogue.city_by_id[event.office_id].slug,
        co_organisers=[catalogue.city_by_id[city_id].slug for city_id in co_organisers],
        venue=event.venue_id,
        online_url=event.online_url or "",
        image_path=event.image_path or "",
        timezone=event.timezone,
        all_day=event.all_day,
        start=start,
        end=end,
        recurrence=recurrence,
        capacity=event.capacity,
        max_seats_per_registration=event.max_seats_per_registration,
        waitlist_enabled=event.waitlist_enabled,
        waitlist_rule=event.waitlist_rule.value,
        approval_required=event.approval_required,
        registration_opens_at=_in_zone(event.registration_opens_at, zone),
        registration_closes_at=_in_zone(event.registration_closes_at, zone),
        questions=[
            QuestionInput(
                question.id,
                question.kind.value,
                question.required,
                dict(question.label),
                [ChoiceInput(choice["value"], dict(choice["label"])) for choice in question.choices],
            )
            for question in questions
        ],
        status=event.status.value,
    )


def _in_zone(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return moment.astimezone(zone) if moment is not None else None
