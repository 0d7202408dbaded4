from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from taskapp.auth.interface import Email
from taskapp.text import NO_NUL, ShortName, refuse_null

# Names, not values: the web app maps each to its own light and dark shade (with a contrast it
# has checked) instead of drawing whatever a client sends.
Colour = Literal["grey", "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink"]
Description = Annotated[
    str,
    StringConstraints(max_length=20_000, pattern=NO_NUL),
    Field(description="Markdown (rendered sanitized on the published page)"),
]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortName
    colour: Colour = "grey"
    description: Description = ""


class ProjectUpdate(BaseModel):
    """Partial update: only the fields present change; none may be null."""

    model_config = ConfigDict(extra="forbid")

    name: ShortName | SkipJsonSchema[None] = None
    colour: Colour | SkipJsonSchema[None] = None
    description: Description | SkipJsonSchema[None] = None
    archived: bool | SkipJsonSchema[None] = None

    @field_validator("archived", mode="before")
    @classmethod
    def _strict_archived(cls, value: object) -> object:
        # Lax mode would take 0, 1 or "yes" for the boolean the schema states.
        if value is not None and not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value

    _not_null = field_validator("name", "colour", "description", "archived")(refuse_null)


class ProjectPublic(BaseModel):
    id: uuid.UUID
    name: str
    colour: Colour
    description: str
    description_html: str = Field(
        description="The description rendered as sanitized HTML (the published page's renderer)"
    )
    archived: bool
    is_inbox: bool = Field(description="The Inbox cannot be archived or deleted")
    role: Literal["owner", "editor", "viewer"] = Field(
        description="Your role in it: owner of your own projects, editor or viewer of shared ones"
    )
    open_count: int = Field(description="Tasks not done")
    done_count: int
    published_url: str | None = Field(description="The public read-only page, while published")
    created_at: datetime
    updated_at: datetime
    version: int


class ProjectList(BaseModel):
    items: list[ProjectPublic] = Field(
        description="The Inbox first, then your projects by creation, then those shared with you"
    )


class PublishLink(BaseModel):
    url: str = Field(description="Anyone with this link can read the project's page")


class PublicTask(BaseModel):
    title: str
    status: Literal["pending", "in_progress"]
    priority: Literal["low", "medium", "high", "urgent"]
    due_date: datetime | None = Field(description="The due time, or null")
    due_on: date | None = Field(description="The due day, or null (at most one of the two)")
    labels: list[str]


class PublicProject(BaseModel):
    """A published project as anyone with its link sees it: no ids, no account data."""

    name: str
    colour: Colour
    description: str = Field(description="Markdown, as written")
    tasks: list[PublicTask] = Field(description="The open tasks, soonest due first")


# Roles a member can be given; the owner is the project's creator (ADR 0017).
MemberRole = Literal["editor", "viewer"]


class MemberPublic(BaseModel):
    user_id: uuid.UUID
    email: str
    full_name: str | None
    role: Literal["owner", "editor", "viewer"]
    added_at: datetime


class MemberList(BaseModel):
    items: list[MemberPublic]


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: MemberRole


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(description="Only an account with this address can accept")
    role: MemberRole


class InvitationPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    email: str
    role: MemberRole
    created_at: datetime
    expires_at: datetime


class InvitationList(BaseModel):
    items: list[InvitationPublic]


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Membership(BaseModel):
    """What accepting an invitation made of the signed-in user."""

    project_id: uuid.UUID
    role: Literal["owner", "editor", "viewer"]
