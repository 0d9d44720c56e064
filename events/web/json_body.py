"""Reading the JSON body of an API request: an object, or a clear problem naming the body."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from events.errors import FieldError, InvalidFields
from events.i18n import N_


async def json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; ``optional``: an empty body is an empty object. Anything else that is not a
    JSON object answers 422 with the field ``body``."""
    raw = await request.body()
    if optional and not raw.strip():
        return {}
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise InvalidFields([FieldError("body", N_("Send a JSON object."))])
    return body
