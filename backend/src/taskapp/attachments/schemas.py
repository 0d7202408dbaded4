from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskapp.text import VISIBLE_TEXT

# RFC 9110 section 8.3.1: type "/" subtype, both tokens, then any parameters.
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
MEDIA_TYPE = rf"^{_TCHARS}/{_TCHARS}(?:[ \t]*;[ -~]*)?$"


class AttachmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Annotated[
        str,
        StringConstraints(min_length=1, max_length=1024, pattern=VISIBLE_TEXT),
        Field(description="The file's name; stored as its base name, sanitized"),
    ]
    content_type: Annotated[
        str,
        # No stripping before the length check: the document must say exactly what is accepted
        # (schemathesis found " x\n" allowed by the schema and refused by a stripped min_length).
        StringConstraints(min_length=3, max_length=255, pattern=MEDIA_TYPE),
        Field(
            description="Its MIME type, `type/subtype` with optional parameters (dropped, as is"
            " case: `Text/Plain; charset=utf-8` is stored as `text/plain`)"
        ),
    ]
    size: Annotated[int, Field(ge=1, description="Its exact size in bytes")]


class AttachmentPublic(BaseModel):
    id: uuid.UUID
    task_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    status: Literal["pending", "ready"] = Field(
        description="pending: created, not yet uploaded and completed; ready: listed and"
        " downloadable"
    )
    uploaded_by: uuid.UUID | None = Field(description="null once that account is deleted")
    created_at: datetime
    completed_at: datetime | None


class UploadForm(BaseModel):
    url: str = Field(
        description="POST a multipart/form-data form here: `fields` first, then the file as"
        " `file`. Absolute (S3) or relative to the API's origin (the local store)"
    )
    fields: dict[str, str]
    expires_at: datetime


class AttachmentUpload(BaseModel):
    attachment: AttachmentPublic
    upload: UploadForm


class AttachmentList(BaseModel):
    items: list[AttachmentPublic] = Field(description="Ready files, oldest first")
    used_bytes: int = Field(description="What the task owner's files take of the quota")
    quota_bytes: int


class DownloadLink(BaseModel):
    url: str = Field(
        description="Follow it at once: it expires at expires_at. Absolute (S3) or relative to"
        " the API's origin (the local store)"
    )
    expires_at: datetime
