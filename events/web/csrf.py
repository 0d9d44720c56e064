"""CSRF protection for every form: a random cookie, and in each form an HMAC of it under the secret key.

A site that cannot read our cookie cannot make the matching field, so a form posted from elsewhere is refused
with 403 before anything changes. The Origin header, which browsers send with every POST, is checked too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from events.errors import CSRFFailed

COOKIE = "csrf"
FIELD = "csrf_token"


def _sign(secret_key: str, value: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to put in a form; sets the cookie on the response when the visitor has none yet."""
    value = request.cookies.get(COOKIE)
    if not value or len(value) < 32:
        value = getattr(request.state, "csrf_new_cookie", None) or secrets.token_urlsafe(32)
        request.state.csrf_new_cookie = value
    return _sign(request.app.state.secret_key, value)


def cookie_header(request: Request) -> str | None:
    value = getattr(request.state, "csrf_new_cookie", None)
    if value is None:
        return None
    secure = "; Secure" if request.app.state.settings.uses_https else ""
    return f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"


def verify_csrf(request: Request, form: Any) -> None:
    """Refuse a form whose token does not match this visitor's cookie, or that comes from another site."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        allowed = {_origin(request.app.state.settings.base_url), _origin(str(request.base_url))}
        if _origin(origin) not in allowed:
            raise CSRFFailed()
    cookie = request.cookies.get(COOKIE)
    sent = form.get(FIELD) if form is not None else None
    if not cookie or not isinstance(sent, str):
        raise CSRFFailed()
    if not hmac.compare_digest(sent, _sign(request.app.state.secret_key, cookie)):
        raise CSRFFailed()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
