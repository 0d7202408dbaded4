from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from taskapp.tasks.interface import parse_list_query
from taskapp.text import STRIPPED, ShortName, refuse_null

Query = Annotated[
    str,
    StringConstraints(max_length=2000),
    STRIPPED,
    Field(
        description="The GET /tasks query string, e.g. `status=pending&label=home&sort=due_date`"
        " (without `cursor`); validated by the list's own parser"
    ),
]
Position = Annotated[int, Field(ge=0, le=1_000_000)]


def _strict_position(value: object) -> object:
    # Lax mode would take false or 1.0 for the integer the schema states.
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError("must be a whole number")
    return value


def _list_accepts(value: str) -> str:
    text = value.removeprefix("?")
    try:
        parsed = parse_list_query(text)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'query'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise ValueError(f"the task list refuses this query ({reasons})") from None
    if parsed.cursor is not None:
        raise ValueError("a view holds filters and a sort, not a page cursor")
    return text


class SavedViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortName
    query: Query = ""
    position: Position | None = Field(default=None, description="Default: after the others")

    _query = field_validator("query")(_list_accepts)

    _position = field_validator("position", mode="before")(_strict_position)


class SavedViewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortName | SkipJsonSchema[None] = None
    query: Query | SkipJsonSchema[None] = None
    position: Position | SkipJsonSchema[None] = None

    _not_null = field_validator("name", "query", "position")(refuse_null)

    @field_validator("query")
    @classmethod
    def _query(cls, value: str) -> str:
        return _list_accepts(value)

    _position = field_validator("position", mode="before")(_strict_position)


class SavedViewPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    query: str
    position: int
    created_at: datetime
    updated_at: datetime


class SavedViewList(BaseModel):
    items: list[SavedViewPublic] = Field(description="By position")
