"""Writing the audit log, in the transaction of the change it records. Functions flush and never commit."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and through what."""

    user_id: int | None
    via: str  # web, api, cli, system


SYSTEM = Actor(None, "system")


def _plain(value: Any) -> Any:
    """A value as JSON can hold it, readable in the log."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return value


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    found = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            found[field] = [old, new]
    return found


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    entity_type: str,
    entity_id: object,
    now: dt.datetime,
    event_id: uuid.UUID | None = None,
    changes: Mapping[str, list[Any]] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        user_id=actor.user_id,
        via=actor.via,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        event_id=event_id,
        changes=_plain(dict(changes or {})),
    )
    session.add(entry)
    await session.flush()
    return entry
