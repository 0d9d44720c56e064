"""The OpenAPI 3.1 description of /api/v1, written out by hand so it says what the API promises.

A test checks that it is a valid OpenAPI document, that it names every API route, and that real answers
validate against the schemas given here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events import __version__
from events.catalog.availability import RegistrationState
from events.catalog.filters import DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT
from events.i18n import LANGUAGE_CODES

REGISTRATION_STATES = [state.value for state in RegistrationState]

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_DATETIME = {"type": "string", "format": "date-time"}
_TEXTS = {
    "type": "object",
    "required": ["title", "summary", "description"],
    "properties": {"title": _STRING, "summary": _STRING, "description": _STRING},
    "additionalProperties": False,
}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of the answer; without it, Accept-Language decides, then the platform's default.",
    "schema": {"type": "string", "enum": list(LANGUAGE_CODES)},
}

_COMMON_ERRORS = {
    "400": _problem_response("Invalid input or an unknown language; `errors` lists each invalid field."),
    "405": _problem_response("The method is not allowed here."),
    "413": _problem_response("The request body is too large."),
    "503": _problem_response("The database cannot be reached; retry after the Retry-After header."),
}

_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "Problem details (RFC 9457).",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": _STRING,
            "status": {"type": "integer"},
            "detail": _STRING,
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": _STRING, "message": _STRING},
                },
            },
        },
    },
    "Venue": {
        "type": ["object", "null"],
        "required": ["name", "address", "latitude", "longitude"],
        "properties": {
            "name": _STRING,
            "address": _STRING,
            "latitude": {"type": ["number", "null"]},
            "longitude": {"type": ["number", "null"]},
            "openstreetmap_url": _NULLABLE_STRING,
            "amap_url": _NULLABLE_STRING,
        },
    },
    "LocalTime": {
        "type": "object",
        "description": "The event's next (or last) occurrence on one twin city's clock.",
        "required": ["city_label", "timezone", "zone_abbreviation", "start", "end", "text"],
        "properties": {
            "city_label": _STRING,
            "timezone": _STRING,
            "zone_abbreviation": _STRING,
            "start": _DATETIME,
            "end": {"type": ["string", "null"], "format": "date-time"},
            "text": _STRING,
        },
    },
    "Event": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "language",
            "title",
            "summary",
            "description",
            "translations",
            "category",
            "category_name",
            "city",
            "city_name",
            "office",
            "office_name",
            "venue",
            "online",
            "image",
            "start",
            "end",
            "timezone",
            "all_day",
            "times",
            "when",
            "recurrence",
            "status",
            "cancellation_reason",
            "capacity",
            "seats_left",
            "registration_open",
            "registration_state",
            "url",
            "ics_url",
            "updated_at",
            "sequence",
        ],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Stable for the event's whole life."},
            "slug": _STRING,
            "language": {
                "type": "string",
                "enum": list(LANGUAGE_CODES),
                "description": "Language of title, summary and description: the asked one, or the fallback used.",
            },
            "title": _STRING,
            "summary": _STRING,
            "description": _STRING,
            "translations": {
                "type": "object",
                "propertyNames": {"enum": list(LANGUAGE_CODES)},
                "additionalProperties": _TEXTS,
            },
            "category": _STRING,
            "category_name": _STRING,
            "city": {"type": "string", "description": "Slug of the host city, where the event takes place."},
            "city_name": _STRING,
            "office": {"type": "string", "description": "Slug of the city whose office runs the event."},
            "office_name": _STRING,
            "venue": {"$ref": "#/components/schemas/Venue"},
            "online": {"type": "boolean", "description": "Whether people can take part online (the link is private)."},
            "image": {
                "type": ["object", "null"],
                "required": ["url", "alt"],
                "properties": {"url": _STRING, "alt": _STRING},
            },
            "start": {**_DATETIME, "description": "First start, with the offset of the event's time zone."},
            "end": _DATETIME,
            "timezone": {"type": "string", "description": "IANA time zone of the event."},
            "all_day": {
                "type": "boolean",
                "description": "When true, start and end are local midnights (end exclusive).",
            },
            "times": {"type": "array", "items": {"$ref": "#/components/schemas/LocalTime"}},
            "when": {"type": "string", "description": "The next occurrence in every twin city's clock, as one line."},
            "recurrence": {
                "type": ["object", "null"],
                "required": ["rule", "exdates", "next_start", "series_end"],
                "properties": {
                    "rule": {"type": "string", "description": "RFC 5545 RRULE value."},
                    "exdates": {"type": "array", "items": _DATETIME},
                    "next_start": _DATETIME,
                    "series_end": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "status": {"type": "string", "enum": ["published", "cancelled"]},
            "cancellation_reason": _NULLABLE_STRING,
            "capacity": {"type": ["integer", "null"], "description": "Seats in all; null means no limit."},
            "seats_left": {"type": ["integer", "null"]},
            "registration_open": {"type": "boolean"},
            "registration_state": {
                "type": "string",
                "enum": REGISTRATION_STATES,
            },
            "max_seats_per_registration": {"type": "integer", "minimum": 1},
            "waitlist_enabled": {"type": "boolean"},
            "approval_required": {"type": "boolean"},
            "waitlist_length": {"type": "integer", "minimum": 0, "description": "Registrations on the waiting list."},
            "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
            "url": _STRING,
            "ics_url": _STRING,
            "updated_at": _DATETIME,
            "sequence": {"type": "integer", "minimum": 0},
        },
    },
    "Question": {
        "type": "object",
        "required": ["id", "kind", "required", "label"],
        "properties": {
            "id": _STRING,
            "kind": {"type": "string", "enum": ["text", "long_text", "choice", "multiple_choice", "yes_no"]},
            "required": {"type": "boolean"},
            "label": _STRING,
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {"value": _STRING, "label": _STRING},
                },
            },
        },
        "description": "Answers: a string (text, long_text), a choice's value (choice), a list of values "
        "(multiple_choice) or a boolean (yes_no).",
    },
    "RegistrationRequest": {
        "type": "object",
        "required": ["name", "email", "home_city", "language", "consent"],
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "email": {"type": "string", "format": "email"},
            "phone": {"type": ["string", "null"]},
            "home_city": {"type": "string", "description": "A city slug, or `other`."},
            "language": {"type": "string", "enum": list(LANGUAGE_CODES), "description": "Language of our messages."},
            "seats": {"type": "integer", "minimum": 1, "description": "Default: 1 plus the named members."},
            "members": {"type": "array", "items": _STRING, "description": "The other members of a delegation."},
            "answers": {"type": "object", "description": "Keyed by question id."},
            "consent": {"type": "boolean", "const": True, "description": "Agreement to the privacy statement."},
        },
    },
    "RegistrationChange": {
        "type": "object",
        "properties": {
            "seats": {"type": "integer", "minimum": 1},
            "members": {"type": "array", "items": _STRING},
            "answers": {"type": "object"},
        },
    },
    "Registration": {
        "type": "object",
        "required": ["status", "waitlist_position", "seats", "manage_url", "event"],
        "properties": {
            "status": {"type": "string", "enum": ["confirmed", "waitlisted", "pending", "cancelled", "declined"]},
            "waitlist_position": {"type": ["integer", "null"], "minimum": 1},
            "seats": {"type": "integer", "minimum": 1},
            "manage_url": {"type": "string", "description": "The private manage link; keep it secret."},
            "name": _STRING,
            "email": _STRING,
            "phone": _NULLABLE_STRING,
            "language": _STRING,
            "members": {"type": "array", "items": _STRING},
            "answers": {"type": "object"},
            "online_url": {"type": ["string", "null"], "description": "Only once confirmed."},
            "event": {
                "type": "object",
                "required": ["slug", "title", "url"],
                "properties": {"slug": _STRING, "title": _STRING, "url": _STRING},
            },
        },
    },
    "EventList": {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            "next_cursor": {"type": ["string", "null"], "description": "Pass as `cursor` for the next page."},
        },
    },
    "City": {
        "type": "object",
        "required": ["slug", "name", "names", "country", "timezone", "office_name"],
        "properties": {
            "slug": _STRING,
            "name": _STRING,
            "names": {"type": "object", "additionalProperties": _STRING},
            "country": _STRING,
            "timezone": _STRING,
            "office_name": _STRING,
        },
    },
    "CityList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/City"}}},
    },
    "Category": {
        "type": "object",
        "required": ["slug", "name", "description", "names"],
        "properties": {
            "slug": _STRING,
            "name": _STRING,
            "description": _STRING,
            "names": {"type": "object", "additionalProperties": _STRING},
        },
    },
    "CategoryList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}},
    },
}

_BOUND = (
    "A date (2026-03-14: that day in each event's own time zone) or a date and time with offset "
    "(2026-03-14T14:00:00+01:00)."
)

_PATHS: dict[str, Any] = {
    "/events": {
        "get": {
            "operationId": "listEvents",
            "summary": "Published and cancelled events, soonest first; by default those not yet ended.",
            "parameters": [
                {
                    "name": "category",
                    "in": "query",
                    "description": "Category slug; repeat for several.",
                    "schema": {"type": "array", "items": _STRING},
                    "style": "form",
                    "explode": True,
                },
                {
                    "name": "city",
                    "in": "query",
                    "description": "Host city slug; repeat for several.",
                    "schema": {"type": "array", "items": _STRING},
                    "style": "form",
                    "explode": True,
                },
                {
                    "name": "from",
                    "in": "query",
                    "description": f"Events not yet ended at this moment. {_BOUND}",
                    "schema": _STRING,
                },
                {
                    "name": "to",
                    "in": "query",
                    "description": f"Events starting by then (a date includes the day). {_BOUND}",
                    "schema": _STRING,
                },
                {
                    "name": "q",
                    "in": "query",
                    "description": "Text searched in titles and summaries in every language.",
                    "schema": {"type": "string", "maxLength": MAX_TEXT},
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                },
                {
                    "name": "cursor",
                    "in": "query",
                    "description": "`next_cursor` of the previous page.",
                    "schema": _STRING,
                },
                _LANG,
            ],
            "responses": {"200": _json_response("A page of events.", "EventList"), **_COMMON_ERRORS},
        }
    },
    "/events/{slug}": {
        "get": {
            "operationId": "getEvent",
            "summary": "One published or cancelled event.",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": _STRING}, _LANG],
            "responses": {
                "200": _json_response("The event.", "Event"),
                "404": _problem_response("No public event has this slug."),
                **_COMMON_ERRORS,
            },
        }
    },
    "/events/{slug}/registrations": {
        "post": {
            "operationId": "register",
            "summary": "Register for an event (a person, or a delegation with its members).",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": _STRING},
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Retrying with the same key and body returns the same registration.",
                    "schema": {"type": "string", "maxLength": 200},
                },
                _LANG,
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegistrationRequest"}}},
            },
            "responses": {
                "201": _json_response("Confirmed, on the waiting list, or awaiting approval.", "Registration"),
                "404": _problem_response("No public event has this slug."),
                "409": _problem_response(
                    "Registration is closed (`reason`: not_yet_open, closed, started, cancelled, full, "
                    "no_registration), not enough places, or the address is already registered (the manage link "
                    "is e-mailed again)."
                ),
                "422": _problem_response("Invalid fields (`errors` lists each), or a reused Idempotency-Key."),
                "429": _problem_response("Too many registrations from this address; see Retry-After."),
                **_COMMON_ERRORS,
            },
        }
    },
    "/registrations/{token}": {
        "parameters": [{"name": "token", "in": "path", "required": True, "schema": _STRING}],
        "get": {
            "operationId": "getRegistration",
            "summary": "A registration, by its private token.",
            "responses": {
                "200": _json_response("The registration.", "Registration"),
                "404": _problem_response("No registration has this token."),
                **_COMMON_ERRORS,
            },
        },
        "patch": {
            "operationId": "changeRegistration",
            "summary": "Change places, members or answers, within the rules of registering.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegistrationChange"}}},
            },
            "responses": {
                "200": _json_response("The changed registration.", "Registration"),
                "404": _problem_response("No registration has this token."),
                "409": _problem_response("Not enough places, the event started, or the registration is cancelled."),
                "422": _problem_response("Invalid fields."),
                **_COMMON_ERRORS,
            },
        },
        "delete": {
            "operationId": "cancelRegistration",
            "summary": "Cancel; the places go at once to whoever waits next.",
            "responses": {
                "200": _json_response("The cancelled registration.", "Registration"),
                "404": _problem_response("No registration has this token."),
                **_COMMON_ERRORS,
            },
        },
    },
    "/cities": {
        "get": {
            "operationId": "listCities",
            "summary": "The twin cities.",
            "parameters": [_LANG],
            "responses": {"200": _json_response("Every city.", "CityList"), **_COMMON_ERRORS},
        }
    },
    "/categories": {
        "get": {
            "operationId": "listCategories",
            "summary": "The programme's pillars.",
            "parameters": [_LANG],
            "responses": {"200": _json_response("Every category.", "CategoryList"), **_COMMON_ERRORS},
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenAPI",
            "summary": "This document.",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {}}}}},
        }
    },
}


def openapi_document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stedenband API",
            "version": __version__,
            "description": "Events of the Weert–Yuhang exchange programme, in Dutch, English and Chinese.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS},
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.state.settings.base_url))


routes = [Route("/openapi.json", openapi_json, name="openapi")]
