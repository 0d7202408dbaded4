"""Reminder and notification rules; the worker's firing and digest claims (docs/adr/0018)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taskapp import changefeed
from taskapp.auth.interface import User
from taskapp.cursors import CursorKind, PageRequest
from taskapp.db import utcnow
from taskapp.errors import ProblemError, invalid_field
from taskapp.mail.outbox import enqueue
from taskapp.reminders.models import Notification, NotificationSettings, Reminder
from taskapp.reminders.schemas import (
    NotificationPage,
    NotificationPublic,
    NotificationSettingsPublic,
    ReminderCreate,
    ReminderPublic,
)
from taskapp.tasks.interface import (
    Role,
    TaskDue,
    due_other_than,
    open_titles_due,
    require_task,
    task_access,
    task_dues,
)

MAX_PER_TASK = 20
PAGE_LIMIT = 100
# An all-day due reminds relative to this local time of its day.
ALL_DAY_AT = time(9, 0)


def due_instant(due: TaskDue, zone: str) -> datetime | None:
    if due.due_date is not None:
        return due.due_date
    if due.due_on is not None:
        return datetime.combine(due.due_on, ALL_DAY_AT, ZoneInfo(zone))
    return None


def fires_at(reminder: Reminder, due: TaskDue | None, zone: str) -> datetime | None:
    if reminder.at is not None:
        return reminder.at
    instant = due_instant(due, zone) if due is not None else None
    if instant is None or reminder.before_minutes is None:
        return None
    return instant - timedelta(minutes=reminder.before_minutes)


def fired_for(reminder: Reminder, due: TaskDue | None) -> bool:
    """Whether the reminder has fired (or been spent) for the task's due as it is now. An `at`
    reminder fires once. One before the due fires once per due: when the task's due is another
    than the one it last fired for (a repeating task rolled on, a skip, a postponement) it is
    armed again (ADR 0018)."""
    if reminder.fired_at is None:
        return False
    if reminder.at is not None or due is None:
        return True
    return (reminder.fired_due_date, reminder.fired_due_on) == (due.due_date, due.due_on)


def too_late_to_rearm(reminder: Reminder, when: datetime) -> bool:
    """Armed again for a new due, but its time for it is not after its last firing (the due was
    brought forward, or a previous release fired it without noting the due): it is spent instead
    of fired, so a reminder never fires twice within one stretch of time before a due."""
    return reminder.fired_at is not None and when <= reminder.fired_at


def time_for_current_due(reminder: Reminder, due: TaskDue | None, zone: str) -> datetime | None:
    """Its time for the task's due as it is now, unless it has fired for that due (or has no due
    to fire for): None then."""
    return None if fired_for(reminder, due) else fires_at(reminder, due, zone)


def next_firing(reminder: Reminder, due: TaskDue | None, zone: str) -> datetime | None:
    """When the reminder fires next; None when it has fired for the task's current due, will
    not fire again for it, or has no due to fire for."""
    when = time_for_current_due(reminder, due, zone)
    return None if when is None or too_late_to_rearm(reminder, when) else when


def _not_found() -> ProblemError:
    return ProblemError(404, "No such reminder.", problem_type="not-found", title="Not found")


async def _zones(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.time_zone).where(User.id.in_(list(user_ids))))
    return {user_id: zone or "UTC" for user_id, zone in rows}


async def _public(session: AsyncSession, reminders: list[Reminder]) -> list[ReminderPublic]:
    dues = await task_dues(session, {r.task_id for r in reminders})
    zones = await _zones(session, {r.user_id for r in reminders})
    shown = []
    for r in reminders:
        due, zone = dues.get(r.task_id), zones.get(r.user_id, "UTC")
        shown.append(
            ReminderPublic(
                id=r.id,
                task_id=r.task_id,
                at=r.at,
                before_due=r.before_minutes,
                fires_at=fires_at(r, due, zone),
                # A reminder armed again for a new due shows as one yet to fire.
                fired_at=None if next_firing(r, due, zone) else r.fired_at,
                created_at=r.created_at,
            )
        )
    return shown


async def add(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID, body: ReminderCreate
) -> ReminderPublic:
    """A reminder for the caller, of a task the caller can read (404 otherwise)."""
    await require_task(session, user_id, task_id, Role.VIEWER)
    count = await session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.user_id == user_id, Reminder.task_id == task_id)
    )
    if (count or 0) >= MAX_PER_TASK:
        raise invalid_field(
            "body",
            "too many reminders",
            "too_many",
            detail=f"A task has at most {MAX_PER_TASK} reminders; delete one first.",
        )
    reminder = Reminder(
        user_id=user_id,
        task_id=task_id,
        at=body.at,
        before_minutes=body.before_due,
        created_at=utcnow(),
    )
    session.add(reminder)
    await session.commit()
    (public,) = await _public(session, [reminder])
    return public


async def for_task(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID
) -> list[ReminderPublic]:
    await require_task(session, user_id, task_id, Role.VIEWER)
    reminders = list(
        await session.scalars(
            select(Reminder)
            .where(Reminder.user_id == user_id, Reminder.task_id == task_id)
            .order_by(Reminder.created_at, Reminder.id)
        )
    )
    return await _public(session, reminders)


async def remove(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID, reminder_id: uuid.UUID
) -> None:
    reminder = await session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user_id or reminder.task_id != task_id:
        raise _not_found()
    await session.delete(reminder)
    await session.commit()


# Signed [user id, created_at, id] of the last notification of a page (ADR 0001).
CURSORS = CursorKind("taskapp.notifications.cursor", "it belongs to another account")


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return count or 0


async def notifications(
    session: AsyncSession, asked: PageRequest, user_id: uuid.UUID
) -> NotificationPage:
    query = select(Notification).where(Notification.user_id == user_id)
    rows, next_cursor = await asked.rows(session, query, user_id.hex)
    return NotificationPage(
        items=[NotificationPublic.model_validate(row, from_attributes=True) for row in rows],
        next_cursor=next_cursor,
        unread_count=await unread_count(session, user_id),
    )


async def mark_read(session: AsyncSession, user_id: uuid.UUID, ids: list[uuid.UUID] | None) -> int:
    """Mark the caller's notifications read (the listed ones, or all); others' ids are ignored."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    await session.execute(query.values(read_at=utcnow()))
    await session.commit()
    return await unread_count(session, user_id)


