"""Assignees (issue 19): who may be assigned a task, assignments that end with a membership, and
"assigned to me".

A task may be assigned to its owner (the project's owner: tasks.owner_id, ADR 0017) or to an
editor of its shared project; an Inbox task only to its owner. Viewers are not offered: they
cannot write the task, so they could not complete what they were given (docs/api.md). Any other
user id, an existing account or not, is the same 422 naming the field, so that assigning cannot
probe who is a member or who has an account.

"Assigned to me" crosses owners' partitions (the caller's own tasks and those of every project
they are still a member of), so it cannot be read from one owner's cached, version-keyed entries:
it is read uncached from ix_tasks_assignee_open_created, joined to the current membership, so a
removed member's old assignments never show (they are also cleared when the member goes)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy import column, exists, literal_column, or_, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.cursors import CursorKind, PageRequest
from taskapp.db import utcnow
from taskapp.tasks import history
from taskapp.tasks.models import Task, bump_owner
from taskapp.tasks.schemas import TaskPage, TaskPublic
from taskapp.tasks.sharing import ProjectMember, Role

# Roles that may be assigned a task of a shared project (the owner always may).
ASSIGNABLE = frozenset({Role.OWNER.value, Role.EDITOR.value})
PAGE_LIMIT = 200

_projects = table("projects", column("id"), column("owner_id"))


def as_uuid(value: Any) -> uuid.UUID | None:
    """A row's assignee as uuid.UUID (the driver path returns text or its own UUID type)."""
    return None if value is None else uuid.UUID(str(value))


def on_project_change(task: Task) -> None:
    """A task moved to another project keeps its assignee only if that is its owner (who may be
    assigned anywhere in their partition); a member of the old project may not belong to the
    new one. A request that sets assignee_id together with project_id chooses for itself."""
    if task.assignee_id is not None and task.assignee_id != task.owner_id:
        task.assignee_id = None


def unknown_assignee_error(
    assignee_id: object, loc: tuple[str | int, ...] = ("body", "assignee_id")
) -> RequestValidationError:
    """One 422 for a missing account, a stranger and a viewer alike: nothing is revealed."""
    return RequestValidationError(
        [
            {
                "type": "unknown_assignee",
                "loc": loc,
                "msg": "is not the owner or an editor of the task's project",
                "input": str(assignee_id),
            }
        ]
    )


async def may_be_assigned(
    session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID, assignee_id: uuid.UUID
) -> bool:
    """Whether `assignee_id` may be assigned a task of `owner_id`'s project `project_id` (as the
    API shows it: the Inbox's id is the owner's id)."""
    if assignee_id == owner_id:
        return True
    if project_id == owner_id:  # the Inbox is never shared
        return False
    role = await session.scalar(
        select(ProjectMember.role)
        .join(_projects, _projects.c.id == ProjectMember.project_id)
        .where(
            ProjectMember.project_id == project_id,
            ProjectMember.user_id == assignee_id,
            _projects.c.owner_id == owner_id,
        )
    )
    return role in ASSIGNABLE


async def check(
    session: AsyncSession,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    assignee_id: uuid.UUID | None,
    loc: tuple[str | int, ...] = ("body", "assignee_id"),
) -> None:
    """422 naming the field unless the assignee may be assigned (None: unassigned, allowed)."""
    if assignee_id is not None and not await may_be_assigned(
        session, owner_id, project_id, assignee_id
    ):
        raise unknown_assignee_error(assignee_id, loc)


async def clear(
    session: AsyncSession,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    user_id: uuid.UUID,
    actor_id: uuid.UUID,
) -> int:
    """Unassign `user_id` from every task of the project (they leave it, are removed, or become
    a viewer), in the caller's transaction, which commits it. Each task's version moves and its
    history records who did it; the owner's data version is bumped after the task rows (the
    writers' lock order), so every cached read of those tasks misses. Returns how many."""
    history.acting_as(session, actor_id)
    tasks = list(
        await session.scalars(
            select(Task)
            .where(
                Task.owner_id == owner_id,
                Task.project_id == project_id,
                Task.assignee_id == user_id,
            )
            .order_by(Task.id)
            .with_for_update()
        )
    )
    if not tasks:
        return 0
    now = utcnow()
    for task in tasks:
        task.assignee_id = None
        task.updated_at = now
    await session.flush()
    await bump_owner(session, owner_id, now)
    return len(tasks)


# Signed cursors of "assigned to me": [user, created_at, id] of the last task shown.
CURSORS = CursorKind("taskapp.tasks.assigned.cursor", "it belongs to another user's list")


# Literals, not parameters: they must match the partial index's predicate (migration 0014).
_OPEN = literal_column("tasks.status") != literal_column("'done'")


async def assigned_to(session: AsyncSession, asked: PageRequest, user_id: uuid.UUID) -> TaskPage:
    """One page of the user's open assigned tasks, newest first, from their own partition and
    from every project they are a member of now."""
    scope = f"assigned:{user_id}"
    member_now = exists(
        select(1).where(
            ProjectMember.project_id == Task.project_id, ProjectMember.user_id == user_id
        )
    )
    query = select(Task).where(
        Task.assignee_id == user_id,
        Task.assignee_id.is_not(None),
        _OPEN,
        or_(Task.owner_id == user_id, member_now),
    )
    rows, next_cursor = await asked.rows(session, query, scope)
    return TaskPage(items=[TaskPublic.model_validate(row) for row in rows], next_cursor=next_cursor)
