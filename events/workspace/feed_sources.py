"""Admins manage the calendars the platform imports: add, remove, allow registration, and sync one now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.catalog.queries import load_catalogue
from events.errors import InvalidInput
from events.feeds.models import FeedSource
from events.feeds.sources import (
    add_source,
    allow_registration,
    get_source,
    imported_counts,
    list_sources,
    remove_source,
    sync_by_hand,
)
from events.feeds.sync import SyncResult, fetch_answer
from events.i18n import N_, gettext_for, pick_text
from events.jobs import fetch_policy
from events.web.csrf import verify_csrf
from events.web.endpoints import now, unit_of_work
from events.web.forms import field_errors, form_values
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update(
    {
        "feed_added": N_(
            "The feed source has been added. Its events come in at the next sync, or now with “Sync now”."
        ),
        "feed_removed": N_("The feed source has been removed. The events it brought stay, with their registrations."),
        "feed_registration_on": N_("People may now register for the events of this source that have not ended."),
        "feed_registration_off": N_("People can no longer register for the events of this source."),
    }
)


@dataclass(frozen=True)
class SourceRow:
    source: FeedSource
    category: str
    city: str
    imported: int


@dataclass(frozen=True)
class SyncOutcome:
    source: FeedSource
    message: str
    error: str | None  # the source's own words, in English like the logs


def _outcome(source: FeedSource, result: SyncResult, language: str) -> SyncOutcome:
    if result.outcome == "failed":
        return SyncOutcome(
            source, gettext_for(language, N_("%(name)s could not be read:"), name=source.name), result.error
        )
    if result.outcome == "unchanged":
        message = gettext_for(
            language, N_("%(name)s is synced: nothing has changed since the last sync."), name=source.name
        )
        return SyncOutcome(source, message, None)
    message = gettext_for(
        language,
        N_("%(name)s is synced: %(created)s new, %(updated)s changed and %(cancelled)s cancelled events."),
        name=source.name,
        created=result.created,
        updated=result.updated,
        cancelled=result.cancelled,
    )
    return SyncOutcome(source, message, None)


async def _page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    outcome: SyncOutcome | None = None,
    status_code: int = 200,
) -> Response:
    language = request.state.language
    catalogue = await load_catalogue(session)
    counts = await imported_counts(session)
    rows = [
        SourceRow(
            source,
            pick_text(catalogue.category_by_id[source.category_id].name, language),
            pick_text(catalogue.city_by_id[source.city_id].name, language),
            counts.get(source.id, 0),
        )
        for source in await list_sources(session)
    ]
    context = {
        "rows": rows,
        "categories": [(category.slug, pick_text(category.name, language)) for category in catalogue.categories],
        "cities": [(city.slug, pick_text(city.name, language)) for city in catalogue.cities],
        "values": values
        or {"category": catalogue.categories[0].slug if catalogue.categories else "", "city": me.city_slug},
        "errors": errors or {},
        "outcome": outcome,
    }
    return await page(request, session, me, "workspace/feeds.html", context, status_code=status_code)


async def _source(session: AsyncSession, request: Request) -> FeedSource:
    return await get_source(session, request.path_params["source_id"])


@workspace(admin=True)
async def source_list(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await _page(request, session, me)


@workspace(admin=True, write=True)
async def source_add(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    try:
        await add_source(
            session,
            url=str(form.get("url", "")),
            name=str(form.get("name", "")),
            category_slug=str(form.get("category", "")),
            city_slug=str(form.get("city", "")),
            registration_enabled=form.get("registration_enabled") == "yes",
            actor=me.actor,
            now=now(request),
        )
    except InvalidInput as error:
        return await _page(
            request, session, me, values=form_values(form), errors=field_errors(request, error), status_code=422
        )
    return done("/organiser/feeds", "feed_added")


@workspace(admin=True)
async def source_remove_form(request: Request, session: AsyncSession, me: Principal) -> Response:
    source = await _source(session, request)
    counts = await imported_counts(session)
    context = {"source": source, "imported": counts.get(source.id, 0)}
    return await page(request, session, me, "workspace/feed_remove.html", context)


@workspace(admin=True, write=True)
async def source_remove(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    source = await _source(session, request)
    await remove_source(session, source.id, actor=me.actor, now=now(request))
    return done("/organiser/feeds", "feed_removed")


@workspace(admin=True, write=True)
async def source_registration(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    source = await _source(session, request)
    allowed = form.get("allow") == "yes"
    await allow_registration(session, source, allowed, actor=me.actor, now=now(request))
    return done("/organiser/feeds", "feed_registration_on" if allowed else "feed_registration_off")


@workspace(admin=True)
async def source_sync(request: Request, session: AsyncSession, me: Principal) -> Response:
    """Sync one source while the admin waits (fetching has a timeout and a size limit). The source is fetched
    outside any write transaction: on SQLite that holds the database's one write lock, and registrations must not
    wait while another server takes its time. The import then runs in a short write transaction of its own."""
    form = await request.form()
    verify_csrf(request, form)
    settings = request.app.state.settings
    fetched = await fetch_answer(request.app.state.http, await _source(session, request), fetch_policy(settings))
    async with unit_of_work(request, write=True) as writing:
        source = await _source(writing, request)  # read again: it may have changed or gone meanwhile
        result = await sync_by_hand(
            writing, source, fetched, own_domain=settings.uid_domain, actor=me.actor, now=now(request)
        )
    async with unit_of_work(request) as reading:  # a snapshot that sees the import (SQLite keeps the first one)
        return await _page(request, reading, me, outcome=_outcome(source, result, request.state.language))


routes = [
    Route("/organiser/feeds", source_list, methods=["GET"]),
    Route("/organiser/feeds", source_add, methods=["POST"]),
    Route("/organiser/feeds/{source_id:int}/remove", source_remove_form, methods=["GET"]),
    Route("/organiser/feeds/{source_id:int}/remove", source_remove, methods=["POST"]),
    Route("/organiser/feeds/{source_id:int}/registration", source_registration, methods=["POST"]),
    Route("/organiser/feeds/{source_id:int}/sync", source_sync, methods=["POST"]),
]
