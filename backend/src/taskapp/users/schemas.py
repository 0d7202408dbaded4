"""users' request bodies: the signed-in user's profile and password."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from taskapp.auth.interface import FullName, Password, WeekStart, iana_zone


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

    week_start: WeekStart | None = Field(
        default=None,
        description="First day of the calendar's weeks; null: the browser's language decides",
    )

    _time_zone = field_validator("time_zone")(iana_zone)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Password
