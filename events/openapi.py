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
    "properties": {"title": _STRING, "summary": _STRING, "description": _STRING, "image_alt": _STRING},
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
            "id": {"type": ["integer", "null"], "description": "Null for a place named in words (imported events)."},
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
            "status": {
                "type": "string",
                "enum": ["published", "cancelled", "draft"],
                "description": "Drafts appear only in answers to their organisers (write API).",
            },
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
            "waitlist_rule": {"type": "string", "enum": ["strict", "first_fit"]},
            "registration_opens_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Null: registration opens when the event is published.",
            },
            "registration_closes_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Null: registration closes when the event starts.",
            },
            "co_organisers": {
                "type": "array",
                "items": _STRING,
                "description": "Slugs of the other cities whose offices run the event too.",
            },
            "waitlist_length": {"type": "integer", "minimum": 0, "description": "Registrations on the waiting list."},
            "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
            "url": _STRING,
            "ics_url": _STRING,
            "updated_at": _DATETIME,
            "sequence": {"type": "integer", "minimum": 0},
            "edit_version": {
                "type": "integer",
                "minimum": 1,
                "description": "Raised by every edit of an organiser; the first part of the ETag.",
            },
            "online_url": {
                "type": ["string", "null"],
                "description": "The private meeting link: only in answers to the event's organisers (write API).",
            },
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
            "labels": {"type": "object", "additionalProperties": _STRING, "description": "The label per language."},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {
                        "value": _STRING,
                        "label": _STRING,
                        "labels": {"type": "object", "additionalProperties": _STRING},
                    },
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


# The organisers' registration endpoints (write API: a Bearer token of the workspace's "API tokens" page).
_BEARER: list[dict[str, list[str]]] = [{"bearerToken": []}]
_AUTH_ERRORS = {
    "401": _problem_response("No valid Bearer token (sign-in-required)."),
    "403": _problem_response("The event is run by another city office (forbidden)."),
}
_TALLY = {
    "type": "object",
    "required": ["registrations", "seats"],
    "properties": {"registrations": {"type": "integer", "minimum": 0}, "seats": {"type": "integer", "minimum": 0}},
}
_SCHEMAS["OrganiserRegistration"] = {
    "type": "object",
    "description": "A registration as its organisers see it, with the participant's details.",
    "required": ["id", "status", "waitlist_position", "seats", "name", "email", "language", "checked_in_at"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "pending", "cancelled", "declined"]},
        "waitlist_position": {"type": ["integer", "null"], "minimum": 1},
        "seats": {"type": "integer", "minimum": 1},
        "name": _STRING,
        "email": _STRING,
        "phone": _NULLABLE_STRING,
        "language": {"type": "string", "enum": list(LANGUAGE_CODES)},
        "home_city": {"type": ["string", "null"], "description": "A city's slug; null for another city."},
        "members": {"type": "array", "items": _STRING},
        "answers": {"type": "object", "description": "Keyed by question id."},
        "registered_at": _DATETIME,
        "confirmed_at": {"type": ["string", "null"], "format": "date-time"},
        "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
        "cancelled_by": {"type": ["string", "null"], "enum": ["participant", "organiser", "erasure", None]},
        "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
