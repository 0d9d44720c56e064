"""What the event editor's form shows: the values of its fields (from the event, or as typed), the choices of its
selects, the same moment on the partner city's clock, and the changes of others after an edit conflict."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.accounts.auth import Principal
from events.catalog.editing.checks import read_local
from events.catalog.editing.form_input import form_moment, form_recurrence_values, form_text
from events.catalog.editing.history import SeenChange
from events.catalog.models import Event, Venue, WaitlistRule
from events.catalog.queries import Catalogue
from events.clocks import Clock, format_moment, in_clocks
from events.errors import FieldError
from events.i18n import LANGUAGE_CODES, LANGUAGES, N_, gettext_for, pick_text
from events.registrations.models import Question, QuestionKind

QUESTION_KINDS = {
    QuestionKind.TEXT: N_("Short text"),
    QuestionKind.LONG_TEXT: N_("Long text"),
    QuestionKind.CHOICE: N_("One choice"),
    QuestionKind.MULTIPLE_CHOICE: N_("Several choices"),
    QuestionKind.YES_NO: N_("Yes or no"),
}
WAITLIST_RULES = {
    WaitlistRule.STRICT: N_("Strictly in order: nobody passes those already waiting"),
    WaitlistRule.FIRST_FIT: N_("First that fits: a smaller registration may pass a delegation that does not fit"),
}
FIELD_NAMES = {
    "category": N_("the category"),
    "city": N_("the city"),
    "office": N_("the office"),
    "co_organisers": N_("the co-organisers"),
    "venue": N_("the venue"),
    "online_url": N_("the online meeting link"),
    "image": N_("the image"),
    "start": N_("the start"),
    "end": N_("the end"),
    "timezone": N_("the time zone"),
    "all_day": N_("all day"),
    "recurrence.rule": N_("the repeat rule"),
    "recurrence.exdates": N_("the dates left out"),
    "capacity": N_("the capacity"),
    "max_seats_per_registration": N_("the places per registration"),
    "waitlist_enabled": N_("the waiting list"),
    "waitlist_rule": N_("the waiting list's rule"),
    "approval_required": N_("approval"),
    "registration_opens_at": N_("when registration opens"),
    "registration_closes_at": N_("when registration closes"),
    "status": N_("the status"),
    "questions": N_("the questions"),
    "occurrences": N_("single dates"),
    "cancellation_reasons": N_("the reason for cancelling"),
    "deleted_at": N_("deletion"),
    "title": N_("the title"),
    "summary": N_("the summary"),
    "description": N_("the description"),
    "image_alt": N_("the image description"),
}
MOMENT_FIELDS = ("start", "end", "registration_opens_at", "registration_closes_at", "deleted_at")


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M}"


def values_of(
    event: Event, questions: Sequence[Question], catalogue: Catalogue, co_organisers: Sequence[int]
) -> dict[str, Any]:
    """The form's fields for an event as it stands."""
    zone = ZoneInfo(event.timezone)
    city = catalogue.city_by_id[event.city_id]
    values: dict[str, Any] = {
        "category": catalogue.category_by_id[event.category_id].slug,
        "city": city.slug,
        "office": catalogue.city_by_id[event.office_id].slug,
        "co_organisers": [catalogue.city_by_id[city_id].slug for city_id in co_organisers],
        "venue": str(event.venue_id or ""),
        "online_url": event.online_url or "",
        "image_path": event.image_path or "",
        "timezone": "" if event.timezone == city.timezone else event.timezone,
        "all_day": "yes" if event.all_day else "",
        "capacity": "" if event.capacity is None else str(event.capacity),
        "max_seats_per_registration": str(event.max_seats_per_registration),
        "waitlist_enabled": "yes" if event.waitlist_enabled else "",
        "waitlist_rule": event.waitlist_rule.value,
        "approval_required": "yes" if event.approval_required else "",
        "edit_version": str(event.edit_version),
        **form_recurrence_values(event),
    }
    values["start_date"], values["start_time"] = _local(event.starts_at, zone)
    values["end_date"], values["end_time"] = _local(event.ends_at, zone)
    if event.all_day:
        values["end_date"] = f"{(event.ends_at.astimezone(zone) - dt.timedelta(days=1)).date():%Y-%m-%d}"
        values["start_time"] = values["end_time"] = ""
    for name in ("registration_opens_at", "registration_closes_at"):
        values[f"{name}_date"], values[f"{name}_time"] = _local(getattr(event, name), zone)
    for code, row in event.translations.items():
        for field in ("title", "summary", "description", "image_alt"):
            values[f"translations.{code}.{field}"] = getattr(row, field)
    for number, question in enumerate(questions):
        values.update(_question_values(number, question))
    return values


