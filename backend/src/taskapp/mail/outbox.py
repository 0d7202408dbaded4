"""Mail that must survive the process: a `mail_outbox` row, written in the transaction of what it
reports and delivered by the worker with retries (docs/adr/0017).

Delivery is at least once: a row is leased by a conditional UPDATE (one worker wins it), sent,
then marked sent. A worker killed between SMTP's acceptance and that mark sends it again after
the lease, with the same Message-ID (derived from the row's id), so the copy is recognisable.
Rows hold nothing secret: mailed links with tokens stay in-process (ADR 0016).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.db import Base, UTCDateTime, utcnow
from taskapp.mail import Mailer

Status = Literal["pending", "sent", "failed"]
Outcome = Literal["ok", "retry", "failed"]
# How long a claimed row is left to its worker before another may try it again.
LEASE = timedelta(minutes=2)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


class OutboxMail(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Deleted with the account (ADR 0016: every table holding an account's data cascades).
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(64))
    to: Mapped[str] = mapped_column(String(320))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def enqueue(
    session: AsyncSession,
    user_id: uuid.UUID,
    template: str,
    to: str,
    context: Mapping[str, Any],
    now: datetime,
) -> None:
    """Add the mail to the caller's transaction: it exists if and only if that commits."""
    session.add(
        OutboxMail(
            user_id=user_id,
            template=template,
            to=to,
            context=dict(context),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    delay: timedelta = FIRST_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


async def deliver_due(
    factory: async_sessionmaker[AsyncSession],
    mailer: Mailer,
    *,
    now: datetime,
    max_attempts: int,
    limit: int = 50,
) -> list[tuple[Outcome, float]]:
    """Send the outbox mail that is due: per row this worker claimed, the outcome and the
    seconds its delivery took."""
    async with factory() as session:
        due = list(
            await session.scalars(
                select(OutboxMail.id)
                .where(OutboxMail.status == "pending", OutboxMail.next_attempt_at <= now)
                .order_by(OutboxMail.next_attempt_at)
                .limit(limit)
            )
        )
    outcomes: list[tuple[Outcome, float]] = []
    for mail_id in due:
        async with factory() as session:
            claimed = (
                await session.execute(
                    update(OutboxMail)
                    .where(
                        OutboxMail.id == mail_id,
                        OutboxMail.status == "pending",
                        OutboxMail.next_attempt_at <= now,
                    )
                    .values(next_attempt_at=now + LEASE, attempts=OutboxMail.attempts + 1)
                    .returning(
                        OutboxMail.template, OutboxMail.to, OutboxMail.context, OutboxMail.attempts
                    )
                )
            ).one_or_none()
            await session.commit()
            if claimed is None:  # another worker leased it first
                continue
            template, to, context, attempts = claimed
            started = time.perf_counter()
            try:
                await mailer.send_now(template, to, context, message_key=mail_id.hex)
            except Exception:  # counted and retried; send_now logged it
                failed = attempts >= max_attempts
                await session.execute(
                    update(OutboxMail)
                    .where(OutboxMail.id == mail_id)
                    .values(
                        status="failed" if failed else "pending",
                        next_attempt_at=utcnow() + backoff(attempts),
                    )
                )
                outcomes.append(("failed" if failed else "retry", time.perf_counter() - started))
            else:
                await session.execute(
                    update(OutboxMail)
                    .where(OutboxMail.id == mail_id)
                    .values(status="sent", sent_at=utcnow())
                )
                outcomes.append(("ok", time.perf_counter() - started))
            await session.commit()
    return outcomes
