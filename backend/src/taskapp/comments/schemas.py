from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskapp.text import STRIPPED, VISIBLE_TEXT

MAX_BODY = 10_000

Body = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_BODY, pattern=VISIBLE_TEXT),
    STRIPPED,
    Field(description="Markdown (CommonMark + tables); raw HTML is shown as text"),
]


class CommentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body


class CommentPublic(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    author_id: uuid.UUID
    body: str = Field(description="The Markdown as written")
    body_html: str = Field(
        description="The Markdown rendered on the server and sanitized: no script, no images,"
        " no event handlers; links only http, https or mailto, with rel=nofollow"
    )
    created_at: datetime
    edited_at: datetime | None = Field(description="When the body last changed; null: never")


class CommentPage(BaseModel):
    items: list[CommentPublic] = Field(description="Oldest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (newer) page")
