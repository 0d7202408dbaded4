"""Security headers on every response; a strict CSP on HTML pages (Swagger UI excepted)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The web app and any other HTML we serve: our own scripts and styles only.
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# JSON responses are never rendered: forbid everything.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI loads its bundle from a CDN, so /docs keeps FastAPI's page without a CSP.
CSP_EXEMPT = ("/docs",)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                content_type = headers.get("content-type", "")
                # A 304 has no body and no content type: browsers merge its headers into the
                # cached page, so a JSON policy here would blank a revalidated index.html.
                if content_type and not path.startswith(CSP_EXEMPT):
                    is_html = content_type.startswith("text/html")
                    headers.setdefault("Content-Security-Policy", HTML_CSP if is_html else API_CSP)
            await send(message)

        await self.app(scope, receive, add_headers)
