"""Serves the built web app (TASKAPP_WEB_DIR) at /, with SPA fallback to index.html."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Paths the SPA must never swallow: an unknown API path is a JSON 404, not index.html.
_SERVER_PREFIXES = ("api/", "docs", "redoc", "openapi.json", "metrics", "health", "ready")


class SinglePageApp(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=True, check_dir=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.startswith(_SERVER_PREFIXES):
            raise HTTPException(404)
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or scope["method"] not in {"GET", "HEAD"}:
                raise
            # A client-side route (e.g. /tasks/board): let the app's router render it.
            response = await super().get_response("index.html", scope)
            response.headers["Cache-Control"] = "no-cache"
            return response
        if path.startswith("assets/"):
            # Vite puts a content hash in every asset name: cache them for a year.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif response.status_code == 200 and path in {"", ".", "index.html"}:
            response.headers["Cache-Control"] = "no-cache"
        return response
