from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from taskapp.users.schemas import Email


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    # No length rule here: a login must not reveal the password policy; it just fails.
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(
        default=None,
        max_length=4096,
        description="Omit to use the refresh_token cookie set by login/refresh.",
    )


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token kind, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")
