"""Admins manage the people of both offices: invite, change role or office, deactivate and reactivate."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.invitations import UserInput, invite_user, send_invitation, update_user
from events.accounts.models import Role, User
from events.accounts.service import deactivate, list_users, reactivate
from events.catalog.queries import load_catalogue
from events.errors import Forbidden, InvalidInput, NotFound
from events.i18n import LANGUAGES, N_, gettext_for, pick_text
from events.web.csrf import verify_csrf
from events.web.endpoints import now
from events.web.forms import field_errors, form_values
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update(
    {
        "invited": N_("The invitation has been sent."),
        "user_saved": N_("The changes have been saved."),
        "deactivated": N_("The account has been deactivated: its sessions and API tokens no longer work."),
        "reactivated": N_("The account is active again."),
    }
)
ROLE_NAMES = {Role.ADMIN: N_("Admin"), Role.ORGANISER: N_("Organiser")}


def _user_input(form: object) -> UserInput:
    get = form.get  # type: ignore[attr-defined]
    return UserInput(
        email=str(get("email", "")),
        display_name=str(get("display_name", "")),
        role=str(get("role", "")),
        city=str(get("city", "")),
        language=str(get("language", "")),
    )


async def _form_context(request: Request, session: AsyncSession) -> dict[str, object]:
    catalogue = await load_catalogue(session)
    language = request.state.language
    return {
        "offices": [(city.slug, pick_text(city.office_name, language)) for city in catalogue.cities],
        "roles": [(role.value, gettext_for(language, ROLE_NAMES[role])) for role in Role],
        "languages": [(code, item.name) for code, item in LANGUAGES.items()],
    }


async def _user(session: AsyncSession, request: Request) -> User:
    user_id = request.path_params["user_id"]
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@workspace(admin=True)
async def user_list(request: Request, session: AsyncSession, me: Principal) -> Response:
    users = await list_users(session)
    catalogue = await load_catalogue(session)
    language = request.state.language
    context = {
        "users": users,
        "role_names": {role: gettext_for(language, name) for role, name in ROLE_NAMES.items()},
        "offices": {city.id: pick_text(city.office_name, language) for city in catalogue.cities},
    }
    return await page(request, session, me, "workspace/users.html", context)


@workspace(admin=True)
async def user_new(request: Request, session: AsyncSession, me: Principal) -> Response:
    values = {"role": Role.ORGANISER.value, "city": me.city_slug, "language": request.state.language}
    context = {**await _form_context(request, session), "values": values, "errors": {}, "user": None}
    return await page(request, session, me, "workspace/user_form.html", context)


@workspace(admin=True, write=True)
async def user_invite(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    try:
        async with session.begin_nested():
            await invite_user(
                session, _user_input(form), actor=me.actor, settings=request.app.state.settings, now=now(request)
            )
    except InvalidInput as error:
        context = {
            **await _form_context(request, session),
            "values": form_values(form),
            "errors": field_errors(request, error),
            "user": None,
        }
        return await page(request, session, me, "workspace/user_form.html", context, status_code=422)
    return done("/organiser/users", "invited")


@workspace(admin=True)
async def user_edit(request: Request, session: AsyncSession, me: Principal) -> Response:
    user = await _user(session, request)
    catalogue = await load_catalogue(session)
    values = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "city": catalogue.city_by_id[user.city_id].slug,
        "language": user.language,
    }
    context = {**await _form_context(request, session), "values": values, "errors": {}, "user": user}
    return await page(request, session, me, "workspace/user_form.html", context)


@workspace(admin=True, write=True)
async def user_update(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    user = await _user(session, request)
    sent = _user_input(form)
    if user.id == me.id and sent.role != user.role.value:
        raise Forbidden(N_("You cannot change your own role; ask another admin."))
    try:
        async with session.begin_nested():
            await update_user(session, user, sent, actor=me.actor, now=now(request))
    except InvalidInput as error:
        context = {
            **await _form_context(request, session),
            "values": {**form_values(form), "email": user.email},
            "errors": field_errors(request, error),
            "user": user,
        }
        return await page(request, session, me, "workspace/user_form.html", context, status_code=422)
    return done("/organiser/users", "user_saved")


@workspace(admin=True, write=True)
async def user_status(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    user = await _user(session, request)
    action = request.path_params["action"]
    if action == "deactivate":
        if user.id == me.id:
            raise Forbidden(N_("You cannot deactivate your own account; ask another admin."))
        await deactivate(session, user, me.actor, now(request))
        return done("/organiser/users", "deactivated")
    if action == "reactivate":
        await reactivate(session, user, me.actor, now(request))
        return done("/organiser/users", "reactivated")
    if action == "reinvite" and user.is_active:
        await send_invitation(session, user, settings=request.app.state.settings, now=now(request))
        return done("/organiser/users", "invited")
    raise NotFound()


routes = [
    Route("/organiser/users", user_list, methods=["GET"]),
    Route("/organiser/users", user_invite, methods=["POST"]),
    Route("/organiser/users/new", user_new, methods=["GET"]),
    Route("/organiser/users/{user_id:int}", user_edit, methods=["GET"]),
    Route("/organiser/users/{user_id:int}", user_update, methods=["POST"]),
    Route("/organiser/users/{user_id:int}/{action:str}", user_status, methods=["POST"]),
]
