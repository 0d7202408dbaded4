"""auth's request and response bodies: accounts (register, public view), login and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

import email_validator
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from taskapp.auth.passwords import matches_email, weakness
from taskapp.text import STRIPPED, VISIBLE_TEXT, canonical_email, nfkc

# email-validator refuses special-use domains (.local, .test, .localhost, ...) by default, but a
# self-hosted task manager runs on intranets and test rigs where such addresses are real (and
# the OpenAPI `format: email` admits them): accept every syntactically valid address (mail to
# one that cannot be delivered fails in the background, counted, and changes no answer).
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()

# One canonical form per address (NFKC + casefold), stored and looked up: full-width `victim@…`,
# `VICTIM@…` and `victim@…` are one account. NFKC first, so email-validator sees plain letters.
Email = Annotated[
    EmailStr, BeforeValidator(nfkc), Field(max_length=320), AfterValidator(canonical_email)
]


def _not_weak(password: str) -> str:
    reason = weakness(password)
    if reason is not None:
        raise PydanticCustomError("weak_password", reason)
    return password


# Kept as typed: the hasher normalizes (NFC) before hashing, so stored hashes of older,
# unnormalized passwords keep verifying.
Password = Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_not_weak)]


def refuse_email_as_password(password: str, email: str) -> str:
    if matches_email(password, email):
        raise PydanticCustomError(
            "password_is_email", "The password must not be the email address or its local part."
        )
    return password


# The first day of a week in the user's calendar; null: the browser's language decides.
WeekStart = Literal["monday", "saturday", "sunday"]

FullName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, pattern=VISIBLE_TEXT),
    STRIPPED,
]


@cache
def _zone_names() -> frozenset[str]:
    # The IANA names zoneinfo can load (tzdata is a dependency, so the set does not depend on
    # the host's /usr/share/zoneinfo); read once, it scans the database.
    return frozenset(available_timezones())


def iana_zone(name: str | None) -> str:
    """The name, if zoneinfo knows it as an IANA zone; else ValueError (null included)."""
    if name is None:
        raise ValueError("may be omitted but not null")
    if name not in _zone_names():
        raise ValueError("must be an IANA time zone name such as Europe/Berlin or UTC")
    return name


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    full_name: FullName | None = None
    # The web app sends the browser's zone; checked like the profile's (one validator, so an
    # error names body.time_zone). Omitted: UTC.
    time_zone: str | SkipJsonSchema[None] = Field(
        default=None,
        description="IANA time zone name of the new account (default UTC)",
        examples=["Europe/Berlin"],
        json_schema_extra={"maxLength": 64},
    )

    _time_zone = field_validator("time_zone")(iana_zone)

    @field_validator("password")
    @classmethod
    def _not_the_email(cls, password: str, info: ValidationInfo) -> str:
        email = info.data.get("email")  # absent when the email itself was invalid
        return refuse_email_as_password(password, email) if email else password


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str | None
    is_active: bool
    time_zone: str = Field(description="IANA time zone: the user's today, due days and recurrences")
    week_start: WeekStart | None = Field(
        description="The first day of the user's calendar weeks; null: the browser's language"
    )
    email_verified: bool = Field(description="The owner opened the verification link mailed to it")
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a token kind, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")
    user: UserPublic = Field(
        description="The signed-in account, as GET /users/me answers: no second round trip"
    )


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


# A mailed link's token: secrets.token_urlsafe(32) is 43 characters.
LinkToken = Annotated[str, StringConstraints(min_length=16, max_length=128)]


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken
    new_password: Password


class EmailVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: LinkToken


class MailRequested(BaseModel):
    """The same answer whether or not a mail was sent (it must not tell who has an account)."""

    detail: str
