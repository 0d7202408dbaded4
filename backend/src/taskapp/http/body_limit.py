"""Request-size limit: 413 before the body is read into memory (ADR 0003)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.errors import problem_response


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than the {limit} bytes allowed."


class RequestTooLargeError(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


class BodySizeLimitMiddleware:
    """Refuses bodies over `max_bytes`: by Content-Length up front, or while streaming (chunked)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, *, path_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        # Exact paths allowed a larger body (the local file store's upload form).
        self.path_limits = path_limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.path_limits.get(scope["path"], self.default_max_bytes)
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_bytes):
            # Answered here, before any body is read; the connection closes so the client's
            # unread body cannot be taken for the next request.
            response = problem_response(
                scope.get("path"),
                413,
                too_large_detail(max_bytes),
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    # FastAPI re-raises HTTPExceptions from body reading; errors.py renders it.
                    raise RequestTooLargeError(max_bytes)
            return message

        await self.app(scope, limited_receive, send)
