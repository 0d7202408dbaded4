"""Schemathesis hooks for `make fuzz`: a real account on the live stack, and its bearer token.

Loaded through SCHEMATHESIS_HOOKS=hooks (tests/fuzz on PYTHONPATH). The account is registered
through the API once per run (a unique email), logged in, and the access token is re-fetched
every two minutes (the stack's tokens live five). Nothing here filters or excludes operations:
every operation and every default check runs.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

import requests
import schemathesis

BASE_URL = os.environ["TASKAPP_STACK_URL"].rstrip("/")
API = f"{BASE_URL}/api/v1"
EMAIL = f"fuzz-{secrets.token_hex(6)}@example.com"
PASSWORD = secrets.token_urlsafe(18)
_registered = False


def _ensure_account() -> None:
    global _registered  # noqa: PLW0603 - one account per process
    if _registered:
        return
    response = requests.post(
        f"{API}/auth/register",
        json={"email": EMAIL, "password": PASSWORD, "full_name": "Fuzz Tester"},
        timeout=30,
    )
    if response.status_code not in (201, 409):
        raise RuntimeError(f"could not register the fuzz account: {response.status_code}")
    _registered = True


@schemathesis.auth(refresh_interval=120, retry_on=[])
class BearerToken:
    """Log in as the fuzz account; every generated request carries its access token."""

    def get(self, case: Any, ctx: Any) -> str:
        _ensure_account()
        response = requests.post(
            f"{API}/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=30
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
