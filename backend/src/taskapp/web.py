"""Serves the built web app (TASKAPP_WEB_DIR) at /, with SPA fallback to index.html.

The build writes a `.br` and a `.gz` next to every text file (frontend/vite.config.ts); a request
whose Accept-Encoding allows one gets that file with `Content-Encoding`, so nothing is compressed
per request and a phone downloads ~147 kB instead of ~450 kB on its first visit.
"""

from __future__ import annotations

import mimetypes
import stat
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from taskapp.http.headers import HTML_CSP

# Paths the SPA must never swallow: an unknown API path is a JSON 404, not index.html.
# p/ is a published project's page (projects/public.py): a revoked link must stay a 404.
_SERVER_PREFIXES = ("api/", "p/", "docs", "redoc", "openapi.json", "metrics", "health", "ready")
# Best first: brotli is ~15% smaller than gzip on our bundles.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
_IMMUTABLE = "public, max-age=31536000, immutable"
SERVICE_WORKER = "sw.js"  # the web app's (vite-plugin-pwa), at the root so its scope is the app


def accepted_encodings(accept_encoding: str) -> set[str]:
    """The codings an Accept-Encoding header allows (RFC 9110 12.5.3; `q=0` refuses one)."""
    accepted: set[str] = set()
    refused: set[str] = set()
    for item in accept_encoding.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if not coding:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        (accepted if q > 0 else refused).add(coding)
    if "*" in accepted:
        accepted |= {coding for coding, _ in _ENCODINGS} - refused
    return accepted - refused - {"*"}


class SinglePageApp(StaticFiles):
    def __init__(self, directory: Path, *, csp: str = HTML_CSP) -> None:
        super().__init__(directory=directory, html=True, check_dir=True)
        self.csp = csp

    async def get_response(self, path: str, scope: Scope) -> Response:
        # Dot-folders (dist/.vite/manifest.json: the chunk graph) are build output, not site.
        # (path + "/"): Starlette passes "/p/" as "p".
        server_path = f"{path}/".startswith(_SERVER_PREFIXES)
        if server_path or any(p.startswith(".") for p in Path(path).parts):
            raise HTTPException(404)
        try:
            response = await self._file(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or scope["method"] not in {"GET", "HEAD"}:
                raise
            # A client-side route (e.g. /tasks/board): let the app's router render it.
            response = await self._file("index.html", scope)
            response.headers["Cache-Control"] = "no-cache"
            return response
        if path.startswith("assets/"):
            # Vite puts a content hash in every asset name: cache them for a year.
            response.headers["Cache-Control"] = _IMMUTABLE
        elif response.status_code in {200, 304} and path in {"", ".", "index.html"}:
            response.headers["Cache-Control"] = "no-cache"
        elif path == SERVICE_WORKER:
            # Revalidated, so a new release's worker is found; and it runs under the CSP of its
            # own script: the API's default-src 'none' would refuse its precache fetches.
            response.headers["Cache-Control"] = "no-cache"
            response.headers["Content-Security-Policy"] = self.csp
        return response

    async def _file(self, path: str, scope: Scope) -> Response:
        """The file at `path`, or its best precompressed sibling the client accepts."""
        name = "index.html" if path in {"", "."} else path
        if scope["method"] in {"GET", "HEAD"}:
            siblings = [
                (coding, full, st)
                for coding, suffix in _ENCODINGS
                for full, st in [self.lookup_path(name + suffix)]
                if st is not None and stat.S_ISREG(st.st_mode)
            ]
            if siblings:
                accepted = accepted_encodings(Headers(scope=scope).get("accept-encoding", ""))
                for coding, full, st in siblings:
                    if coding in accepted:
                        response = self.file_response(full, st, scope)
                        response.headers["Vary"] = "Accept-Encoding"
                        if response.status_code == 304:  # no body: no content headers
                            return response
                        # The type of what is inside, as the uncompressed file would be served.
                        media_type, _ = mimetypes.guess_type(name)
                        if media_type and media_type.startswith("text/"):
                            media_type += "; charset=utf-8"
                        response.headers["Content-Type"] = media_type or "application/octet-stream"
                        response.headers["Content-Encoding"] = coding
                        return response
                # Caches must not hand this identity body to a client that accepts brotli.
                response = await super().get_response(path, scope)
                response.headers["Vary"] = "Accept-Encoding"
                return response
        return await super().get_response(path, scope)
