"""CORS (Starlette's middleware) whose refusals are problem+json like every other error."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from taskapp.errors import problem_response


class ProblemCORSMiddleware(CORSMiddleware):
    """A refused preflight is a 400 application/problem+json (Starlette answers text/plain);
    everything else is Starlette's CORS handling unchanged."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                response = self.preflight_response(request_headers=headers)
                if response.status_code == 400:
                    # Starlette's text names what failed: "Disallowed CORS origin, method".
                    refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
                    kept = {
                        name: value
                        for name, value in response.headers.items()
                        if name not in {"content-type", "content-length"}
                    }
                    response = problem_response(
                        scope["path"],
                        400,
                        f"Cross-origin request refused: {refused} not allowed.",
                        problem_type="urn:taskapp:problem:cors-refused",
                        headers=kept,
                    )
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
