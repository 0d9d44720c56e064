"""Reading the write API's JSON into the event input model, laid over the event as it stands (PATCH) or the
defaults of a new one (POST). The body takes the fields the event JSON shows; read-only ones are ignored."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from events.catalog.editing.inputs import (
    DATE,
    N_NUMBER,
    TEXT_FIELDS,
    ChoiceInput,
    EventInput,
    Moment,
    QuestionInput,
    RecurrenceInput,
    TextInput,
)
from events.errors import FieldError, InvalidFields
from events.i18n import LANGUAGE_CODES, N_

N_MOMENT = N_("Send a date (2026-03-14) or a date and time (2026-03-14T19:30, with or without an offset).")
N_BOOLEAN = N_("Send true or false.")
N_TEXT = N_("Send text.")
N_UNKNOWN = N_("This field is unknown.")
N_RECURRENCE = N_("Send an object with a rule, or a frequency and an end; null for none.")

# Fields of the event JSON that the API shows but does not take: sending them back changes nothing.
READ_ONLY = frozenset(
    {
        "id",
        "slug",
        "language",
        "title",
        "summary",
        "description",
        "category_name",
        "city_name",
        "office_name",
        "online",
        "image",
        "times",
        "when",
        "cancellation_reason",
        "seats_left",
        "waitlist_length",
        "registration_open",
        "registration_state",
        "url",
        "ics_url",
        "updated_at",
        "sequence",
        "edit_version",
    }
)


def from_json(body: Any, *, base: EventInput) -> EventInput:
    """A JSON body laid over ``base`` (the defaults of a new event, or the event as it stands): only the fields
    sent change. ``translations`` merge per language (``null`` drops one); other objects and lists replace."""
    if not isinstance(body, dict):
        raise InvalidFields([FieldError("body", N_("Send a JSON object."))])
    sent = dataclasses.replace(base, problems=list(base.problems))
    reader = _JsonReader(sent.problems)
    for name, value in body.items():
        setter = _JSON_FIELDS.get(name)
        if setter is not None:
            setter(sent, value, reader)
        elif name not in READ_ONLY:
            sent.problems.append(FieldError(str(name), N_UNKNOWN))
    return sent


class _JsonReader:
    """Reads typed values out of JSON, noting a field error for anything of the wrong type."""

    def __init__(self, problems: list[FieldError]) -> None:
        self.problems = problems

    def wrong(self, name: str, message: str) -> None:
        self.problems.append(FieldError(name, message))

    def text(self, value: Any, name: str, *, nullable: bool = True) -> str | None:
        if value is None and nullable:
            return ""
        if not isinstance(value, str):
            self.wrong(name, N_TEXT)
            return None
        return value.strip()

    def boolean(self, value: Any, name: str) -> bool | None:
        if not isinstance(value, bool):
            self.wrong(name, N_BOOLEAN)
            return None
        return value

    def number(self, value: Any, name: str, *, nullable: bool = False) -> tuple[bool, int | None]:
        if value is None and nullable:
            return True, None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(name, N_NUMBER)
            return False, None
        return True, value

    def moment(self, value: Any, name: str) -> tuple[bool, Moment | None]:
        if value is None:
            return True, None
        if isinstance(value, str):
            raw = value.strip()
            try:
                return True, (dt.date.fromisoformat(raw) if DATE.match(raw) else dt.datetime.fromisoformat(raw))
            except ValueError:
                pass
        self.wrong(name, N_MOMENT)
        return False, None

    def slugs(self, value: Any, name: str) -> list[str] | None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.wrong(name, N_("Send a list of city slugs."))
            return None
        return [item.strip() for item in value]

    def labels(self, value: Any, name: str) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(text, str) or text is None for text in value.values()):
            self.wrong(name, N_('Send an object with a text per language, such as {"en": "Diet"}.'))
            return {}
        return {str(code): text.strip() for code, text in value.items() if isinstance(text, str) and text.strip()}


def _set_text(name: str) -> Any:
    def setter(sent: EventInput, value: Any, reader: _JsonReader) -> None:
        text = reader.text(value, name, nullable=name in ("office", "online_url", "timezone"))
        if text is not None:
            setattr(sent, name, text)

    return setter


def _set_boolean(name: str) -> Any:
    def setter(sent: EventInput, value: Any, reader: _JsonReader) -> None:
        flag = reader.boolean(value, name)
        if flag is not None:
            setattr(sent, name, flag)

    return setter


def _set_number(name: str, *, nullable: bool) -> Any:
    def setter(sent: EventInput, value: Any, reader: _JsonReader) -> None:
        ok, number = reader.number(value, name, nullable=nullable)
        if ok:
            setattr(sent, name, number)

    return setter


def _set_moment(name: str) -> Any:
    def setter(sent: EventInput, value: Any, reader: _JsonReader) -> None:
        ok, moment = reader.moment(value, name)
        if ok:
            setattr(sent, name, moment)

    return setter


def _set_translations(sent: EventInput, value: Any, reader: _JsonReader) -> None:
    if not isinstance(value, dict):
        message = N_('Send an object with the texts per language, such as {"en": {"title": …}}.')
        reader.wrong("translations", message)
        return
    merged = {code: dataclasses.replace(texts) for code, texts in sent.translations.items()}
    for code, texts in value.items():
        name = f"translations.{code}"
        if code not in LANGUAGE_CODES:
            reader.wrong(name, N_("This language is not available; use nl, en or zh."))
        elif texts is None:
            merged.pop(code, None)
        elif not isinstance(texts, dict):
            reader.wrong(name, N_("Send an object with title, summary, description and image_alt."))
        else:
            current = merged.setdefault(code, TextInput())
            for key, text in texts.items():
                if key not in TEXT_FIELDS:
                    reader.wrong(f"{name}.{key}", N_UNKNOWN)
                elif (checked := reader.text(text, f"{name}.{key}")) is not None:
                    setattr(current, key, checked)
    sent.translations = merged


def _set_co_organisers(sent: EventInput, value: Any, reader: _JsonReader) -> None:
    slugs = reader.slugs([] if value is None else value, "co_organisers")
    if slugs is not None:
        sent.co_organisers = slugs


def _set_venue(sent: EventInput, value: Any, reader: _JsonReader) -> None:
    # The event JSON shows the venue as an object; its ``id`` says which venue (null: none).
    if isinstance(value, dict):
        value = value.get("id")
    ok, number = reader.number(value, "venue", nullable=True)
    if ok:
        sent.venue = number


def _set_recurrence(sent: EventInput, value: Any, reader: _JsonReader) -> None:
    if value is None:
        sent.recurrence = None
        return
    if not isinstance(value, dict):
        reader.wrong("recurrence", N_RECURRENCE)
        return
    recurrence = RecurrenceInput(frequency="", interval=None)
    structured = {"frequency", "interval", "count", "until"} & set(value)
    if "rule" in value and structured:
        reader.wrong("recurrence.rule", N_("Send either a rule or a frequency with its end, not both."))
    elif "rule" not in value and not structured:
        # Only the dates left out: the series keeps its rule.
        if sent.recurrence is None:
            reader.wrong("recurrence.rule", N_RECURRENCE)
            return
        recurrence = dataclasses.replace(sent.recurrence, exdates=list(sent.recurrence.exdates))
    for key, item in value.items():
        name = f"recurrence.{key}"
        if key == "rule":
            recurrence.rule = reader.text(item, name) or None
        elif key == "frequency":
            recurrence.frequency = reader.text(item, name) or ""
            recurrence.interval = recurrence.interval or 1
        elif key in ("interval", "count"):
            ok, number = reader.number(item, name, nullable=True)
            if ok:
                setattr(recurrence, key, number)
        elif key == "until":
            ok, moment = reader.moment(item, name)
            if ok:
                recurrence.until = moment.date() if isinstance(moment, dt.datetime) else moment
        elif key == "exdates":
            recurrence.exdates = _exdates(item, reader)
        elif key not in ("next_start", "series_end"):
            reader.wrong(name, N_UNKNOWN)
    if recurrence.frequency and recurrence.interval is None:
        recurrence.interval = 1
    sent.recurrence = recurrence


def _exdates(value: Any, reader: _JsonReader) -> list[Moment]:
    if not isinstance(value, list):
        reader.wrong("recurrence.exdates", N_("Send a list of dates or date-times."))
        return []
    found: list[Moment] = []
    for item in value:
        ok, moment = reader.moment(item, "recurrence.exdates")
        if ok and moment is not None:
            found.append(moment)
    return found


def _set_questions(sent: EventInput, value: Any, reader: _JsonReader) -> None:
    if not isinstance(value, list):
        reader.wrong("questions", N_("Send a list of questions."))
        return
    questions = []
    for number, item in enumerate(value):
        name = f"questions.{number}"
        if not isinstance(item, dict):
            reader.wrong(name, N_("Send an object with kind, required and labels."))
            continue
        raw_id = item.get("id")
        question_id = int(raw_id) if isinstance(raw_id, int | str) and str(raw_id).isdigit() else None
        if raw_id is not None and question_id is None:
            reader.wrong(f"{name}.id", N_("Send the id of one of the event's questions, or leave it out."))
        choices = []
        for index, choice in enumerate(item.get("choices") or []):
            if not isinstance(choice, dict) or not isinstance(choice.get("value", ""), str):
                reader.wrong(f"{name}.choices", N_("Send each choice as an object with a value and labels."))
                continue
            labels = reader.labels(choice.get("labels", {}), f"{name}.choices.{index}.labels")
            choices.append(ChoiceInput(str(choice.get("value", "")).strip(), labels))
        questions.append(
            QuestionInput(
                question_id,
                reader.text(item.get("kind"), f"{name}.kind", nullable=False) or "",
                reader.boolean(item.get("required", False), f"{name}.required") or False,
                reader.labels(item.get("labels", {}), f"{name}.labels"),
                choices,
            )
        )
    sent.questions = questions


_JSON_FIELDS: dict[str, Any] = {
    "translations": _set_translations,
    "category": _set_text("category"),
    "city": _set_text("city"),
    "office": _set_text("office"),
    "co_organisers": _set_co_organisers,
    "venue": _set_venue,
    "online_url": _set_text("online_url"),
    "timezone": _set_text("timezone"),
    "all_day": _set_boolean("all_day"),
    "start": _set_moment("start"),
    "end": _set_moment("end"),
    "recurrence": _set_recurrence,
    "capacity": _set_number("capacity", nullable=True),
    "max_seats_per_registration": _set_number("max_seats_per_registration", nullable=False),
    "waitlist_enabled": _set_boolean("waitlist_enabled"),
    "waitlist_rule": _set_text("waitlist_rule"),
    "approval_required": _set_boolean("approval_required"),
    "registration_opens_at": _set_moment("registration_opens_at"),
    "registration_closes_at": _set_moment("registration_closes_at"),
    "questions": _set_questions,
    "status": _set_text("status"),
}
