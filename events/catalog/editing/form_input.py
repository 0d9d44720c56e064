"""Reading the editor's form into the event input model: start and end as a date and a time field each, the
repeat rule as its parts, questions as numbered groups with one choice per line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from events.catalog.editing.inputs import (
    DATE,
    N_DATE,
    N_NUMBER,
    N_TIME,
    TEXT_FIELDS,
    ChoiceInput,
    EventInput,
    Moment,
    QuestionInput,
    RecurrenceInput,
    TextInput,
)
from events.catalog.editing.rules import simple_rule
from events.catalog.models import Event
from events.errors import FieldError
from events.i18n import LANGUAGE_CODES, N_

TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def from_form(form: Mapping[str, Any], *, status: str, office: str) -> EventInput:
    """The editor's form. Start and end come as a date and a time field each; questions as numbered groups."""
    problems: list[FieldError] = []
    text = form_text(form)
    all_day = text("all_day") == "yes"
    return EventInput(
        translations={
            code: TextInput(*(text(f"translations.{code}.{name}") for name in TEXT_FIELDS)) for code in LANGUAGE_CODES
        },
        category=text("category"),
        city=text("city"),
        office=text("office") or office,
        co_organisers=[str(value) for value in _getlist(form, "co_organisers") if str(value).strip()],
        venue=_form_number(text("venue"), "venue", problems),
        online_url=text("online_url"),
        image_path="" if text("remove_image") == "yes" else text("image_path"),
        timezone=text("timezone"),
        all_day=all_day,
        start=form_moment(text, "start", problems, all_day=all_day),
        end=form_moment(text, "end", problems, all_day=all_day, default_date=text("start_date")),
        recurrence=_form_recurrence(text, problems),
        capacity=_form_number(text("capacity"), "capacity", problems),
        max_seats_per_registration=_form_number(
            text("max_seats_per_registration"), "max_seats_per_registration", problems
        ),
        waitlist_enabled=text("waitlist_enabled") == "yes",
        waitlist_rule=text("waitlist_rule") or "strict",
        approval_required=text("approval_required") == "yes",
        registration_opens_at=form_moment(text, "registration_opens_at", problems, optional=True),
        registration_closes_at=form_moment(
            text, "registration_closes_at", problems, optional=True, default_time=dt.time(23, 59)
        ),
        questions=_form_questions(form, text),
        status=status,
        problems=problems,
    )


def form_text(form: Mapping[str, Any]) -> Any:
    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    return text