def _question_values(number: int, question: Question) -> dict[str, str]:
    prefix = f"questions.{number}."
    values = {
        prefix + "id": str(question.id),
        prefix + "kind": question.kind.value,
        prefix + "required": "yes" if question.required else "",
        prefix + "values": "\n".join(choice["value"] for choice in question.choices),
    }
    for code in LANGUAGE_CODES:
        values[f"{prefix}labels.{code}"] = question.label.get(code, "")
        values[f"{prefix}choices.{code}"] = "\n".join(choice["label"].get(code, "") for choice in question.choices)
    return values


def new_values(me: Principal) -> dict[str, Any]:
    return {
        "city": me.city_slug,
        "office": me.city_slug,
        "co_organisers": [],
        "max_seats_per_registration": "5",
        "waitlist_enabled": "yes",
        "waitlist_rule": WaitlistRule.STRICT.value,
        "recurrence.interval": "1",
        "recurrence.ends": "count",
    }


def question_slots(values: dict[str, Any]) -> list[int]:
    """The question groups to show: those with content, then one empty group for a new question."""
    numbers = sorted(
        {int(match.group(1)) for key in values if (match := re.fullmatch(r"questions\.(\d{1,3})\.kind", key))}
    )
    filled = [
        number
        for number in numbers
        if values.get(f"questions.{number}.id")
        or any(
            values.get(f"questions.{number}.{part}.{code}") for part in ("labels", "choices") for code in LANGUAGE_CODES
        )
    ]
    return [*filled, max(numbers, default=-1) + 1]


def options(catalogue: Catalogue, venues: Sequence[Venue], language: str, current_zone: str) -> dict[str, Any]:
    """The choices of the form's selects, in the reader's language."""
    zones = list(dict.fromkeys([city.timezone for city in catalogue.cities] + ([current_zone] if current_zone else [])))
    return {
        "categories": [("", gettext_for(language, N_("Choose a category")))]
        + [(category.slug, pick_text(category.name, language)) for category in catalogue.categories],
        "cities": [(city.slug, pick_text(city.name, language)) for city in catalogue.cities],
        "offices": [(city.slug, pick_text(city.office_name, language)) for city in catalogue.cities],
        "venues": [("", gettext_for(language, N_("No venue (online, or to be announced)")))]
        + [
            (
                str(venue.id),
                f"{pick_text(venue.name, language)} ({pick_text(catalogue.city_by_id[venue.city_id].name, language)})",
            )
            for venue in venues
        ],
        "timezones": [("", gettext_for(language, N_("The city's own time zone")))] + [(zone, zone) for zone in zones],
        "waitlist_rules": [(rule.value, gettext_for(language, name)) for rule, name in WAITLIST_RULES.items()],
        "question_kinds": [(kind.value, gettext_for(language, name)) for kind, name in QUESTION_KINDS.items()],
        "frequencies": [
            ("", gettext_for(language, N_("Does not repeat"))),
            ("weekly", gettext_for(language, N_("Every week, or every few weeks"))),
            ("monthly", gettext_for(language, N_("Every month, on the same day"))),
        ],
        "clocks_json": json.dumps(
            [
                {"slug": city.slug, "label": pick_text(city.clock_name or city.name, language), "zone": city.timezone}
                for city in catalogue.cities
            ]
        ),
    }


def _zone_of(values: dict[str, Any], catalogue: Catalogue) -> tuple[str, str] | None:
    city = catalogue.city_by_slug.get(str(values.get("city", "")))
    if city is None:
        return None
    zone = str(values.get("timezone") or city.timezone)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return city.slug, zone


def clock_times(values: dict[str, Any], catalogue: Catalogue, language: str) -> list[str]:
    """The typed start and end on every twin city's clock, host first: "za 14 maart 14:00–16:00 Weert (CET)",
    "21:00–23:00 Hangzhou (CST)". Empty while the times cannot be read."""
    found = _zone_of(values, catalogue)
    if found is None or values.get("all_day") == "yes":
        return []
    slug, zone = found
    text, problems = form_text(values), list[FieldError]()
    start, end = (
        form_moment(text, "start", problems),
        form_moment(text, "end", problems, default_date=text("start_date")),
    )
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        return []
    (start_at, _), (end_at, _) = read_local(start, zone, "start"), read_local(end, zone, "end")
    if start_at is None or end_at is None or end_at < start_at:
        return []
    host = catalogue.city_by_slug[slug]
    clocks = [Clock(pick_text(host.clock_name or host.name, language), zone)]
    clocks += [
        Clock(pick_text(city.clock_name or city.name, language), city.timezone)
        for city in catalogue.cities
        if city.slug != slug
    ]
    return [str(local) for local in in_clocks(start_at, end_at, clocks, language, with_year=True)]