_SCHEMAS["OrganiserRegistrationList"] = {
    "type": "object",
    "required": ["items", "counts"],
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/OrganiserRegistration"}},
        "counts": {
            "type": "object",
            "description": "Registrations and places per status, and `checked_in` (confirmed and arrived).",
            "additionalProperties": _TALLY,
        },
    },
}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": _STRING}
_REGISTRATION_ID = {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PATHS["/events/{slug}/registrations"]["get"] = {
    "operationId": "listEventRegistrations",
    "summary": "An event's registrations, for its organisers: JSON, or CSV (UTF-8 with BOM) for Accept: text/csv.",
    "security": _BEARER,
    "parameters": [
        _SLUG,
        {
            "name": "status",
            "in": "query",
            "description": "all (default), active, a status, or checked_in.",
            "schema": {
                "type": "string",
                "enum": ["all", "active", "confirmed", "waitlisted", "pending", "cancelled", "declined", "checked_in"],
            },
        },
        {
            "name": "q",
            "in": "query",
            "description": "Part of a name, member's name or address, or a number.",
            "schema": {"type": "string", "maxLength": 100},
        },
        _LANG,
    ],
    "responses": {
        "200": {
            "description": "The registrations, in order of arrival.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/OrganiserRegistrationList"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        "404": _problem_response("No event has this slug."),
        **_AUTH_ERRORS,
        **_COMMON_ERRORS,
    },
}


def _registration_action(operation: str, summary: str, conflicts: str, body: bool = False) -> dict[str, Any]:
    action: dict[str, Any] = {
        "operationId": operation,
        "summary": summary,
        "security": _BEARER,
        "parameters": [_SLUG, _REGISTRATION_ID, _LANG],
        "responses": {
            "200": _json_response("The registration as it is now.", "OrganiserRegistration"),
            "404": _problem_response("No such event, or no such registration of this event."),
            "409": _problem_response(conflicts),
            **_AUTH_ERRORS,
            **_COMMON_ERRORS,
        },
    }
    if body:
        action["requestBody"] = {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "message": {
                                "type": "string",
                                "maxLength": 2000,
                                "description": "Your words to the participant, quoted in their cancellation message.",
                            }
                        },
                    }
                }
            },
        }
        action["responses"]["422"] = _problem_response("The message is not a string of at most 2000 characters.")
    return {"post": action}


_ONE_REGISTRATION = "/events/{slug}/registrations/{registration_id}"
_PATHS[f"{_ONE_REGISTRATION}/approve"] = _registration_action(
    "approveRegistration",
    "Approve a registration awaiting approval: confirmed if it fits, else on the waiting list.",
    "Not awaiting approval (registration-not-pending), no place and no waiting list, or the event is cancelled.",
)
_PATHS[f"{_ONE_REGISTRATION}/decline"] = _registration_action(
    "declineRegistration", "Decline a registration awaiting approval.", "Not awaiting approval."
)
_PATHS[f"{_ONE_REGISTRATION}/check-in"] = _registration_action(
    "checkInRegistration",
    "Check in a confirmed registration.",
    "Already checked in (already-checked-in, with `checked_in_at`, the first check-in), or not confirmed.",
)
_PATHS[f"{_ONE_REGISTRATION}/cancel"] = _registration_action(
    "cancelRegistrationAsOrganiser",
    "Cancel a registration; the participant is told, with your message quoted; the places go to the waiting list.",
    "Already cancelled or declined (registration-not-active).",
    body=True,
)
_SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token, made on the workspace's API tokens page.",
    }
}