async def snooze(
    session: AsyncSession, user_id: uuid.UUID, notification_id: uuid.UUID, minutes: int
) -> ReminderPublic:
    """Remind again in `minutes`: a new reminder of the same task; the notification is read."""
    notification = await session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise ProblemError(
            404, "No such notification.", problem_type="not-found", title="Not found"
        )
    await require_task(session, user_id, notification.task_id, Role.VIEWER)  # still readable
    now = utcnow()
    notification.read_at = notification.read_at or now
    reminder = Reminder(
        user_id=user_id,
        task_id=notification.task_id,
        at=now + timedelta(minutes=minutes),
        created_at=now,
    )
    session.add(reminder)
    await session.commit()
    (public,) = await _public(session, [reminder])
    return public


async def get_settings(session: AsyncSession, user_id: uuid.UUID) -> NotificationSettingsPublic:
    row = await session.get(NotificationSettings, user_id)
    return NotificationSettingsPublic(digest_hour=row.digest_hour if row else None)


async def put_settings(
    session: AsyncSession, user_id: uuid.UUID, body: NotificationSettingsPublic
) -> NotificationSettingsPublic:
    row = await session.get(NotificationSettings, user_id)
    if row is None:
        row = NotificationSettings(user_id=user_id)
        session.add(row)
    row.digest_hour = body.digest_hour
    await session.commit()
    return NotificationSettingsPublic(digest_hour=row.digest_hour)


# ---- the worker's side ------------------------------------------------------------------------

# Reminders before the due that have yet to fire are checked against their task's due on every
# tick; at most this many per tick (oldest first), so a backlog is worked through rather than
# read at once.
RELATIVE_SCAN = 2000
# Those that have fired are read this many a tick, in id order, going round: a tick's cost stays
# flat however many there are, and one whose task's due has become another is armed again within
# (their number / REARM_WINDOW) ticks (ADR 0018).
REARM_WINDOW = 5_000


