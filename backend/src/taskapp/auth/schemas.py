"""auth's request and response bodies: accounts (register, public view), login and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import email_validator
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from taskapp.text import VISIBLE_TEXT

# email-validator refuses special-use domains (.local, .test, .localhost, ...) by default, but a
# self-hosted task manager runs on intranets and test rigs where such addresses are real (and
# the OpenAPI `format: email` admits them). taskapp sends no mail: accept every syntactically
# valid address.
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()

# Emails are compared case-insensitively: store and look them up in lower case.
Email = Annotated[EmailStr, Field(max_length=320), AfterValidator(lambda value: value.lower())]
Password = Annotated[str, Field(min_length=8, max_length=128)]
FullName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=VISIBLE_TEXT),
]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    full_name: FullName | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str | None
    is_active: bool
    created_at: datetime


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
