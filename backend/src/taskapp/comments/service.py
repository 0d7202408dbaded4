"""Comments: read by every member of the task's project, written by its owner and editors,
edited and deleted by their author only while they may still write there; a task or comment the
user cannot reach is "not found", never "forbidden" (a viewer's write is: ADR 0017)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp import changefeed
from taskapp.comments.models import Comment
from taskapp.comments.schemas import CommentPage, CommentPublic
from taskapp.cursors import CursorKind, PageRequest
from taskapp.db import one_or_404, utcnow
from taskapp.errors import ProblemError, not_found
from taskapp.markdown import markdown_html
from taskapp.tasks.interface import Role, record_comment, require_task

PAGE_LIMIT = 200


def public(comment: Comment) -> CommentPublic:
    return CommentPublic(
        id=comment.id,
        task_id=comment.task_id,
        author_id=comment.author_id,
        body=comment.body,
        body_html=str(markdown_html(comment.body)),
        created_at=comment.created_at,
        edited_at=comment.edited_at,
    )


async def add(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID, body: str
) -> CommentPublic:
    access = await require_task(session, user_id, task_id, Role.EDITOR)
    changefeed.changed(access.owner_id, "comments")  # published after the request (ADR 0019)
    # The "commented" history event is written in the comment's transaction.
    await record_comment(session, access.owner_id, task_id, user_id)
    comment = Comment(
        id=uuid.uuid4(), task_id=task_id, author_id=user_id, body=body, created_at=utcnow()
    )
    session.add(comment)
    await session.commit()
    return public(comment)


async def _own(session: AsyncSession, user_id: uuid.UUID, comment_id: uuid.UUID) -> Comment:
    query = select(Comment).where(Comment.id == comment_id, Comment.author_id == user_id)
    comment = await one_or_404(session, query, "comment")
    # Only while the author may still write in the task's project (a removed member: 404).
    try:
        access = await require_task(session, user_id, comment.task_id, Role.EDITOR)
    except ProblemError as exc:
        raise not_found("comment") if exc.status == 404 else exc from None
    changefeed.changed(access.owner_id, "comments")  # the caller edits or removes it
    return comment


async def edit(
    session: AsyncSession, user_id: uuid.UUID, comment_id: uuid.UUID, body: str
) -> CommentPublic:
    comment = await _own(session, user_id, comment_id)
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()
        await session.commit()
    return public(comment)


async def remove(session: AsyncSession, user_id: uuid.UUID, comment_id: uuid.UUID) -> None:
    await session.delete(await _own(session, user_id, comment_id))
    await session.commit()


# Signed [task id, created_at, id] of the last comment of a page (ADR 0001).
CURSORS = CursorKind("taskapp.comments.cursor", "it belongs to another task's comments")


async def thread(
    session: AsyncSession, asked: PageRequest, user_id: uuid.UUID, task_id: uuid.UUID
) -> CommentPage:
    await require_task(session, user_id, task_id, Role.VIEWER)
    query = select(Comment).where(Comment.task_id == task_id)
    # A thread reads from its first comment.
    rows, next_cursor = await asked.rows(session, query, task_id.hex, newest_first=False)
    return CommentPage(items=[public(row) for row in rows], next_cursor=next_cursor)
