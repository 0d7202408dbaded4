"""Attachment rows. A row is also its own deletion job (docs/adr/0020): when its task goes (one
delete, bulk, subtasks, the project, the account) the foreign key sets `task_id` to NULL in that
same transaction, and the worker deletes the object and then the row. Nothing talks to S3 inside
a database transaction, and a crash between the two leaves a row that is retried."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.db import Base, UTCDateTime


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'ready')", name="status"),
        CheckConstraint("size > 0", name="size"),
        # A task's files, oldest first.
        Index("ix_attachments_task_created", "task_id", "created_at"),
        # The quota: what an owner's partition holds.
        Index("ix_attachments_owner", "owner_id"),
        # The purge's scan: rows without a task, and pending uploads by age.
        Index("ix_attachments_status_created", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # NULL once the task is gone or the file was deleted: its object is to be purged.
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tasks.id", ondelete="SET NULL")
    )
    # Whose quota it counts in: the task's owner (the project's partition, ADR 0017). NULL once
    # that account is gone (its tasks went with it, so task_id is NULL too).
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    uploader_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The purge's lease and back-off (as the mail outbox's), and how often it has tried.
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purge_attempts: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def key(self) -> str:
        return object_key(self.id)


def object_key(attachment_id: uuid.UUID) -> str:
    return f"attachments/{attachment_id.hex}"
