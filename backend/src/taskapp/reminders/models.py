"""Reminders (the schedule), notifications (what fired) and per-user notification settings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.db import Base, UTCDateTime

# Fired reminders before the due: what the worker's window reads (reminders/service.py).
FIRED_RELATIVE = text("at IS NULL AND fired_at IS NOT NULL")


class Reminder(Base):
    """One reminder of a task for one user: at an instant (`at`) or `before_minutes` before the
    task's due, read when it fires (so it follows the due). `fired_at`: when it last fired (or was
    spent). An `at` reminder fires once; a `before_minutes` one fires once per due: the due it
    fired for is kept (`fired_due_date`, `fired_due_on`, as the task's columns), and when the
    task's due is another (a completed repeating task rolled on, a skip, a postponement) it is
    armed again (ADR 0018)."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_user_task", "user_id", "task_id"),
        # The worker's scan: unfired reminders, absolute ones by time.
        Index("ix_reminders_fired_at", "fired_at", "at"),
        # Its window over fired reminders before the due, in id order (revision 0018).
        Index(
            "ix_reminders_fired_relative",
            "id",
            postgresql_where=FIRED_RELATIVE,
            sqlite_where=FIRED_RELATIVE,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tasks.id", ondelete="CASCADE"))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    before_minutes: Mapped[int | None] = mapped_column(Integer)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tasks.id", ondelete="CASCADE"))
    # The reminder that fired it: unique, the database's own guard against a second one. A
    # reminder before the due that fires again for a new due takes the link over (the earlier
    # notification's becomes null, as when a reminder is deleted).
    reminder_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("reminders.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationSettings(Base):
    __tablename__ = "notification_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Local hour (profile's time zone) of the daily digest mail; null: no digest.
    digest_hour: Mapped[int | None] = mapped_column(Integer)
    # The local day the last digest was claimed for: the digest's exactly-once guard.
    last_digest_on: Mapped[date | None] = mapped_column(Date)
