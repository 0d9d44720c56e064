"""Jinja2 set up once for the whole platform: autoescaping, gettext in the request's language, static URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from events.clocks import format_moment
from events.i18n import LANGUAGES, translations
from events.paths import STATIC_DIR, TEMPLATES_DIR
from events.web import csrf


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translations(context["lang"]).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return translations(context["lang"]).ngettext(singular, plural, count)


@cache
def static_version(path: str) -> str:
    """A short hash of a static file, so its URL changes whenever the file does and can be cached for long."""
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]


@pass_context
def static_url(context: Context, path: str) -> str:
    return f"/static/{path}?v={static_version(path)}"


def language_url(request: Request, code: str) -> str:
    """The current page in another language (the switcher's links), keeping every other query parameter."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    return f"{request.url.path}?{urlencode([*kept, ('lang', code)])}"


def og_locale(code: str) -> str:
    return LANGUAGES[code].babel_locale.replace("_Hans", "")


@cache
def create_environment() -> Environment:
    """The one Jinja2 environment of the process, for pages and e-mails alike."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    environment.globals.update(
        static_url=static_url,
        language_url=language_url,
        og_locale=og_locale,
        format_moment=format_moment,
        csrf_token=csrf.csrf_token,
        zone=ZoneInfo,
        LANGUAGES=LANGUAGES,
    )
    return environment


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page in the request's language; handlers pass everything the template shows."""
    environment: Environment = request.app.state.templates
    language = request.state.language
    values = {
        "request": request,
        "lang": language,
        "html_lang": LANGUAGES[language].html_lang,
        "settings": request.app.state.settings,
        **(context or {}),
    }
    body = environment.get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    response.headers["Vary"] = "Accept-Language, Cookie"
    if (cookie := csrf.cookie_header(request)) is not None:
        response.headers.append("Set-Cookie", cookie)
    return response
