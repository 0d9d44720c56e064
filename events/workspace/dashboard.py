"""The workspace's front page."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.workspace.pages import page


@workspace()
async def dashboard(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await page(request, session, me, "workspace/dashboard.html", {})


routes = [Route("/organiser/", dashboard, methods=["GET"])]
