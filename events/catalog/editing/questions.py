"""Checking the questions an event asks when people register: kinds, labels per language, choices per language
(a new choice gets a value that stays when its labels change), and existing questions that keep their kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from events.catalog.editing.inputs import QuestionInput
from events.i18n import LANGUAGE_CODES, N_
from events.registrations.models import Question, QuestionKind

MAX_QUESTIONS = 30
MAX_LABEL = 300
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Problems(Protocol):
    def add(self, name: str, message: str, **params: object) -> None: ...


@dataclass(frozen=True)
class CheckedQuestion:
    id: int | None
    kind: QuestionKind
    required: bool
    labels: dict[str, str]
    choices: list[dict[str, Any]]


def check_questions(
    sent: Sequence[QuestionInput], current: Sequence[Question], problems: Problems
) -> list[CheckedQuestion]:
    existing = {question.id: question for question in current}
    if len(sent) > MAX_QUESTIONS:
        problems.add("questions", N_("An event can ask at most %(count)s questions."), count=MAX_QUESTIONS)
    checked = []
    for position, question in enumerate(sent):
        name = f"questions.{position if question.number is None else question.number}"
        kind = QuestionKind(question.kind) if question.kind in {kind.value for kind in QuestionKind} else None
        if kind is None:
            problems.add(f"{name}.kind", N_("Choose the kind of question."))
        if question.id is not None and question.id not in existing:
            problems.add(f"{name}.id", N_("This is not one of the event's questions."))
        elif question.id is not None and kind is not None and existing[question.id].kind is not kind:
            problems.add(f"{name}.kind", N_("The kind of a question cannot change; remove it and add a new one."))
        _labels(question.labels, f"{name}.labels", problems)
        choices = _choices(question, kind, name, problems)
        if kind is not None:
            checked.append(CheckedQuestion(question.id, kind, question.required, question.labels, choices))
    return checked


def _labels(labels: dict[str, str], name: str, problems: Problems) -> None:
    if set(labels) - set(LANGUAGE_CODES):
        problems.add(name, N_("Give labels in nl, en or zh only."))
    elif not any(label.strip() for label in labels.values()):
        problems.add(name, N_("Give the question in at least one language."))
    elif any(len(label) > MAX_LABEL for label in labels.values()):
        problems.add(name, N_("Use at most %(count)s characters."), count=MAX_LABEL)


def _choices(question: QuestionInput, kind: QuestionKind | None, name: str, problems: Problems) -> list[dict[str, Any]]:
    if kind not in CHOICE_KINDS:
        if question.choices:
            problems.add(f"{name}.choices", N_("Only choice questions have choices."))
        return []
    if len(question.choices) < 2:
        problems.add(f"{name}.choices", N_("Give at least two choices, one per line."))
        return []
    taken = {choice.value for choice in question.choices if choice.value}
    choices = []
    for number, choice in enumerate(question.choices, start=1):
        if not any(choice.labels.values()):
            problems.add(f"{name}.choices", N_("Choice %(number)s has no text in any language."), number=number)
            return []
        value = choice.value
        if not value:  # a new choice: a value that stays the same however its labels change later
            value = next(f"choice-{index}" for index in range(number, 10_000) if f"choice-{index}" not in taken)
            taken.add(value)
        choices.append({"value": value, "label": choice.labels})
    if len({choice["value"] for choice in choices}) != len(choices):
        problems.add(f"{name}.choices", N_("Two choices have the same value."))
    return choices
