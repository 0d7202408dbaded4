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

from taskapp.http.routes import allowed_methods

PROBLEM_JSON = "application/problem+json"
# RFC 9110's name; Python 3.11's HTTPStatus still has "Request Entity Too Large". Both ways to
# a 413 (Content-Length up front, or a streamed body) answer with this one.
_TITLES = {413: "Content Too Large"}
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


def problem_body(
    status: int,
    detail: str,
    *,
    instance: str | None,
    problem_type: str = "about:blank",
    title: str | None = None,
    errors: list[FieldError] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The one place a problem details body is built; `extensions` adds members (RFC 9457 §3.2)."""
    body = Problem(
        type=problem_type,
        title=title or _TITLES.get(status) or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    ).model_dump(exclude_none=True)
    return {**body, **(extensions or {})}


def problem_response(
    instance: str | None,
    status: int,
    detail: str,
    *,
    problem_type: str = "about:blank",
    title: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    """An application/problem+json response; also a plain ASGI app, for middleware."""
    body = problem_body(
        status,
        detail,
        instance=instance,
        problem_type=problem_type,
        title=title,
        errors=errors,
        extensions=extensions,
    )
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


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
        request.url.path,
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
        request.url.path,
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
    allowed = (
        allowed_methods(request.app.router.routes, request.scope) if status in {404, 405} else ""
    )
    if status == 404 and allowed and request.method not in allowed.split(", "):
        # With the web app mounted at "/", a wrong method on an API path falls through to the
        # mount, whose answer is 404; the path exists, so the truth is 405.
        status, detail = 405, _HTTP_DETAILS[405]
    if status == 405:
        # Starlette names only the first route that matched the path; list every method the
        # path answers (GET and POST on /tasks are two routes).
        headers = {**(headers or {}), "Allow": allowed}
    return problem_response(request.url.path, status, detail, headers=headers)


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", exc_info=exc)
    return problem_response(
        request.url.path, 500, "An unexpected error occurred; it has been logged."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