def stored_hints(event: Event, language: str) -> dict[str, str]:
    """A saved start or end in the hour that happens twice: say that the first is meant."""
    hints = {}
    zone = ZoneInfo(event.timezone)
    for name, moment in (("start", event.starts_at), ("end", event.ends_at)):
        local = moment.astimezone(zone).replace(tzinfo=None)
        read, hint = read_local(local, event.timezone, name)
        if hint is not None and read == moment and not event.all_day:
            hints[name] = gettext_for(language, hint.message, **hint.params)
    return hints


def hint_texts(hints: Sequence[FieldError], language: str) -> dict[str, str]:
    return {hint.field: gettext_for(language, hint.message, **hint.params) for hint in hints}


def _shown(field: str, value: Any, zone: str, language: str) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return gettext_for(language, N_("(empty)"))
    if field in MOMENT_FIELDS and isinstance(value, str):
        return format_moment(dt.datetime.fromisoformat(value), zone, language)
    if isinstance(value, bool):
        return gettext_for(language, N_("yes") if value else N_("no"))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


def _field_name(field: str, language: str) -> str:
    parts = field.split(".")
    if parts[0] == "translations" and len(parts) == 3 and parts[1] in LANGUAGES:
        name = gettext_for(language, FIELD_NAMES.get(parts[2], parts[2]))
        return f"{name} ({LANGUAGES[parts[1]].name})"
    return gettext_for(language, FIELD_NAMES.get(field, field))


def _form_fields(field: str, value: Any, zone: str, all_day: bool) -> dict[str, str] | None:
    """A logged value as the form's fields show it, for the fields a conflict can carry over; None for others."""
    if field.startswith("translations.") or field in ("online_url", "category", "city", "waitlist_rule"):
        return {field: "" if value is None else str(value)}
    if field in ("capacity", "max_seats_per_registration", "venue"):
        return {field: "" if value is None else str(value)}
    if field in ("waitlist_enabled", "approval_required"):
        return {field: "yes" if value else ""}
    if field in ("start", "end", "registration_opens_at", "registration_closes_at"):
        if value is None:
            return {f"{field}_date": "", f"{field}_time": ""}
        local = dt.datetime.fromisoformat(str(value)).astimezone(ZoneInfo(zone))
        if all_day and field in ("start", "end"):
            day = local.date() - dt.timedelta(days=1) if field == "end" else local.date()
            return {f"{field}_date": f"{day:%Y-%m-%d}", f"{field}_time": ""}
        return {f"{field}_date": f"{local:%Y-%m-%d}", f"{field}_time": f"{local:%H:%M}"}
    return None


def merge_conflict(
    values: dict[str, Any], changes: Sequence[SeenChange], zone: str, language: str
) -> tuple[dict[str, Any], list[str]]:
    """After an edit conflict: the form with what others changed taken over wherever this person left the field
    as it was, and their own value kept where they changed it too; and one line per change saying which."""
    merged = dict(values)
    all_day = values.get("all_day") == "yes"
    lines = []
    for change in changes:
        old = _form_fields(change.field, change.old, zone, all_day)
        new = _form_fields(change.field, change.new, zone, all_day)
        untouched = old is not None and all(str(merged.get(key, "")) == text for key, text in old.items())
        if untouched and new is not None:
            merged.update(new)
            outcome = N_("The form now shows the new value.")
        elif old is None:
            outcome = N_("Check this part of the form.")
        else:
            outcome = N_("You changed it too: the form shows your value.")
        line = gettext_for(
            language,
            N_("%(name)s changed %(field)s from “%(old)s” to “%(new)s” (%(time)s)."),
            name=change.by or gettext_for(language, N_("Someone")),
            field=_field_name(change.field, language),
            old=_shown(change.field, change.old, zone, language),
            new=_shown(change.field, change.new, zone, language),
            time=format_moment(change.at, zone, language),
        )
        lines.append(f"{line} {gettext_for(language, outcome)}")
    return merged, lines
