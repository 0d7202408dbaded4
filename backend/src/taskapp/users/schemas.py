"""users' request bodies: the signed-in user's profile and password."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from taskapp.auth.interface import FullName, Password


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = Field(description="New display name; null clears it")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Password