@dataclass(frozen=True, slots=True)
class Due:
    reminder_id: uuid.UUID
    fires_at: datetime


@dataclass(frozen=True, slots=True)
class DueScan:
    due: list[Due]  # soonest first
    rearm_after: uuid.UUID | None  # where the next tick's window of fired reminders starts


async def _rearmed(
    session: AsyncSession, after: uuid.UUID | None
) -> tuple[list[Reminder], uuid.UUID | None]:
    """The window of fired reminders before the due after `after`: those whose task's due is not
    the one they fired for, and where the next window starts (None: back to the first). Only
    those and the window's last row leave the database."""
    window_query = (
        select(Reminder.id, Reminder.task_id, Reminder.fired_due_date, Reminder.fired_due_on)
        .where(Reminder.at.is_(None), Reminder.fired_at.is_not(None))
        .order_by(Reminder.id)
        .limit(REARM_WINDOW)
    )
    if after is not None:
        window_query = window_query.where(Reminder.id > after)
    window = window_query.cte("rearm_window")
    moved = due_other_than(window.c.task_id, window.c.fired_due_date, window.c.fired_due_on)
    last = select(window.c.id).order_by(window.c.id.desc()).limit(1).scalar_subquery()
    size = select(func.count()).select_from(window).scalar_subquery()
    rows = (
        await session.execute(
            select(window.c.id, moved, window.c.id == last, size).where(
                or_(moved, window.c.id == last)
            )
        )
    ).all()
    found = [reminder_id for reminder_id, other_due, _, _ in rows if other_due]
    # A full window's last row: the next window starts after it (else back to the first).
    next_after = next(
        (reminder_id for reminder_id, _, is_last, n in rows if is_last and n == REARM_WINDOW), None
    )
    if not found:
        return [], next_after
    return list(await session.scalars(select(Reminder).where(Reminder.id.in_(found)))), next_after


async def due_reminders(
    session: AsyncSession, now: datetime, limit: int, rearm_after: uuid.UUID | None = None
) -> DueScan:
    """Reminders whose time has come: `at` ones by index; ones before the due that have yet to
    fire, and this tick's window of fired ones (`rearm_after`), by reading their task's due now."""
    due = [
        Due(reminder_id, at)
        for reminder_id, at in await session.execute(
            select(Reminder.id, Reminder.at)
            .where(Reminder.fired_at.is_(None), Reminder.at.is_not(None), Reminder.at <= now)
            .order_by(Reminder.at)
            .limit(limit)
        )
        if at is not None
    ]
    relative = list(
        await session.scalars(
            select(Reminder)
            .where(Reminder.fired_at.is_(None), Reminder.at.is_(None))
            .order_by(Reminder.created_at)
            .limit(RELATIVE_SCAN)
        )
    )
    rearmed, next_window = await _rearmed(session, rearm_after)
    relative += rearmed
    dues = await task_dues(session, {r.task_id for r in relative})
    zones = await _zones(session, {r.user_id for r in relative})
    for reminder in relative:
        when = time_for_current_due(
            reminder, dues.get(reminder.task_id), zones.get(reminder.user_id, "UTC")
        )
        # Time has come, or it is to be spent (see too_late_to_rearm) and so leave the window.
        if when is not None and (when <= now or too_late_to_rearm(reminder, when)):
            due.append(Due(reminder.id, when))
    return DueScan(sorted(due, key=lambda item: item.fires_at)[:limit], next_window)


def _mail_context(user: User, title: str, due: datetime | None, link: str | None) -> dict[str, Any]:
    shown = (
        due.astimezone(ZoneInfo(user.time_zone)).strftime("%Y-%m-%d %H:%M ") + user.time_zone
        if due is not None
        else None
    )
    return {"name": user.full_name, "title": title, "due": shown, "link": link}


