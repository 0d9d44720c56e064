"""Every domain's models, imported together so Alembic and the tests see one metadata."""

from events.accounts.models import Role, User
from events.catalog.models import Category, City, Event, EventStatus, EventTranslation, Venue
from events.database import Base
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
