"""The ETag of an event's JSON: ``"<edit version>-<state>"``, the same in every language.

The first part is the event's ``edit_version``, raised by every organiser's edit: ``If-Match`` compares only it,
so a registration between a GET and a PATCH does not make the PATCH fail. The second part is a hash of what else
the answer shows and may change without an edit (places taken, the waiting list, registration opening or closing,
the next date of a series, names of cities and categories): so ``If-None-Match`` answers 304 only while the
answer really is the same. Nothing in it depends on the reader's language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from events.catalog.models import Event
from events.catalog.presenters import EventView
from events.catalog.queries import Catalogue
from events.registrations.models import Question


def _state(event: Event, view: EventView, questions: Sequence[Question], co_organisers: Sequence[str]) -> list[object]:
    columns = [getattr(event, column.key) for column in Event.__table__.columns if column.key != "online_url"]
    texts = sorted(
        (code, row.title, row.summary, row.description, row.image_alt) for code, row in event.translations.items()
    )
    dates = [(change.original_start, change.cancelled, change.starts_at, change.ends_at) for change in event.changes]
    asked = [(q.id, q.position, q.kind, q.required, q.label, q.choices) for q in questions]
    shown = (view.shown.start, view.shown.end, view.registration.value, bool(event.online_url))
    return [columns, texts, dates, asked, list(co_organisers), shown]


def _catalogue_names(event: Event, catalogue: Catalogue) -> list[object]:
    # Times are shown on every city's clock, so every city's names count.
    cities = [(city.slug, city.name, city.clock_name, city.office_name, city.timezone) for city in catalogue.cities]
    category = catalogue.category_by_id[event.category_id]
    return [cities, category.slug, category.name]


def event_etag(
    view: EventView, questions: Sequence[Question], co_organisers: Sequence[str], catalogue: Catalogue
) -> str:
    event = view.event
    state = [_state(event, view, questions, co_organisers), _catalogue_names(event, catalogue)]
    digest = hashlib.blake2b(json.dumps(state, sort_keys=True, default=str).encode(), digest_size=8).hexdigest()
    return f'"{event.edit_version}-{digest}"'


def if_match_versions(header: str | None) -> frozenset[int] | None:
    """The edit versions an If-Match header names; None for no header or ``*`` (any version). Weak tags never
    match (RFC 9110 compares If-Match strongly), nor do tags that are not ours."""
    if header is None or header.strip() == "*":
        return None
    versions = set()
    for tag in header.split(","):
        tag = tag.strip()
        if not tag.startswith('"') or not tag.endswith('"'):
            continue
        version = tag.strip('"').split("-", 1)[0]
        if version.isdigit():
            versions.add(int(version))
    return frozenset(versions)
