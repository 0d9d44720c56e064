"""Checking answers against the OpenAPI document the platform publishes."""

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from events.openapi import openapi_document

DOCUMENT = openapi_document("https://stedenband.test")


def assert_matches_schema(body: Any, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": DOCUMENT["components"]}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])
