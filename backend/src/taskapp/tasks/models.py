from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from taskapp.db import Base, UTCDateTime, utcnow


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.URGENT: 4}
_PRIORITY_BY_RANK = {rank: priority for priority, rank in _PRIORITY_RANK.items()}
_PRIORITY_NAMES: dict[int | str, str] = {
    **{rank: priority.value for rank, priority in _PRIORITY_BY_RANK.items()},
    **{priority.value: priority.value for priority in Priority},
}


def priority_name(value: int | str) -> str:
    """The name ("high") of a stored rank (3) or of a Priority: untyped rows carry the rank."""
    return _PRIORITY_NAMES[value]


class PriorityType(TypeDecorator[Priority]):
    """Stored as its rank (1..4): `ORDER BY priority` is low < medium < high < urgent, indexed."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: Priority | str | None, dialect: Dialect) -> int | None:
        return None if value is None else Priority(value).rank

    def process_result_value(self, value: int | None, dialect: Dialect) -> Priority | None:
        return None if value is None else _PRIORITY_BY_RANK[value]


# PostgreSQL: a text[] with a GIN index for label filters (`labels @> ARRAY[...]`); SQLite: JSON.
LabelsType = JSON().with_variant(postgresql.ARRAY(String(50)), "postgresql")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # Keyset pagination: one index per sort key, scoped to the owner, with id as tie-breaker.
        Index("ix_tasks_owner_created", "owner_id", "created_at", "id"),
        Index("ix_tasks_owner_updated", "owner_id", "updated_at", "id"),
        Index("ix_tasks_owner_due", "owner_id", "due_date", "id"),
        Index("ix_tasks_owner_priority", "owner_id", "priority", "id"),
        Index("ix_tasks_owner_title", "owner_id", "title", "id"),
        # GIN on PostgreSQL (label filters); SQLite gets a plain index it will rarely use.
        Index("ix_tasks_labels", "labels", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TaskStatus] = mapped_column(
        Enum(
            TaskStatus,
            name="task_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda enum_cls: [member.value for member in enum_cls],
        ),
        default=TaskStatus.PENDING,
    )
    priority: Mapped[Priority] = mapped_column(PriorityType, default=Priority.MEDIUM)
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    labels: Mapped[list[str]] = mapped_column(LabelsType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Optimistic locking: every UPDATE checks the version it read, so concurrent writers cannot
    # silently overwrite each other (the loser gets StaleDataError -> 412).
    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class IdempotencyRecord(Base):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (Index("uq_idempotency_owner_key", "owner_id", "key", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
