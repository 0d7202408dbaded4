"""Comments on tasks: Markdown from the author, shown as sanitized HTML (taskapp/markdown.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.db import Base, UTCDateTime


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # A task's thread, oldest first, keyset-paginated by (created_at, id).
        Index("ix_comments_task_created", "task_id", "created_at", "id"),
        Index("ix_comments_author", "author_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Deleted with their task, however the task goes (one delete, bulk, its project's deletion).
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
