"""Failures a user can cause, each with its HTTP status, mapped in one place to an HTML page or problem JSON.

Messages are gettext message ids with ``%(name)s`` placeholders; they are translated at the edge, in the
language of the request that caused them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from events.clocks import format_moment
from events.i18n import N_


@dataclasses.dataclass(frozen=True)
class Moment:
    """A moment in a message, written out in the reader's language when the message is translated."""

    moment: dt.datetime
    timezone: str

    def for_language(self, language: str) -> str:
        return format_moment(self.moment, self.timezone, language)


@dataclasses.dataclass(frozen=True)
class FieldError:
    """What is wrong with one input field; ``message`` is a message id, ``params`` fill its placeholders."""

    field: str
    message: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)


class PlatformError(Exception):
    """Base of every error a user can cause; ``code`` names it in problem JSON (``type`` ends with it)."""

    status = 400
    code = "bad-request"
    title = N_("The request cannot be handled")

    def __init__(self, message: str | None = None, /, **params: object) -> None:
        self.message = message or self.title
        self.params = params
        super().__init__(self.message % params if params else self.message)

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer needs (Retry-After, say)."""
        return {}

    def problem_fields(self) -> dict[str, object]:
        """Members added to the problem JSON beside type, title, status and detail."""
        return {}


class InvalidInput(PlatformError):
    status = 400
    code = "invalid-input"
    title = N_("Some of what you sent is not valid")

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors


class InvalidFields(InvalidInput):
    """A request body (form or JSON) with fields that break the rules: 422, each field named."""

    status = 422
    code = "invalid-fields"
    title = N_("Some fields need your attention")


class NotFound(PlatformError):
    status = 404
    code = "not-found"
    title = N_("This page does not exist")


class MethodNotAllowed(PlatformError):
    status = 405
    code = "method-not-allowed"
    title = N_("This address does not accept that method")


class BodyTooLarge(PlatformError):
    status = 413
    code = "body-too-large"
    title = N_("What you sent is too large")


class DatabaseUnavailable(PlatformError):
    status = 503
    code = "database-unavailable"
    title = N_("The platform cannot reach its database right now")

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class UnknownLanguage(PlatformError):
    status = 400
    code = "unknown-language"
    title = N_("This language is not available")


class TooManyRequests(PlatformError):
    status = 429
    code = "too-many-requests"
    title = N_("Too many requests from your address")

    def __init__(self, retry_after: int) -> None:
        super().__init__(N_("Please wait %(seconds)s seconds and try again."), seconds=retry_after)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class CSRFFailed(PlatformError):
    status = 403
    code = "csrf-failed"
    title = N_("This form has expired")

    def __init__(self) -> None:
        super().__init__(N_("Please go back, reload the page and send the form again. Nothing was changed."))


class SignInRequired(PlatformError):
    status = 401
    code = "sign-in-required"
    title = N_("Please sign in first")

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="stedenband"'}


class Forbidden(PlatformError):
    status = 403
    code = "forbidden"
    title = N_("You may not do this")


class PreconditionFailed(PlatformError):
    status = 412
    code = "precondition-failed"
    title = N_("The event has changed since you read it")

    def __init__(self) -> None:
        super().__init__(N_("Read the event again (GET) and send your change with its new ETag."))
