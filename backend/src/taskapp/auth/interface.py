"""What other domains may use of auth: the account row, who is calling, session revocation,
the password check, clearing the refresh cookie (account deletion), and the invitation limits.

Domains import auth only through this module (an import-linter contract in pyproject.toml), so
auth's router, throttle and token handling can change without touching them. auth itself
imports no other domain.
"""

from __future__ import annotations

from taskapp.auth.cookies import clear_refresh_cookie
from taskapp.auth.dependencies import CurrentPrincipal, CurrentUser, client_source
from taskapp.auth.links import check_invitation_quota, count_invitation
from taskapp.auth.models import User
from taskapp.auth.schemas import (
    Email,
    FullName,
    Password,
    UserPublic,
    WeekStart,
    iana_zone,
    refuse_email_as_password,
)
from taskapp.auth.service import (
    AccessContext,
    check_current_password,
    revoke_other_sessions,
    session_alive,
)
from taskapp.auth.wiring import AuthServices, AuthServicesDep

__all__ = [
    "AccessContext",
    "AuthServices",
    "AuthServicesDep",
    "CurrentPrincipal",
    "CurrentUser",
    "Email",
    "FullName",
    "Password",
    "User",
    "UserPublic",
    "WeekStart",
    "check_current_password",
    "check_invitation_quota",
    "clear_refresh_cookie",
    "client_source",
    "count_invitation",
    "iana_zone",
    "refuse_email_as_password",
    "revoke_other_sessions",
    "session_alive",
]
