"""Every domain's models, imported together so Alembic and the tests see one metadata."""

from events.accounts.models import Role, User
from events.catalog.models import Category, City, Event, EventStatus, EventTranslation, Venue
from events.database import Base

__all__ = ["Base", "Category", "City", "Event", "EventStatus", "EventTranslation", "Role", "User", "Venue"]
