"""Every domain's models, imported together so Alembic and the tests see one metadata."""

from events.accounts.models import Role, User
from events.catalog.models import Category, City, Event, EventStatus, EventTranslation, OccurrenceChange, Venue
from events.database import Base
from events.feeds.models import FeedSource
from events.mail.models import OutboxMessage, WorkerLease
from events.registrations.models import CalendarToken, IdempotencyKey, ManageToken, Question, Registration

__all__ = [
    "Base",
    "CalendarToken",
    "Category",
    "City",
    "Event",
    "EventStatus",
    "EventTranslation",
    "FeedSource",
    "OccurrenceChange",
    "IdempotencyKey",
    "ManageToken",
    "OutboxMessage",
    "Question",
    "Registration",
    "Role",
    "User",
    "Venue",
    "WorkerLease",
]
