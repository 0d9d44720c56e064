"""Users of the workspace and signing them in through the real pages."""

from __future__ import annotations

import re
from typing import Any

import httpx

from events.accounts.models import Role, User
from events.accounts.service import add_user
from tests.factories import World, build_world

PASSWORD = "correct horse battery staple"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


async def world_of(session: Any) -> World:
    if "world" not in session.info:
        session.info["world"] = await build_world(session)
    world: World = session.info["world"]
    return world


async def make_user(
    session: Any, email: str = "anna@weert.nl", *, role: Role = Role.ORGANISER, city: str = "weert", **options: Any
) -> User:
    await world_of(session)
    return await add_user(session, email=email, role=role, city_slug=city, password=PASSWORD, **options)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = (await client.get("/login")).text
    response = await client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page)})
    assert response.status_code == 303, response.text
    return response


async def post_form(client: httpx.AsyncClient, page_url: str, url: str, data: dict[str, Any]) -> httpx.Response:
    """Send a form the way a browser does: read the page it is on for the CSRF token, then post."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(url, data={**data, "csrf_token": csrf_of(page.text)})
