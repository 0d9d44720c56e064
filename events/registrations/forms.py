"""Turning a registration form or JSON body into checked values, or a list of field errors.

Parsing (``from_json``, ``from_form``) only reads what was sent; ``check`` then holds it against the event's
rules and questions, inside the registering transaction so the rules cannot change underneath.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from events.catalog.models import City, Event
from events.errors import FieldError, InvalidFields
from events.i18n import LANGUAGE_CODES, N_
from events.registrations.models import Question, QuestionKind

MAX_NAME = 120
MAX_TEXT_ANSWER = 200
MAX_LONG_ANSWER = 4000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
PHONE = re.compile(r"^[0-9 +()./-]{6,40}$")
OTHER_CITY = "other"


@dataclass(frozen=True)
class RegistrationInput:
    """What a person sent, read but not yet checked against the event."""

    name: Any = None
    email: Any = None
    phone: Any = None
    home_city: Any = None
    language: Any = None
    seats: Any = None
    members: Any = None
    answers: Any = None
    consent: Any = None
    # Which of seats, members and answers were sent at all (a change may send only some).
    sent: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CheckedRegistration:
    name: str
    email: str
    email_key: str
    phone: str | None
    home_city_id: int | None
    language: str
    seats: int
    members: list[str]
    answers: dict[str, Any]


@dataclass(frozen=True)
class CheckedChange:
    seats: int
    members: list[str]
    answers: dict[str, Any]


FIELDS = ("name", "email", "phone", "home_city", "language", "seats", "members", "answers", "consent")


def from_json(body: Any) -> RegistrationInput:
    if not isinstance(body, dict):
        raise InvalidFields([FieldError("body", N_("Send a JSON object."))])
    return RegistrationInput(**{name: body.get(name) for name in FIELDS}, sent=frozenset(body))


def from_form(form: Mapping[str, Any], questions: Sequence[Question]) -> RegistrationInput:
    """A registration form: members one per line, answers in fields named ``q<id>``."""
    members = [line.strip() for line in str(form.get("members") or "").splitlines() if line.strip()]
    answers: dict[str, Any] = {}
    for question in questions:
        key = f"q{question.id}"
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            answers[str(question.id)] = list(form.getlist(key)) if hasattr(form, "getlist") else []
        elif question.kind is QuestionKind.YES_NO:
            raw = form.get(key)
            answers[str(question.id)] = {"yes": True, "no": False}.get(str(raw)) if raw else None
        else:
            answers[str(question.id)] = form.get(key)
    seats = form.get("seats")
    return RegistrationInput(
        name=form.get("name"),
        email=form.get("email"),
        phone=form.get("phone") or None,
        home_city=form.get("home_city"),
        language=form.get("language"),
        seats=int(seats) if isinstance(seats, str) and seats.isdigit() else seats or None,
        members=members,
        answers={key: value for key, value in answers.items() if value not in (None, "", [])},
        consent=form.get("consent") == "yes",
        sent=frozenset(FIELDS),
    )


def _has_control_characters(text: str) -> bool:
    # Line breaks in a name or address could add e-mail headers; no control character belongs in them.
    return any(unicodedata.category(character) == "Cc" for character in text)


def _name(value: Any, field_name: str, errors: list[FieldError]) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(field_name, N_("Please fill in a name.")))
        return ""
    text = str(value).strip()
    if len(text) > MAX_NAME:
        errors.append(FieldError(field_name, N_("A name is at most %(max)s characters."), {"max": MAX_NAME}))
    if _has_control_characters(text):
        errors.append(FieldError(field_name, N_("A name cannot contain line breaks or control characters.")))
    return text


def check_email(value: Any, errors: list[FieldError], field_name: str = "email") -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(field_name, N_("Please fill in your e-mail address.")))
        return ""
    address = str(value).strip()
    if len(address) > 254 or _has_control_characters(address) or not EMAIL.match(address):
        errors.append(FieldError(field_name, N_("This is not an e-mail address, for example name@example.nl.")))
    return address


def check(
    sent: RegistrationInput, *, event: Event, questions: Sequence[Question], cities: Sequence[City]
) -> CheckedRegistration:
    """Every rule a new registration must keep, all errors at once."""
    errors: list[FieldError] = []
    name = _name(sent.name, "name", errors)
    email = check_email(sent.email, errors)
    phone = None
    if sent.phone not in (None, ""):
        if not isinstance(sent.phone, str) or not PHONE.match(sent.phone.strip()):
            errors.append(FieldError("phone", N_("A phone number has 6 to 40 digits, spaces and + ( ) - . /.")))
        else:
            phone = sent.phone.strip()
    city_slugs = {city.slug: city.id for city in cities}
    if sent.home_city != OTHER_CITY and sent.home_city not in city_slugs:
        errors.append(FieldError("home_city", N_("Please choose your home city, or “other”.")))
    if sent.language not in LANGUAGE_CODES:
        errors.append(FieldError("language", N_("Please choose the language for our messages.")))
    if sent.consent is not True:
        errors.append(FieldError("consent", N_("Please agree to the privacy statement to register.")))
    seats, members = _seats_and_members(sent, event, errors)
    answers = check_answers(sent.answers, questions, errors)
    if errors:
        raise InvalidFields(errors)
    return CheckedRegistration(
        name=name,
        email=email,
        email_key=email.lower(),
        phone=phone,
        home_city_id=city_slugs.get(str(sent.home_city)),
        language=str(sent.language),
        seats=seats,
        members=members,
        answers=answers,
    )


def check_change(
    sent: RegistrationInput, *, event: Event, questions: Sequence[Question], current: CheckedChange
) -> CheckedChange:
    """A change to seats, members or answers; what was not sent stays as it is."""
    errors: list[FieldError] = []
    merged = RegistrationInput(
        seats=sent.seats if "seats" in sent.sent else (None if "members" in sent.sent else current.seats),
        members=sent.members if "members" in sent.sent else current.members,
        answers=sent.answers if "answers" in sent.sent else current.answers,
    )
    seats, members = _seats_and_members(merged, event, errors)
    answers = check_answers(merged.answers, questions, errors)
    if errors:
        raise InvalidFields(errors)
    return CheckedChange(seats, members, answers)


def _seats_and_members(sent: RegistrationInput, event: Event, errors: list[FieldError]) -> tuple[int, list[str]]:
    maximum = event.max_seats_per_registration
    members: list[str] = []
    if sent.members not in (None, []):
        if not isinstance(sent.members, list):
            errors.append(FieldError("members", N_("Give the other members as a list of names.")))
        else:
            members = [_name(member, "members", errors) for member in sent.members]
    if sent.seats is None:
        seats = 1 + len(members)
    elif isinstance(sent.seats, bool) or not isinstance(sent.seats, int):
        errors.append(FieldError("seats", N_("The number of places is a whole number.")))
        return 1, members
    else:
        seats = sent.seats
    if not 1 <= seats <= maximum:
        errors.append(
            FieldError("seats", N_("Choose from 1 to %(max)s places for one registration."), {"max": maximum})
        )
    elif members and seats != 1 + len(members):
        errors.append(
            FieldError(
                "members",
                N_("With %(seats)s places, name the %(others)s other members of your group, or none."),
                {"seats": seats, "others": seats - 1},
            )
        )
    return seats, members


def check_answers(sent: Any, questions: Sequence[Question], errors: list[FieldError]) -> dict[str, Any]:
    """Answers keyed by question id: a string, a choice's value, a list of values, or a boolean."""
    if sent is None:
        sent = {}
    if not isinstance(sent, dict):
        errors.append(FieldError("answers", N_("Give the answers as an object keyed by question id.")))
        return {}
    known = {str(question.id): question for question in questions}
    for key in sent:
        if key not in known:
            errors.append(FieldError(f"answers.{key}", N_("This event has no question %(id)s."), {"id": key[:20]}))
    answers: dict[str, Any] = {}
    for key, question in known.items():
        value = sent.get(key)
        if value in (None, "", []):
            if question.required:
                errors.append(FieldError(f"answers.{key}", N_("Please answer this question.")))
            continue
        checked = _answer(question, value)
        if checked is None:
            errors.append(FieldError(f"answers.{key}", N_("This answer does not fit the question.")))
        else:
            answers[key] = checked
    return answers


def _answer(question: Question, value: Any) -> Any:
    values = {choice["value"] for choice in question.choices}
    if question.kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        limit = MAX_TEXT_ANSWER if question.kind is QuestionKind.TEXT else MAX_LONG_ANSWER
        if not isinstance(value, str) or len(value.strip()) > limit:
            return None
        if question.kind is QuestionKind.TEXT and _has_control_characters(value):
            return None
        return value.strip()
    if question.kind is QuestionKind.CHOICE:
        return value if isinstance(value, str) and value in values else None
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(isinstance(item, str) and item in values for item in value):
            return None
        return sorted(set(value), key=[choice["value"] for choice in question.choices].index)
    if question.kind is QuestionKind.YES_NO:
        return value if isinstance(value, bool) else None
    return None
