"""RFC 9457 problem details: every error response is application/problem+json."""

from __future__ import annotations

import math
import time
from http import HTTPStatus
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.http.routes import allowed_methods

PROBLEM_JSON = "application/problem+json"
# RFC 9110's name; Python 3.11's HTTPStatus still has "Request Entity Too Large". Both ways to
# a 413 (Content-Length up front, or a streamed body) answer with this one.
_TITLES = {413: "Content Too Large"}
# How long a client should wait after a 503 for a database outage: a restarted PostgreSQL is
# served again within a second of accepting connections (the pool drops its dead connections).
RETRY_AFTER_SECONDS = 1
# At most one warning line per this many seconds while the database stays unreachable.
OUTAGE_LOG_INTERVAL_SECONDS = 10.0
# Requests a client may repeat: rerun once when the database connection they used was dead.
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problem_type = f"urn:taskapp:problem:{problem_type}" if problem_type else "about:blank"
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.errors = errors
        self.extensions = extensions  # extra members of the body (RFC 9457 §3.2)


def invalid_field(
    field: str, message: str, kind: str, *, detail: str | None = None
) -> ProblemError:
    """422 for one field (`body.x`, `query.x`) refused by a rule the schema cannot check (one that
    needs the database or another field), shaped as FastAPI's own validation errors are."""
    return ProblemError(
        422,
        message if detail is None else detail,
        problem_type="validation-error",
        title="Validation failed",
        errors=[FieldError(field=field, message=message, type=kind)],
    )


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
    """An application/problem+json response; also a plain ASGI app, for middleware.

    Never stored by a cache (Cache-Control: no-store): an error, a 401 or a 429 is about this
    request at this moment, and a shared cache must not replay it to anyone else."""
    body = problem_body(
        status,
        detail,
        instance=instance,
        problem_type=problem_type,
        title=title,
        errors=errors,
        extensions=extensions,
    )
    headers = {"Cache-Control": "no-store", **(headers or {})}
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
        extensions=exc.extensions,
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


def _database_unavailable_here(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(
        exc,
        # DB-API's OperationalError means "not under the programmer's control" (a lost
        # connection, a server shutting down, SQLite's "unable to open database file");
        # InterfaceError a connection that is unusable; TimeoutError waiting for the pool.
        sa_exc.OperationalError
        | sa_exc.InterfaceError
        | sa_exc.DisconnectionError
        | sa_exc.TimeoutError
        # The raw driver path (perf/driver.py) and connecting: refused, reset, timed out,
        # unresolvable (all OSError), "the database system is starting up", a terminated
        # backend or a server shutting down (SQLSTATE classes 08 and 57P), too many clients.
        | OSError
        | asyncpg.PostgresConnectionError
        | asyncpg.CannotConnectNowError
        | asyncpg.AdminShutdownError
        | asyncpg.CrashShutdownError
        | asyncpg.TooManyConnectionsError,
    ):
        return True
    # asyncpg's "cannot call Connection.fetch(): connection is closed" has no class of its own.
    return isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)


def database_unavailable(exc: BaseException) -> bool:
    """Whether an exception means the database cannot be reached right now (answer 503), as
    opposed to a bug (500). Looks through SQLAlchemy's wrapper (`orig`) and what caused it
    (`raise ... from`), never the context: a bug raised while handling a connection error
    (a KeyError in an `except OSError:` block) is still a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _database_unavailable_here(current):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


class OutageLog:
    """One warning line per outage instead of a traceback per request: the first failure is
    logged at once, later ones are counted and reported at most every `interval` seconds."""

    def __init__(self, interval: float = OUTAGE_LOG_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._last = -math.inf
        self._suppressed = 0

    def failed(self, exc: BaseException, path: str) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            self._suppressed += 1
            return
        log.warning(
            "database_unavailable",
            error=f"{type(exc).__name__}: {exc}"[:300],
            path=path,
            failures_not_logged=self._suppressed,
        )
        self._last, self._suppressed = now, 0


def _unavailable_response(path: str | None) -> JSONResponse:
    return problem_response(
        path,
        503,
        "The database is unavailable; retry shortly.",
        problem_type="urn:taskapp:problem:dependency-unavailable",
        title="Service Unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _unexpected_response(path: str | None) -> JSONResponse:
    return problem_response(path, 500, "An unexpected error occurred; it has been logged.")


class ErrorBoundaryMiddleware:
    """Turns every exception the routes leave unhandled into a problem response, inside the
    middleware that adds the request id and the security headers (Starlette's own 500 handler
    sits outside all of them, then re-raises, so uvicorn logged a second traceback and closed
    the connection, which a load balancer reads as a failed upstream).

    A database outage is a 503 with Retry-After and a rate-limited warning; anything else a 500
    with one traceback. An idempotent request that failed on a dead connection, before any byte
    of its answer, runs once more: the pool has dropped the dead connections by then."""

    def __init__(self, app: ASGIApp, outages: OutageLog) -> None:
        self.app = app
        self.outages = outages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        received: list[Message] = []

        async def recording_receive() -> Message:
            message = await receive()
            received.append(message)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        retry = scope["method"] in _IDEMPOTENT_METHODS
        while True:
            try:
                await self.app(scope, recording_receive if retry else receive, watching_send)
            except Exception as exc:
                if started:
                    raise  # the answer is under way: nothing left but to drop the connection
                unavailable = database_unavailable(exc)
                if unavailable and retry and not isinstance(exc, sa_exc.TimeoutError):
                    retry = False
                    receive = _replaying(list(received), receive)
                    continue
                path = scope.get("path")
                if unavailable:
                    self.outages.failed(exc, path or "")
                    response = _unavailable_response(path)
                else:
                    log.exception("unhandled_error", path=path, exc_info=exc)
                    response = _unexpected_response(path)
                await response(scope, receive, send)
            return


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """The request body read by a first attempt, then whatever is still to come."""

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Last resort, outside every middleware (Starlette re-raises to the server after it):
    # reached only when a middleware itself fails, since ErrorBoundaryMiddleware catches the rest.
    if database_unavailable(exc):
        request.app.state.outages.failed(exc, request.url.path)
        return _unavailable_response(request.url.path)
    return _unexpected_response(request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    """The handler family; main.py installs ErrorBoundaryMiddleware with `app.state.outages`."""
    app.state.outages = OutageLog()
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
