"""The organisers' workspace under /organiser/, one module per part."""

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route

from events.workspace import (
    audit,
    checkin,
    dashboard,
    event_actions,
    events,
    feed_sources,
    participant_messages,
    registrations,
    tokens,
    users,
)


async def _to_dashboard(request: object) -> RedirectResponse:
    return RedirectResponse("/organiser/", status_code=308)


routes: list[BaseRoute] = [
    Route("/organiser", _to_dashboard),
    *dashboard.routes,
    *users.routes,
    *tokens.routes,
    *audit.routes,
    *feed_sources.routes,
    *registrations.routes,
    *participant_messages.routes,
    *checkin.routes,
    *events.routes,
    *event_actions.routes,
]
