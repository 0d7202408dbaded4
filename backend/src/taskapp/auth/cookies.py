"""The refresh token's cookie: set by login/refresh, cleared by logout and account deletion."""

from __future__ import annotations

from fastapi import Response

from taskapp.openapi import API_PREFIX
from taskapp.settings import Settings

REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = f"{API_PREFIX}/auth"


def clear_refresh_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        REFRESH_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
    )
