"""Every domain's routes, mounted in one place."""

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from events.accounts import routes as account_routes
from events.catalog import api as catalog_api
from events.catalog import media, write_api
from events.catalog import routes as catalog_routes
from events.feeds import routes as feed_routes
from events.openapi import routes as openapi_routes
from events.pages import routes as page_routes
from events.paths import STATIC_DIR
from events.registrations import api as registration_api
from events.registrations import organiser_api
from events.registrations import routes as registration_routes
from events.workspace import routes as workspace_routes


def all_routes() -> list[BaseRoute]:
    # The busiest routes first: the router tries them in order.
    return [
        Mount(
            "/api/v1",
            # The write API first: its GET /events/{slug} answers organisers with a token, else the read API's.
            routes=[
                *write_api.routes,
                *catalog_api.routes,
                *registration_api.routes,
                *organiser_api.routes,
                *openapi_routes,
            ],
            name="api",
        ),
        *feed_routes.routes,  # before the event pages: /events/{slug}.ics must win over /events/{slug}
        *catalog_routes.routes,
        *registration_routes.routes,
        *account_routes.routes,
        *workspace_routes.routes,
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        *media.routes,
        *page_routes.routes,
    ]
