"""users' request bodies: the signed-in user's profile and password."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from taskapp.auth.interface import FullName, Password


@cache
def _zone_names() -> frozenset[str]:
    # The IANA names zoneinfo can load (the tzdata package is a dependency, so the set does not
    # depend on the host's /usr/share/zoneinfo); read once, it scans the database.
    return frozenset(available_timezones())


def iana_zone(name: str | None) -> str:
    """The name, if zoneinfo knows it as an IANA zone; else ValueError (null included)."""
    if name is None:
        raise ValueError("may be omitted but not null")
    if name not in _zone_names():
        raise ValueError("must be an IANA time zone name such as Europe/Berlin or UTC")
    return name


class UserUpdate(BaseModel):
    """Partial update: only the fields present are changed."""

    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = Field(default=None, description="New display name; null clears it")
    # Checked against the IANA names in one validator (a constrained type in the union would
    # put the union member's name into the error's location).
    time_zone: str | SkipJsonSchema[None] = Field(
        default=None,
        description="IANA time zone name; Today and due days follow it",
        examples=["Europe/Berlin"],
        json_schema_extra={"maxLength": 64},
    )

    _time_zone = field_validator("time_zone")(iana_zone)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Password