# The write API for events (catalog/write_api.py): its body takes the fields the event JSON shows.
_PER_LANGUAGE = {"type": "object", "propertyNames": {"enum": list(LANGUAGE_CODES)}, "additionalProperties": _STRING}
_MOMENT = {
    "type": ["string", "null"],
    "description": "A local time in the event's zone (2026-03-14T19:30), an exact moment with an offset "
    "(2026-03-14T19:30:00+01:00), or for all-day events a day (2026-03-14; for `end` the last day). A time that "
    "does not exist in the zone (the hour skipped in spring) is refused; one that happens twice is read as the first.",
}
_SCHEMAS["EventWrite"] = {
    "type": "object",
    "description": "An event to create (category, city, start, end and a title are needed) or the fields to change "
    "(PATCH: only those sent change; `translations` merge per language, `null` drops one). The read-only fields of "
    "the event JSON may be sent back and are ignored; unknown fields are refused.",
    "properties": {
        "translations": {
            "type": "object",
            "propertyNames": {"enum": list(LANGUAGE_CODES)},
            "additionalProperties": {
                "type": ["object", "null"],
                "properties": {"title": _STRING, "summary": _STRING, "description": _STRING, "image_alt": _STRING},
                "additionalProperties": False,
            },
            "description": "At least one language with a title; missing languages fall back on public pages.",
        },
        "category": {"type": "string", "description": "A category's slug."},
        "city": {"type": "string", "description": "The host city's slug."},
        "office": {"type": ["string", "null"], "description": "The running office's city slug; default: your own."},
        "co_organisers": {"type": "array", "items": _STRING, "description": "Slugs of co-organising offices."},
        "venue": {
            "type": ["integer", "object", "null"],
            "description": "A venue's id in the event's city, or the venue object of the event JSON (its `id`).",
        },
        "online_url": {"type": ["string", "null"], "description": "http(s) address of the online meeting (private)."},
        "start": _MOMENT,
        "end": _MOMENT,
        "timezone": {"type": ["string", "null"], "description": "IANA time zone; default: the city's."},
        "all_day": {"type": "boolean"},
        "recurrence": {
            "type": ["object", "null"],
            "description": "Either `rule` (an RRULE, as the event JSON shows it) or `frequency` (weekly, monthly) "
            "with `interval` and `until` (a day) or `count` (2 to 200); `exdates` are days or exact starts of dates "
            "that do not take place. `next_start` and `series_end` are ignored.",
            "properties": {
                "rule": _STRING,
                "frequency": {"type": "string", "enum": ["weekly", "monthly"]},
                "interval": {"type": "integer", "minimum": 1, "maximum": 52},
                "until": {"type": "string", "format": "date"},
                "count": {"type": "integer", "minimum": 2, "maximum": 200},
                "exdates": {"type": "array", "items": _STRING},
            },
        },
        "capacity": {"type": ["integer", "null"], "minimum": 1, "description": "Null: no limit."},
        "max_seats_per_registration": {"type": "integer", "minimum": 1, "maximum": 100},
        "waitlist_enabled": {"type": "boolean"},
        "waitlist_rule": {"type": "string", "enum": ["strict", "first_fit"]},
        "approval_required": {"type": "boolean"},
        "registration_opens_at": {**_MOMENT, "description": "Null: when the event is published."},
        "registration_closes_at": {**_MOMENT, "description": "Null: when the event starts; never after it."},
        "questions": {
            "type": "array",
            "description": "The whole list: questions with an `id` keep it (and their answers), new ones are added, "
            "left-out ones removed. The kind of an existing question cannot change.",
            "items": {
                "type": "object",
                "required": ["kind", "labels"],
                "properties": {
                    "id": {"type": ["string", "integer", "null"]},
                    "kind": {"type": "string", "enum": ["text", "long_text", "choice", "multiple_choice", "yes_no"]},
                    "required": {"type": "boolean"},
                    "labels": _PER_LANGUAGE,
                    "choices": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["labels"],
                            "properties": {"value": _STRING, "labels": _PER_LANGUAGE},
                        },
                    },
                },
            },
        },
        "status": {"type": "string", "enum": ["draft", "published"], "description": "Default: draft."},
        "notify_participants": {
            "type": "boolean",
            "description": "PATCH: whether people registered are told of a new time or place (default true).",
        },
    },
}
_SCHEMAS["CancelRequest"] = {
    "type": "object",
    "required": ["reason"],
    "properties": {
        "reason": {
            "oneOf": [_STRING, _PER_LANGUAGE],
            "description": "Text in the request's language, or a text per language; participants get it.",
        }
    },
}
_ETAG = {"ETag": {"description": '"<edit version>-<state>": the same in every language.', "schema": _STRING}}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag read before: its edit version must still be the event's, or 412. Without it the "
    "change is applied.",
    "schema": _STRING,
}
_WRITE_ERRORS = {**_AUTH_ERRORS, "404": _problem_response("No event has this slug (or it was deleted).")}


def _event_answer(description: str, status: str = "200") -> dict[str, Any]:
    return {status: {**_json_response(description, "Event"), "headers": _ETAG}}


