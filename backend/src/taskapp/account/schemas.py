"""account's request bodies: the password that confirms an export or a deletion."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PasswordConfirmation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=1024, description="The account's password")
