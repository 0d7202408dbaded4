"""Security headers on every response; a strict CSP on HTML pages (Swagger UI excepted)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def html_csp(upload_origins: Sequence[str] = ()) -> str:
    """The web app's policy: our own scripts and styles only; requests and form posts to our
    origin and to the file store's (the browser uploads attachments straight to S3)."""
    to = " ".join(("'self'", *upload_origins))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self'; connect-src {to}; object-src 'none'; "
        f"base-uri 'self'; form-action {to}; frame-ancestors 'none'"
    )


# The web app and any other HTML we serve, with no file store of another origin.
HTML_CSP = html_csp()
# JSON responses are never rendered: forbid everything.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
API_CSP_BYTES = API_CSP.encode()
# Swagger UI loads its bundle from a CDN, so /docs keeps FastAPI's page without a CSP.
CSP_EXEMPT = ("/docs",)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, csp: str = HTML_CSP) -> None:
        self.app = app
        self.html_csp = csp.encode()
        always = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts:
            always.append((b"strict-transport-security", b"max-age=31536000"))
        self.always = always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw header pairs rather than MutableHeaders: one pass instead of one per header
                # (every response goes through here). A header the app set itself is kept.
                headers = message.setdefault("headers", [])
                if not isinstance(headers, list):
                    headers = message["headers"] = list(headers)
                present = {name.lower(): value for name, value in headers}
                headers.extend(pair for pair in self.always if pair[0] not in present)
                # Not on a 304: browsers merge its headers into the cached page, so a JSON
                # policy here would blank a revalidated index.html. Every other answer gets one,
                # a bodiless 204 without a content type too.
                if (
                    message["status"] != 304
                    and b"content-security-policy" not in present
                    and not path.startswith(CSP_EXEMPT)
                ):
                    is_html = present.get(b"content-type", b"").startswith(b"text/html")
                    headers.append(
                        (b"content-security-policy", self.html_csp if is_html else API_CSP_BYTES)
                    )
            await send(message)

        await self.app(scope, receive, add_headers)
