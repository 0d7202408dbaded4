"""Account care: export everything the user owns, or delete the account with all of it.

Above the domains (it reads projects, saved views, tasks, comments, reminders and attachments),
below composition: each domain
is read through its own models or interface, and deletion relies on the foreign keys, which
all cascade from users (tasks, completions, projects, views, sessions, link tokens, counts,
idempotency records), on SQLite (PRAGMA foreign_keys=ON) as on PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taskapp import changefeed
from taskapp.attachments.models import Attachment
from taskapp.auth.interface import User, UserPublic
from taskapp.comments.models import Comment
from taskapp.projects.models import Project
from taskapp.reminders.models import NotificationSettings, Reminder
from taskapp.saved_views.models import SavedView
from taskapp.saved_views.schemas import SavedViewPublic
from taskapp.tasks.interface import (
    ProjectMember,
    clear_assignments,
    export_tasks,
    owned_task_ids,
)

EXPORT_FORMAT = "taskapp-export"
EXPORT_VERSION = 1


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


async def _reminders(session: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """The user's own reminders (on their tasks and on shared ones), fired ones too."""
    rows = await session.scalars(
        select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.created_at)
    )
    return [
        {
            "id": str(r.id),
            "task_id": str(r.task_id),
            "at": _at(r.at),
            "before_due_minutes": r.before_minutes,
            "fired_at": _at(r.fired_at),
            "created_at": _at(r.created_at),
        }
        for r in rows
    ]


async def _attachments(session: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """What is known of the files on the user's tasks (the files themselves download through
    the API while the account exists: a JSON document does not carry them)."""
    rows = await session.scalars(
        select(Attachment)
        .where(
            Attachment.owner_id == user_id,
            Attachment.status == "ready",
            Attachment.task_id.is_not(None),
        )
        .order_by(Attachment.created_at, Attachment.id)
    )
    return [
        {
            "id": str(a.id),
            "task_id": str(a.task_id),
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "created_at": _at(a.created_at),
        }
        for a in rows
    ]


async def _comments(session: AsyncSession, user_id: uuid.UUID) -> AsyncIterator[dict[str, Any]]:
    """Comments on the user's tasks (whoever wrote them) and the user's own on shared tasks,
    read as a stream."""
    rows = await session.stream_scalars(
        select(Comment)
        .where(or_(Comment.task_id.in_(owned_task_ids(user_id)), Comment.author_id == user_id))
        .order_by(Comment.created_at, Comment.id)
        .execution_options(yield_per=500)
    )
    async for c in rows:
        yield {
            "id": str(c.id),
            "task_id": str(c.task_id),
            "author_id": str(c.author_id),
            "body": c.body,
            "created_at": _at(c.created_at),
            "edited_at": _at(c.edited_at),
        }


async def export_document(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, now: datetime
) -> AsyncIterator[bytes]:
    """The export as JSON, in chunks: the profile, projects and saved views, then the tasks a
    batch at a time (never all in memory). Its own session: it runs after the endpoint returns."""
    async with session_factory() as session:
        user = await session.get(User, user_id)
        if user is None:  # deleted between the check and the stream
            return
        profile = UserPublic.model_validate(user).model_dump(mode="json")
        projects = [
            {
                "id": str(p.id),
                "name": p.name,
                "colour": p.colour,
                "description": p.description,
                "archived": p.archived,
                "is_inbox": p.is_inbox,
                "published": p.publish_token is not None,
                "created_at": p.created_at.isoformat(),
                "updated_at": p.updated_at.isoformat(),
            }
            for p in await session.scalars(
                select(Project)
                .where(Project.owner_id == user_id)
                .order_by(Project.is_inbox.desc(), Project.created_at, Project.id)
            )
        ]
        views = [
            SavedViewPublic.model_validate(v).model_dump(mode="json")
            for v in await session.scalars(
                select(SavedView)
                .where(SavedView.owner_id == user_id)
                .order_by(SavedView.position, SavedView.id)
            )
        ]
        digest_hour = await session.scalar(
            select(NotificationSettings.digest_hour).where(NotificationSettings.user_id == user_id)
        )
        head = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": now.isoformat(),
            "profile": profile,
            "projects": projects,
            "saved_views": views,
            "notification_settings": {"digest_hour": digest_hour},
            "reminders": await _reminders(session, user_id),
            "attachments": await _attachments(session, user_id),
        }
        # Everything but the closing brace, then "tasks": [ ... ] and "comments": [ ... ]
        # streamed into it.
        yield _json(head)[:-1] + b',"tasks":['
        first = True
        async for batch in export_tasks(session, user_id):
            for task in batch:
                yield (b"" if first else b",") + _json(task)
                first = False
        yield b'],"comments":['
        first = True
        async for comment in _comments(session, user_id):
            yield (b"" if first else b",") + _json(comment)
            first = False
        yield b"]}"


async def delete_account(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Delete the account; the foreign keys take everything it owns with it. First it leaves
    the projects shared with it, as a member who leaves does: its assignments there are cleared
    with their task versions moved and the owners' data versions bumped, so no cached read shows
    it as an assignee (the foreign key alone would clear the column behind the cache's back)."""
    shared = await session.execute(
        select(Project.owner_id, ProjectMember.project_id)
        .join(Project, Project.id == ProjectMember.project_id)
        .where(ProjectMember.user_id == user_id, Project.owner_id != user_id)
        .order_by(Project.owner_id, ProjectMember.project_id)
    )
    for owner_id, project_id in shared.all():
        if await clear_assignments(session, owner_id, project_id, user_id, user_id):
            changefeed.changed(owner_id)
        # Open pages of the team see the member leave (published after the request, ADR 0019).
        changefeed.changed(owner_id, "members")
    await session.execute(delete(User).where(User.id == user_id))
    await session.commit()
