"""Helpers that keep the OpenAPI description precise: every error response is documented."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel

from taskapp.errors import PROBLEM_JSON, Problem

API_PREFIX = "/api/v1"

_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for the given error codes, each an application/problem+json body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {
            "model": Problem,
            "description": HTTPStatus(code).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if code in _HEADERS:
            entry["headers"] = _HEADERS[code]
        responses[code] = entry
    return responses


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The OpenAPI query parameters FastAPI would list for `Annotated[model, Query()]`, for an
    endpoint that validates that model itself (tests/test_api_contract.py holds the two equal)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": field_schema,
            **(
                {"description": field_schema["description"]}
                if "description" in field_schema
                else {}
            ),
        }
        for name, field_schema in schema["properties"].items()
    ]


def document_malformed_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation that reads a body answers 400 when the body is not valid UTF-8/JSON
    framing FastAPI can parse (e.g. raw bytes): say so in the description, as problem+json."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault(
                    "400",
                    {
                        "description": "The body could not be parsed",
                        "content": {
                            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
    return schema


_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def document_validation_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents a 422 for every operation with a parameter as its own JSON shape, but the
    app answers every validation error as problem+json (errors.py): document that shape instead,
    where a route did not already say so with problem_responses(422)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            response = operation.get("responses", {}).get("422")
            content = response.get("content", {}) if response else {}
            if content.get("application/json", {}).get("schema", {}).get("$ref") == _FASTAPI_422:
                response["content"] = {
                    PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
    schemas = schema.get("components", {}).get("schemas", {})
    if _FASTAPI_422.rsplit("/", 1)[1] in schemas and _FASTAPI_422 not in str(schema["paths"]):
        # Nothing refers to FastAPI's shapes any more.
        schemas.pop("HTTPValidationError")
        schemas.pop("ValidationError", None)
    return schema
