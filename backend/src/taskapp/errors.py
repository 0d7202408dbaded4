"""RFC 9457 problem details: every error response is application/problem+json."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One invalid input: where it is and what is wrong with it."""

    field: str = Field(description="Dotted location, e.g. body.title or query.limit")
    message: str
    type: str = Field(description="Machine-readable error kind, e.g. string_too_long")


class Problem(BaseModel):
    """Problem details (RFC 9457)."""

    type: str = Field(default="about:blank", description="URI identifying the problem type")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = Field(
        default=None, description="Present on 422: one entry per invalid field"
    )


class ProblemError(Exception):
    """Raise from anywhere to answer with a problem+json response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        problem_type: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problem_type = f"urn:taskapp:problem:{problem_type}" if problem_type else "about:blank"
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.errors = errors


def not_found(what: str = "resource") -> ProblemError:
    return ProblemError(404, f"The {what} does not exist.", problem_type="not-found")


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    problem_type: str = "about:blank",
    title: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
) -> JSONResponse:
    body = Problem(
        type=problem_type,
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


def _field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def validation_errors(raw: list[dict[str, Any]] | Any) -> list[FieldError]:
    errors = []
    for err in raw:
        message = str(err.get("msg", "Invalid value"))
        # Pydantic prefixes custom validator messages with "Value error, ": say it plainly.
        message = message.removeprefix("Value error, ")
        errors.append(
            FieldError(field=_field_path(err.get("loc", ())), message=message, type=err["type"])
        )
    return errors


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)  # noqa: S101 (registered for this type only)
    return problem_response(
        request,
        exc.status,
        exc.detail,
        problem_type=exc.problem_type,
        title=exc.title,
        headers=exc.headers,
        errors=exc.errors,
    )


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    errors = validation_errors(exc.errors())
    fields = ", ".join(sorted({e.field for e in errors}))
    return problem_response(
        request,
        422,
        f"The request is invalid: {fields}." if fields else "The request is invalid.",
        problem_type="urn:taskapp:problem:validation-error",
        title="Validation failed",
        errors=errors,
    )


_HTTP_DETAILS = {
    404: "Nothing is served at this path.",
    405: "This method is not allowed on this path.",
}


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = _HTTP_DETAILS.get(exc.status_code, detail)
    headers = dict(exc.headers) if exc.headers else None
    status = exc.status_code
    allowed = _allowed_methods(request) if status in {404, 405} else ""
    if status == 404 and allowed and request.method not in allowed.split(", "):
        # With the web app mounted at "/", a wrong method on an API path falls through to the
        # mount, whose answer is 404; the path exists, so the truth is 405.
        status, detail = 405, _HTTP_DETAILS[405]
    if status == 405:
        # Starlette names only the first route that matched the path; list every method the
        # path answers (GET and POST on /tasks are two routes).
        headers = {**(headers or {}), "Allow": allowed}
    return problem_response(request, status, detail, headers=headers)


def _allowed_methods(request: Request) -> str:
    # Included routers are wrapped: look at the routes they hold (as main.py does for metrics).
    routes = [
        nested
        for route in request.app.router.routes
        for nested in getattr(getattr(route, "original_router", None), "routes", [route])
    ]
    matching = [
        route
        for route in routes
        if getattr(route, "methods", None)
        and getattr(route, "include_in_schema", True)
        and route.matches({**request.scope, "method": "GET"})[0] is not Match.NONE
    ]
    # A literal path (/tasks/stats) wins over a template that also matches it (/tasks/{id}).
    literal = [route for route in matching if not getattr(route, "param_convertors", None)]
    methods: set[str] = set()
    for route in literal or matching:
        methods.update(route.methods)
    return ", ".join(sorted(methods))


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", exc_info=exc)
    return problem_response(request, 500, "An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