async def fire(
    factory: async_sessionmaker[AsyncSession],
    reminder_id: uuid.UUID,
    now: datetime,
    public_url: str | None,
) -> bool:
    """Fire one reminder: in one transaction, claim it (`fired_at` from null), then add its
    notification and its mail. Only the transaction whose claim changed the row does anything;
    True when this call fired it."""
    async with factory() as session:
        # PostgreSQL: skip a row another worker holds instead of waiting for it (SQLite renders
        # no FOR UPDATE; its writers are serialised anyway).
        reminder = await session.scalar(
            select(Reminder).where(Reminder.id == reminder_id).with_for_update(skip_locked=True)
        )
        if reminder is None:
            return False
        user = await session.get(User, reminder.user_id)
        due = (await task_dues(session, [reminder.task_id])).get(reminder.task_id)
        if user is None or due is None:
            return False  # deleted meanwhile; the cascade takes the reminder too
        when = time_for_current_due(reminder, due, user.time_zone)
        too_late = when is not None and too_late_to_rearm(reminder, when)
        if when is None or (when > now and not too_late):
            return False  # fired meanwhile, or the due moved away since the scan
        # The claim: only the transaction that finds `fired_at` as read above changes the row
        # (a concurrent one waits for this one's commit, then matches nothing).
        claimed = await session.execute(
            update(Reminder)
            .where(
                Reminder.id == reminder_id,
                Reminder.fired_at.is_not_distinct_from(reminder.fired_at),
            )
            # Spent as too late: its last firing stays the one it is measured from.
            .values(
                fired_at=reminder.fired_at if too_late else now,
                fired_due_date=due.due_date,
                fired_due_on=due.due_on,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult
            await session.rollback()
            return False
        # A finished task reminds no one, nor does a task the user may no longer read (removed
        # from its project: the notification and mail would carry its title): spent either way.
        if too_late or due.done or await task_access(session, user.id, due.task_id) is None:
            await session.commit()
            return False
        # Fired again for a new due: this notification takes over the link (one per reminder).
        await session.execute(
            update(Notification)
            .where(Notification.reminder_id == reminder_id)
            .values(reminder_id=None)
            .execution_options(synchronize_session=False)
        )
        due_at = due_instant(due, user.time_zone)
        session.add(
            Notification(
                user_id=user.id,
                task_id=due.task_id,
                reminder_id=reminder_id,
                kind="reminder",
                title=due.title,
                due_at=due_at,
                created_at=now,
            )
        )
        link = f"{public_url.rstrip('/')}/tasks/{due.task_id}" if public_url else None
        enqueue(
            session,
            user.id,
            "reminder",
            user.email,
            _mail_context(user, due.title, due_at, link),
            now,
        )
        await session.commit()
        # The bell updates live (published when the worker's unit of work ends, ADR 0019).
        changefeed.changed(user.id, "notification")
        return True


async def claim_digests(
    factory: async_sessionmaker[AsyncSession], now: datetime, limit: int = 200
) -> int:
    """Queue today's digest for every user whose digest hour has come in their zone and who has
    not had today's; the claim (`last_digest_on` moved to today) and the mail commit together."""
    sent = 0
    async with factory() as session:
        candidates = list(
            await session.execute(
                select(NotificationSettings.user_id, User.time_zone)
                .join(User, User.id == NotificationSettings.user_id)
                .where(NotificationSettings.digest_hour.is_not(None))
                .limit(limit)
            )
        )
    for user_id, zone in candidates:
        local = now.astimezone(ZoneInfo(zone))
        today: date = local.date()
        async with factory() as session:
            claimed = await session.execute(
                update(NotificationSettings)
                .where(
                    NotificationSettings.user_id == user_id,
                    NotificationSettings.digest_hour <= local.hour,
                    or_(
                        NotificationSettings.last_digest_on.is_(None),
                        NotificationSettings.last_digest_on < today,
                    ),
                )
                .values(last_digest_on=today)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            user = await session.get(User, user_id)
            if user is None:
                continue
            start = datetime.combine(today, time(0), ZoneInfo(zone))
            titles = await open_titles_due(
                session, user_id, today, start, start + timedelta(days=1)
            )
            enqueue(
                session,
                user_id,
                "digest",
                user.email,
                {"name": user.full_name, "day": today.isoformat(), "titles": titles},
                now,
            )
            await session.commit()
            sent += 1
    return sent
