"""Every domain's models, imported together so Alembic and the tests see one metadata."""

from events.accounts.models import AccountLink, ApiToken, LoginFailure, Role, User, UserSession
from events.audit.models import AuditEntry
from events.catalog.models import (
    Category,
    City,
    Event,
    EventCoOrganiser,
    EventStatus,
    EventTranslation,
    OccurrenceChange,
    Venue,
)
from events.database import Base
from events.feeds.models import FeedDeparture, FeedSource
from events.mail.models import OutboxMessage, WorkerLease
from events.registrations.models import CalendarToken, IdempotencyKey, ManageToken, Question, Registration

__all__ = [
    "AccountLink",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CalendarToken",
    "Category",
    "City",
    "Event",
    "EventCoOrganiser",
    "EventStatus",
    "EventTranslation",
    "FeedDeparture",
    "FeedSource",
    "OccurrenceChange",
    "IdempotencyKey",
    "LoginFailure",
    "ManageToken",
    "OutboxMessage",
    "Question",
    "Registration",
    "Role",
    "User",
    "UserSession",
    "Venue",
    "WorkerLease",
]