def _event_action(operation: str, summary: str, conflict: str, body: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "operationId": operation,
        "summary": summary,
        "security": _BEARER,
        "parameters": [_SLUG, _IF_MATCH, _LANG],
        "responses": {
            **_event_answer("The event as it is now."),
            "409": _problem_response(conflict),
            "412": _problem_response("The If-Match is stale; `changes` lists what others changed since."),
            **_WRITE_ERRORS,
            **_COMMON_ERRORS,
        },
    }
    if body:
        action["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
        action["responses"]["422"] = _problem_response("No reason in any language (`errors` names `reason`).")
    return {"post": action}


_PATHS["/events"]["post"] = {
    "operationId": "createEvent",
    "summary": "Create an event (a draft unless `status` says published) for your office, or any office as admin.",
    "security": _BEARER,
    "parameters": [_LANG],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventWrite"}}},
    },
    "responses": {
        "201": {
            **_json_response("The new event, as its organisers see it.", "Event"),
            "headers": {**_ETAG, "Location": {"description": "The event's address in the API.", "schema": _STRING}},
        },
        "422": _problem_response("Invalid fields (invalid-fields); `errors` names each, e.g. translations.zh.title."),
        **_AUTH_ERRORS,
        **_COMMON_ERRORS,
    },
}
_PATHS["/events/{slug}"]["get"]["security"] = [{}, *_BEARER]
_PATHS["/events/{slug}"]["get"]["description"] = (
    "Without a token: a published or cancelled event. With a Bearer token: the organisers' view of an event you "
    "manage, drafts too, with `online_url` (403 for another office's event)."
)
_PATHS["/events/{slug}"]["get"]["responses"]["200"]["headers"] = _ETAG
_PATHS["/events/{slug}"]["get"]["responses"].update(_AUTH_ERRORS)
_PATHS["/events/{slug}"]["patch"] = {
    "operationId": "changeEvent",
    "summary": "Change an event: only the fields sent change. Participants are told of a new time or place.",
    "security": _BEARER,
    "parameters": [_SLUG, _IF_MATCH, _LANG],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventWrite"}}},
    },
    "responses": {
        **_event_answer("The changed event, with its new ETag."),
        "412": _problem_response("The If-Match is stale (precondition-failed); `changes` lists what changed since."),
        "422": _problem_response("Invalid fields (invalid-fields); `errors` names each."),
        **_WRITE_ERRORS,
        **_COMMON_ERRORS,
    },
}
_PATHS["/events/{slug}"]["delete"] = {
    "operationId": "deleteEvent",
    "summary": "Delete an event: gone from pages and the API, a cancelled tombstone in feeds. Active registrations "
    "are cancelled and told; an event not yet cancelled needs a `reason` for them then.",
    "security": _BEARER,
    "parameters": [_SLUG, _IF_MATCH, _LANG],
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CancelRequest"}}},
    },
    "responses": {
        "204": {"description": "Deleted."},
        "412": _problem_response("The If-Match is stale."),
        "422": _problem_response("People are registered and no reason was given."),
        **_WRITE_ERRORS,
        **_COMMON_ERRORS,
    },
}
_PATHS["/events/{slug}/publish"] = _event_action(
    "publishEvent", "Publish an event: on pages, in the API and in feeds.", "The event is cancelled (not-possible)."
)
_PATHS["/events/{slug}/unpublish"] = _event_action(
    "unpublishEvent", "Back to a draft; feeds keep a cancelled tombstone.", "The event is cancelled (not-possible)."
)
_PATHS["/events/{slug}/cancel"] = _event_action(
    "cancelEvent",
    "Cancel an event; every participant is told, in their own language, with the reason.",
    "The event was cancelled already (not-possible).",
    body="CancelRequest",
)

_PATHS["/events/{slug}/image"] = {
    "put": {
        "operationId": "putEventImage",
        "summary": "Set the event's image: the body is the image itself (JPEG, PNG or WebP, recognised by its first "
        "bytes, at most EVENTS_MAX_IMAGE_SIZE). Each language with a title needs an image description "
        "(`translations.*.image_alt`, set with PATCH) first.",
        "security": _BEARER,
        "parameters": [_SLUG, _IF_MATCH, _LANG],
        "requestBody": {
            "required": True,
            "content": {
                media_type: {"schema": {"type": "string", "contentMediaType": media_type}}
                for media_type in ("image/jpeg", "image/png", "image/webp")
            },
        },
        "responses": {
            **_event_answer("The event with its new image (`image`) and ETag."),
            "412": _problem_response("The If-Match is stale (precondition-failed)."),
            "413": _problem_response("The body is larger than an image may be."),
            "422": _problem_response(
                "Not a JPEG, PNG or WebP image, too large, or an image description is missing (invalid-fields)."
            ),
            **_WRITE_ERRORS,
            **_COMMON_ERRORS,
        },
    },
    "delete": {
        "operationId": "deleteEventImage",
        "summary": "Remove the event's image.",
        "security": _BEARER,
        "parameters": [_SLUG, _IF_MATCH, _LANG],
        "responses": {
            **_event_answer("The event without an image, with its new ETag."),
            "412": _problem_response("The If-Match is stale (precondition-failed)."),
            **_WRITE_ERRORS,
            **_COMMON_ERRORS,
        },
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
        "components": {"schemas": _SCHEMAS, "securitySchemes": _SECURITY_SCHEMES},
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.state.settings.base_url))


routes = [Route("/openapi.json", openapi_json, name="openapi")]
