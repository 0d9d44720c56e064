"""The ASGI application: ``create_app(settings)`` wires settings, database, templates, routes and middleware."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware

from events import __version__
from events.cache import AnswerCache, DataVersion
from events.catalog.media import upload_limits
from events.catalog.queries import CatalogueCache
from events.database import create_engine, make_sessionmaker, utcnow, write_engine
from events.feeds.index import FeedIndex
from events.feeds.service import ChunkCache, FragmentCache
from events.jobs import build_worker
from events.logs import configure_logging, flush_logs
from events.registrations.service import EventCache, QuestionCache
from events.routes import all_routes
from events.secrets_store import resolve_secret_key
from events.settings import Settings
from events.web.caching import ServeFromCache
from events.web.errors import install_error_handlers, respond_outside_routing
from events.web.middleware import BodySizeLimit, ErrorBoundary, Language, RequestLog, SecurityHeaders
from events.web.ratelimit import limiter_for
from events.web.templating import create_environment


def create_app(
    settings: Settings | None = None,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> Starlette:
    """The platform as an ASGI app. Tests may pass a ``sessionmaker`` bound to their own connection."""
    settings = settings or Settings.from_env()
    engine = create_engine(settings.database_url)

    data_version = DataVersion(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await data_version.start()
        worker = asyncio.create_task(build_worker(settings, engine).run()) if settings.mail_worker else None
        async with httpx.AsyncClient(timeout=10, headers={"User-Agent": f"Stedenband/{__version__}"}) as client:
            app.state.http = client
            yield
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        await data_version.stop()
        await engine.dispose()
        # uvicorn ends a SIGTERM-ed process by raising the signal again, which skips atexit: flush the logs now.
        flush_logs()

    middleware = [
        # Cache hits first: they write their own request log line and security headers, as the next two would.
        Middleware(ServeFromCache, https=settings.uses_https),
        Middleware(RequestLog),
        Middleware(SecurityHeaders, https=settings.uses_https),
        Middleware(
            Language,
            default=settings.default_language,
            secure_cookie=settings.uses_https,
            respond=respond_outside_routing,
        ),
        Middleware(ErrorBoundary, respond=respond_outside_routing),
        Middleware(
            BodySizeLimit,
            max_body_size=settings.max_body_size,
            larger=upload_limits(settings),
            respond=respond_outside_routing,
        ),
    ]
    app = Starlette(routes=all_routes(), middleware=middleware, lifespan=lifespan)
    install_error_handlers(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker or make_sessionmaker(engine)
    app.state.write_sessionmaker = sessionmaker or make_sessionmaker(write_engine(engine))
    app.state.templates = create_environment()
    app.state.clock = utcnow
    app.state.data_version = data_version
    app.state.answer_cache = AnswerCache(settings.page_cache_mb * 1024 * 1024)
    app.state.catalogue_cache = CatalogueCache(data_version.catalogue_token if settings.page_cache_mb else _never)
    app.state.question_cache = QuestionCache(data_version.questions_token if settings.page_cache_mb else _never)
    app.state.event_cache = EventCache()
    app.state.rate_limiter = limiter_for(settings)
    app.state.feed_index = FeedIndex()
    app.state.feed_fragments = FragmentCache()
    app.state.feed_chunks = ChunkCache()
    app.state.secret_key = resolve_secret_key(settings)
    return app


def _never() -> None:
    return None


def app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory`` and the ``serve`` command's worker processes."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
