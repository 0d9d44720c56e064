"""An event's history in the audit log: what each change did (old and new values per field), and what others
changed since a version a person had in front of them, for the message of an edit conflict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.audit.service import Actor, differences, record
from events.catalog.models import Event
from events.catalog.queries import Catalogue
from events.errors import PlatformError, PreconditionFailed
from events.i18n import N_
from events.registrations.models import Question

ENTITY = "event"
# Fields whose change calendar apps must see: a feed shows them, so the event's SEQUENCE rises with them.
CALENDAR_FIELDS = ("category", "city", "office", "venue", "start", "end", "timezone", "all_day", "status")
# A new time or place: participants are asked about, or told of, these.
MOVE_FIELDS = (
    "city",
    "venue",
    "online_url",
    "start",
    "end",
    "timezone",
    "all_day",
    "recurrence.rule",
    "recurrence.exdates",
    "occurrences",
)


def snapshot(
    event: Event, questions: Sequence[Question], catalogue: Catalogue, co_organisers: Collection[int]
) -> dict[str, Any]:
    """Every value an organiser can change, under the names the form and the API use for them."""
    values: dict[str, Any] = {
        "category": catalogue.category_by_id[event.category_id].slug,
        "city": catalogue.city_by_id[event.city_id].slug,
        "office": catalogue.city_by_id[event.office_id].slug,
        "co_organisers": sorted(catalogue.city_by_id[city_id].slug for city_id in co_organisers),
        "venue": event.venue_id,
        "online_url": event.online_url,
        "image": event.image_path,
        "start": event.starts_at,
        "end": event.ends_at,
        "timezone": event.timezone,
        "all_day": event.all_day,
        "recurrence.rule": event.rrule,
        "recurrence.exdates": sorted(event.exdates),
        "capacity": event.capacity,
        "max_seats_per_registration": event.max_seats_per_registration,
        "waitlist_enabled": event.waitlist_enabled,
        "waitlist_rule": event.waitlist_rule,
        "approval_required": event.approval_required,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "status": event.status,
        "cancellation_reasons": dict(event.cancellation_reasons),
        "deleted_at": event.deleted_at,
        "edit_version": event.edit_version,
        "questions": [
            {"id": q.id, "kind": q.kind, "required": q.required, "labels": q.label, "choices": q.choices}
            for q in questions
        ],
        "occurrences": {
            change.original_start.isoformat(): None if change.cancelled else [change.starts_at, change.ends_at]
            for change in event.changes
        },
    }
    for code, row in sorted(event.translations.items()):
        for name in ("title", "summary", "description", "image_alt"):
            values[f"translations.{code}.{name}"] = getattr(row, name)
    return values


def changed(before: dict[str, Any], after: dict[str, Any], fields: Sequence[str]) -> bool:
    return any(before.get(name) != after.get(name) for name in fields)


def calendar_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether anything a calendar feed shows changed: its texts, time, place, category or status."""
    texts = [name for name in {*before, *after} if name.startswith("translations.") and not name.endswith("image_alt")]
    return changed(before, after, [*CALENDAR_FIELDS, *MOVE_FIELDS, *texts])


async def record_change(
    session: AsyncSession,
    actor: Actor,
    action: str,
    event: Event,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    now: dt.datetime,
) -> None:
    await record(
        session,
        actor,
        action,
        entity_type=ENTITY,
        entity_id=event.id,
        now=now,
        event_id=event.id,
        changes=differences(before, after),
    )


@dataclass(frozen=True)
class SeenChange:
    """One field someone changed: who, when, and its old and new value (as the audit log keeps them)."""

    field: str
    old: Any
    new: Any
    by: str  # the person's name, or "" for the system
    at: dt.datetime
    action: str

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new, "by": self.by, "at": self.at.isoformat()}


async def changes_since(session: AsyncSession, event: Event, version: int) -> list[SeenChange]:
    """What was changed after ``version``, from the audit entries that raised the edit version from it onwards."""
    rows = (
        await session.execute(
            select(AuditEntry, User.display_name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.event_id == event.id, AuditEntry.entity_type == ENTITY)
            .order_by(AuditEntry.id)
        )
    ).all()
    seen = []
    for entry, name in rows:
        versions = entry.changes.get("edit_version")
        if not versions or versions[0] is None or int(str(versions[0])) < version:
            continue
        for field, (old, new) in entry.changes.items():
            if field != "edit_version":
                seen.append(SeenChange(field, old, new, name or "", entry.at, entry.action))
    return seen


class EditConflict(PlatformError):
    """Someone saved the event after this person loaded it: nothing of theirs is saved, and they see what changed."""

    status = 409
    code = "edit-conflict"
    title = N_("Someone else changed this event meanwhile")

    def __init__(self, current_version: int, changes: list[SeenChange]) -> None:
        super().__init__(
            N_(
                "Your changes have not been saved yet. Look at what was changed meanwhile, then save again to keep "
                "your version."
            )
        )
        self.current_version = current_version
        self.changes = changes

    def problem_fields(self) -> dict[str, object]:
        return {"edit_version": self.current_version, "changes": [change.as_json() for change in self.changes]}


class StaleEvent(PreconditionFailed):
    """The write API's form of an edit conflict: the If-Match names an edit version that is no longer current."""

    def __init__(self, conflict: EditConflict) -> None:
        super().__init__()
        self.conflict = conflict

    def problem_fields(self) -> dict[str, object]:
        return self.conflict.problem_fields()


class NotPossible(PlatformError):
    """An action that does not fit the event's state, such as publishing a cancelled event."""

    status = 409
    code = "not-possible"
    title = N_("This cannot be done with this event now")
