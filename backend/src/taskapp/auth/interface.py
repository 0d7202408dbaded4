"""What other domains may use of auth: the account row, who is calling, session revocation.

Domains import auth only through this module (an import-linter contract in pyproject.toml), so
auth's router, throttle and token handling can change without touching them. auth itself
imports no other domain.
"""

from __future__ import annotations

from taskapp.auth.dependencies import CurrentPrincipal, CurrentUser
from taskapp.auth.models import User
from taskapp.auth.schemas import Email, FullName, Password, UserPublic
from taskapp.auth.service import AccessContext, revoke_other_sessions

__all__ = [
    "AccessContext",
    "CurrentPrincipal",
    "CurrentUser",
    "Email",
    "FullName",
    "Password",
    "User",
    "UserPublic",
    "revoke_other_sessions",
]
