"""HTTP in, HTTP out: reminders of tasks, notifications, notification settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.auth.interface import CurrentPrincipal
from taskapp.cursors import PageRequest, page_request
from taskapp.deps import SessionDep
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.reminders import service
from taskapp.reminders.schemas import (
    MarkRead,
    NotificationPage,
    NotificationSettingsPublic,
    ReminderCreate,
    ReminderPublic,
    Snooze,
    UnreadCount,
)

router = APIRouter(prefix=API_PREFIX, tags=["notifications"], responses=problem_responses(401))


@router.post(
    "/tasks/{task_id}/reminders",
    status_code=status.HTTP_201_CREATED,
    response_model=ReminderPublic,
    responses=problem_responses(404, 422),
)
async def add_reminder(
    task_id: uuid.UUID, body: ReminderCreate, user: CurrentPrincipal, session: SessionDep
) -> ReminderPublic:
    """A reminder for you, at `at` or `before_due` minutes before the task's due."""
    return await service.add(session, user.user_id, task_id, body)


@router.get(
    "/tasks/{task_id}/reminders",
    response_model=list[ReminderPublic],
    responses=problem_responses(404, 422),
)
async def list_reminders(
    task_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> list[ReminderPublic]:
    """Your reminders of the task, oldest first (fired ones included)."""
    return await service.for_task(session, user.user_id, task_id)


@router.delete(
    "/tasks/{task_id}/reminders/{reminder_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 422),
)
async def delete_reminder(
    task_id: uuid.UUID, reminder_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> None:
    await service.remove(session, user.user_id, task_id, reminder_id)


@router.get("/notifications", response_model=NotificationPage, responses=problem_responses(422))
async def list_notifications(
    user: CurrentPrincipal,
    session: SessionDep,
    asked: Annotated[PageRequest, Depends(page_request(service.CURSORS, service.PAGE_LIMIT))],
) -> NotificationPage:
    return await service.notifications(session, asked, user.user_id)


@router.post("/notifications/read", response_model=UnreadCount, responses=problem_responses(422))
async def mark_read(body: MarkRead, user: CurrentPrincipal, session: SessionDep) -> UnreadCount:
    """Mark the listed notifications (or all) read; answers the unread count left."""
    count = await service.mark_read(session, user.user_id, None if body.all else body.ids)
    return UnreadCount(unread_count=count)


@router.post(
    "/notifications/{notification_id}/snooze",
    status_code=status.HTTP_201_CREATED,
    response_model=ReminderPublic,
    responses=problem_responses(404, 422),
)
async def snooze(
    notification_id: uuid.UUID, body: Snooze, user: CurrentPrincipal, session: SessionDep
) -> ReminderPublic:
    """Remind again in `minutes`: answers the new reminder; the notification becomes read."""
    return await service.snooze(session, user.user_id, notification_id, body.minutes)


@router.get("/notifications/settings", response_model=NotificationSettingsPublic)
async def get_settings(user: CurrentPrincipal, session: SessionDep) -> NotificationSettingsPublic:
    return await service.get_settings(session, user.user_id)


@router.put(
    "/notifications/settings",
    response_model=NotificationSettingsPublic,
    responses=problem_responses(422),
)
async def put_settings(
    body: NotificationSettingsPublic, user: CurrentPrincipal, session: SessionDep
) -> NotificationSettingsPublic:
    """The daily digest's hour (in your profile's time zone), or null for none."""
    return await service.put_settings(session, user.user_id, body)