def _getlist(form: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = form.get(name)
    return value if isinstance(value, list) else ([] if value is None else [value])


def _form_number(raw: str, name: str, problems: list[FieldError]) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        problems.append(FieldError(name, N_NUMBER))
        return None
    return int(raw)


def parse_date(raw: str) -> dt.date | None:
    if not DATE.match(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _parse_time(raw: str) -> dt.time | None:
    if not TIME.match(raw):
        return None
    try:
        return dt.time.fromisoformat(raw.zfill(5) if len(raw) == 4 else raw)
    except ValueError:
        return None


def form_moment(
    text: Any,
    name: str,
    problems: list[FieldError],
    *,
    all_day: bool = False,
    optional: bool = False,
    default_date: str = "",
    default_time: dt.time | None = None,
) -> Moment | None:
    """``<name>_date`` and ``<name>_time`` as a day (all day) or a local wall-clock time; errors go to ``name``."""
    raw_date, raw_time = text(f"{name}_date") or default_date, text(f"{name}_time")
    if not raw_date and (optional or not raw_time):
        return None
    day = parse_date(raw_date)
    if day is None:
        problems.append(FieldError(name, N_DATE))
        return None
    if all_day:
        return day
    if not raw_time:
        if default_time is None and not optional:
            problems.append(FieldError(name, N_("Enter the time as well.")))
            return None
        return dt.datetime.combine(day, default_time or dt.time())
    time = _parse_time(raw_time)
    if time is None:
        problems.append(FieldError(name, N_TIME))
        return None
    return dt.datetime.combine(day, time)


def _form_recurrence(text: Any, problems: list[FieldError]) -> RecurrenceInput | None:
    frequency = text("recurrence.frequency")
    if not frequency:
        return None
    exdates: list[Moment] = []
    for raw in re.split(r"[\s,;]+", text("recurrence.exdates")):
        if not raw:
            continue
        day = parse_date(raw)
        if day is None:
            problems.append(FieldError("recurrence.exdates", N_DATE))
        else:
            exdates.append(day)
    if frequency == "custom":
        return RecurrenceInput(rule=text("recurrence.rule") or None, exdates=exdates)
    ends = text("recurrence.ends")
    until = parse_date(text("recurrence.until")) if ends == "until" else None
    if ends == "until" and until is None:
        problems.append(FieldError("recurrence.until", N_DATE))
    count = _form_number(text("recurrence.count"), "recurrence.count", problems) if ends == "count" else None
    if ends == "count" and count is None and not any(item.field == "recurrence.count" for item in problems):
        problems.append(FieldError("recurrence.count", N_("Enter how many times the event takes place.")))
    if ends not in ("until", "count"):
        message = N_("Choose when the series ends: on a date or after a number of times.")
        problems.append(FieldError("recurrence.ends", message))
    interval = _form_number(text("recurrence.interval") or "1", "recurrence.interval", problems)
    return RecurrenceInput(frequency=frequency, interval=interval, until=until, count=count, exdates=exdates)


def _form_questions(form: Mapping[str, Any], text: Any) -> list[QuestionInput]:
    """Groups ``questions.<n>.*``; choices are one per line in each language's box, matched by line."""
    numbers = sorted(
        {int(match.group(1)) for key in form if (match := re.fullmatch(r"questions\.(\d{1,3})\.kind", str(key)))}
    )
    found = []
    for number in numbers:
        prefix = f"questions.{number}."
        if text(prefix + "remove") == "yes":
            continue
        labels = {code: text(f"{prefix}labels.{code}") for code in LANGUAGE_CODES}
        lines = {code: _lines(form.get(f"{prefix}choices.{code}")) for code in LANGUAGE_CODES}
        values = _lines(form.get(prefix + "values"))
        count = max(len(items) for items in lines.values())
        choices = [
            ChoiceInput(
                values[index] if index < len(values) else "",
                {code: items[index] for code, items in lines.items() if index < len(items) and items[index]},
            )
            for index in range(count)
        ]
        raw_id = text(prefix + "id")
        if not raw_id and not any(labels.values()) and not choices:
            continue  # the empty group for a new question, left empty
        found.append(
            QuestionInput(
                int(raw_id) if raw_id.isdigit() else None,
                text(prefix + "kind"),
                text(prefix + "required") == "yes",
                {code: label for code, label in labels.items() if label},
                choices,
                number,
            )
        )
    return found


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in value.splitlines()] if isinstance(value, str) and value.strip() else []


def form_recurrence_values(event: Event) -> dict[str, str]:
    """The repeat fields of the form for an event as it stands: the simple rule, or its RRULE kept as it is."""
    if not event.rrule:
        return {"recurrence.frequency": "", "recurrence.interval": "1", "recurrence.ends": "count"}
    zone = ZoneInfo(event.timezone)
    exdates = "\n".join(
        f"{dt.datetime.fromisoformat(value).astimezone(zone).date():%Y-%m-%d}" for value in event.exdates
    )
    simple = simple_rule(event.rrule, timezone=event.timezone)
    if simple is None:
        return {"recurrence.frequency": "custom", "recurrence.rule": event.rrule, "recurrence.exdates": exdates}
    return {
        "recurrence.frequency": simple.frequency,
        "recurrence.interval": str(simple.interval),
        "recurrence.ends": "count" if simple.count is not None else "until",
        "recurrence.count": str(simple.count or ""),
        "recurrence.until": f"{simple.until:%Y-%m-%d}" if simple.until else "",
        "recurrence.exdates": exdates,
    }
