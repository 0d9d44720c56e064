"""What every HTML form handler shares: field errors in the reader's language, and the form's values to show
again."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

from events.errors import InvalidInput
from events.i18n import gettext_for


def field_errors(request: Request, error: InvalidInput) -> dict[str, str]:
    """{field: message} in the request's language; the first message per field."""
    language = request.state.language
    errors: dict[str, str] = {}
    for item in error.errors:
        errors.setdefault(item.field, gettext_for(language, item.message, **item.params))
    return errors


def form_values(form: FormData, *, secret: tuple[str, ...] = ("password", "password_again")) -> dict[str, Any]:
    """The values to show again in a form with errors; passwords are never sent back to the browser."""
    values: dict[str, Any] = {}
    for key in form:
        if key in secret or key == "csrf_token":
            continue
        items = form.getlist(key)
        values[key] = items if len(items) > 1 else items[0]
    return values
