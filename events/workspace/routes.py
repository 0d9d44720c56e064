"""The organisers' workspace under /organiser/, one module per part."""

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route

from events.workspace import dashboard, tokens, users


async def _to_dashboard(request: object) -> RedirectResponse:
    return RedirectResponse("/organiser/", status_code=308)


routes: list[BaseRoute] = [
    Route("/organiser", _to_dashboard),
    *dashboard.routes,
    *users.routes,
    *tokens.routes,
]
