from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from taskapp.tasks.interface import UTCDatetime


def _json_integer(value: object) -> object:
    if isinstance(value, (str, bool)):
        raise ValueError("Input should be a whole number, not a string or a boolean")  # noqa: TRY004 - pydantic turns only ValueError into a 422
    return value


# JSON Schema's integer within bounds: 8 and 8.0 (an integral number) are both 8; "8", true and 8.5
# are refused, not read as 8 (pydantic's StrictInt also refused 8.0, which the schema allows). The
# bounds come before the validator, or OpenAPI shows them as unknown `ge`/`le` keys.
_JSON_INT = BeforeValidator(_json_integer)

MAX_BEFORE_MINUTES = 4 * 7 * 24 * 60  # four weeks
MAX_SNOOZE_MINUTES = 7 * 24 * 60
BeforeDueMinutes = Annotated[int, Field(ge=0, le=MAX_BEFORE_MINUTES), _JSON_INT]
SnoozeMinutes = Annotated[int, Field(ge=1, le=MAX_SNOOZE_MINUTES), _JSON_INT]
DigestHour = Annotated[int, Field(ge=0, le=23), _JSON_INT]


class ReminderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: UTCDatetime | None = Field(
        default=None, description="Fire at this instant (RFC 3339 with an offset)"
    )
    # Strict numbers and booleans: "8" or 8.5 or "yes" are refused, not read as 8 or true.
    before_due: BeforeDueMinutes | None = Field(
        default=None,
        description="Fire this many minutes before the task's due (an all-day due counts from"
        " 09:00 in your time zone); follows the due when it moves",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.at is None) == (self.before_due is None):
            raise ValueError("give exactly one of `at` and `before_due`")
        return self


class ReminderPublic(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    at: datetime | None
    before_due: int | None
    fires_at: datetime | None = Field(
        description="When it fires given the task's due now; null: the task has no due"
    )
    fired_at: datetime | None = Field(
        description="When it fired for the task's due as it is now; null: yet to fire for it (a "
        "reminder before the due is armed again when the due becomes another)"
    )
    created_at: datetime


class NotificationPublic(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="`reminder`")
    task_id: uuid.UUID
    title: str = Field(description="The task's title when it fired")
    due_at: datetime | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationPublic] = Field(description="Newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page")
    unread_count: int


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[uuid.UUID], Field(max_length=500)] | None = None
    all: StrictBool = False

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.ids is None) == (not self.all):
            raise ValueError("give either `ids` or `all: true`")
        return self


class UnreadCount(BaseModel):
    unread_count: int


class Snooze(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: SnoozeMinutes


class NotificationSettingsPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digest_hour: DigestHour | None = Field(
        default=None,
        description="Hour (in your profile's time zone) of the daily digest mail of the tasks"
        " due that day; null: no digest",
    )
