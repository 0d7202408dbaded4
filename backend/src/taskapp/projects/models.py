"""Projects: every task is in one (tasks.project_id); every user has one Inbox among them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from taskapp.auth.interface import User
from taskapp.db import Base, UTCDateTime, utcnow

INBOX_NAME = "Inbox"


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        # The target of tasks' (owner_id, project_id) foreign key: a task can only be in one of
        # its owner's projects.
        UniqueConstraint("owner_id", "id", name="uq_projects_owner_id_id"),
        # The Inbox's id is its owner's id (tasks/inbox.py), which also makes it the only one.
        CheckConstraint("NOT is_inbox OR id = owner_id", name="inbox_id"),
        Index("ix_projects_owner_created", "owner_id", "created_at", "id"),
        # Public pages look a token up by its SHA-256 (projects/publish.py).
        Index("ix_projects_publish_token_hash", "publish_token_hash", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(16), default="grey")
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    is_inbox: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Set while published: the token (to show its owner the link again) and its hash (to look
    # a visitor's token up without comparing secrets byte by byte).
    publish_token: Mapped[str | None] = mapped_column(String(64))
    publish_token_hash: Mapped[str | None] = mapped_column(String(64))

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


def inbox_for(owner_id: uuid.UUID) -> Project:
    return Project(
        id=owner_id,
        owner_id=owner_id,
        name=INBOX_NAME,
        colour="grey",
        description="",
        archived=False,
        is_inbox=True,
    )


@event.listens_for(Session, "before_flush")
def _inbox_for_new_users(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Every account gets its Inbox in the transaction that creates it, however it is created
    (registration, `taskapp create-user`, `seed-demo`, tests): auth knows nothing of projects."""
    for user in [item for item in session.new if isinstance(item, User)]:
        if user.id is None:
            user.id = uuid.uuid4()
        session.add(inbox_for(user.id))


class ProjectInvitation(Base):
    """A pending invitation to a project: mailed as a single-use link whose token is stored only
    as its SHA-256 (like auth's account tokens); accepted once, by the invited address."""

    __tablename__ = "project_invitations"
    __table_args__ = (
        CheckConstraint("role IN ('editor', 'viewer')", name="role"),
        Index("ix_project_invitations_project", "project_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("projects.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
