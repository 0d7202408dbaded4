"""Subtasks, one level deep: a task may name a parent that is the owner's and not itself a subtask.

The parent carries `subtask_count` and `subtask_done_count`, kept in the transaction of every
ORM write of a subtask (create, status change, delete: the flush listeners below), so that every
read, a list page included, shows them without counting. The updates are relative
(`count = count + n`), so concurrent writers cannot lose one, and they leave the parent's version
alone: a subtask ticked off in one tab does not fail an edit of the parent in another.

A subtask is in its parent's project: it is made there, it follows its parent to another project,
and moved to another project on its own it becomes a task of its own. PATCH may give a task a
parent (it moves into the parent's project) or take it away (it stays where it is).

Writes that bypass the ORM must not touch subtasks: PATCH's one-statement path on PostgreSQL
hands any status, project or parent change of a parent or a subtask to the ORM path
(tasks/service.py).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value

from taskapp.errors import ProblemError, invalid_field
from taskapp.tasks import inbox
from taskapp.tasks.models import Task, TaskStatus

_PENDING = "taskapp.subtask_counts"  # session.info: {parent_id: (count delta, done delta)}


def _done(status: Any) -> int:
    return int(status is not None and TaskStatus(status) == TaskStatus.DONE)


def _status_before(task: Task) -> Any:
    history = inspect(task).attrs["status"].history
    return history.deleted[0] if history.deleted else task.status


@event.listens_for(Session, "before_flush")
def _count_subtask_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    counts: Counter[uuid.UUID] = session.info.setdefault(_PENDING + ".count", Counter())
    done: Counter[uuid.UUID] = session.info.setdefault(_PENDING + ".done", Counter())
    for task in session.new:
        if isinstance(task, Task) and task.parent_id is not None:
            counts[task.parent_id] += 1
            done[task.parent_id] += _done(task.status)
    for task in session.dirty:
        if not isinstance(task, Task) or not session.is_modified(task):
            continue
        parents = inspect(task).attrs["parent_id"].history
        if parents.deleted and parents.deleted[0] is not None:  # it leaves that parent
            counts[parents.deleted[0]] -= 1
            done[parents.deleted[0]] -= _done(_status_before(task))
        if parents.added and task.parent_id is not None:  # and joins this one
            counts[task.parent_id] += 1
            done[task.parent_id] += _done(task.status)
        elif task.parent_id is not None:
            done[task.parent_id] += _done(task.status) - _done(_status_before(task))
    for task in session.deleted:
        if isinstance(task, Task) and task.parent_id is not None:
            counts[task.parent_id] -= 1
            done[task.parent_id] -= _done(_status_before(task))


_TASKS = cast(Table, Task.__table__)
# Core, so that the parent's version stays (see the module's docstring).
_ADJUST = (
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("parent"))
    .values(
        subtask_count=_TASKS.c.subtask_count + bindparam("d_count"),
        subtask_done_count=_TASKS.c.subtask_done_count + bindparam("d_done"),
    )
)


@event.listens_for(Session, "after_flush")
def _write_subtask_changes(session: Session, _flush: UOWTransaction) -> None:
    counts: Counter[uuid.UUID] = session.info.pop(_PENDING + ".count", Counter())
    done: Counter[uuid.UUID] = session.info.pop(_PENDING + ".done", Counter())
    # In id order: concurrent writers lock the parents' rows in one order.
    changes = sorted((p, counts[p], done[p]) for p in set(counts) | set(done))
    changes = [change for change in changes if change[1] or change[2]]
    if not changes:
        return
    session.connection().execute(
        _ADJUST, [{"parent": p, "d_count": c, "d_done": d} for p, c, d in changes]
    )
    for parent_id, d_count, d_done in changes:
        # A parent this session holds shows the new counts in this request's answer.
        parent = session.identity_map.get(session.identity_key(Task, parent_id))
        if isinstance(parent, Task) and parent not in session.deleted:
            set_committed_value(parent, "subtask_count", parent.subtask_count + d_count)
            set_committed_value(parent, "subtask_done_count", parent.subtask_done_count + d_done)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING + ".count", None)
    session.info.pop(_PENDING + ".done", None)


def _invalid_parent(message: str, field: str = "parent_id") -> ProblemError:
    return invalid_field(f"body.{field}", message, "invalid_parent", detail=f"{field}: {message}.")


def in_parents_project(parent: Task, project_id: uuid.UUID | None) -> uuid.UUID:
    """The project a new subtask of `parent` goes to: the parent's. Another one asked for is
    refused, naming `project_id`, rather than splitting a task from its subtasks."""
    if project_id is not None and project_id != inbox.project_of(parent):
        raise _invalid_parent("a subtask is in its parent's project", "project_id")
    return inbox.project_of(parent)


async def lock_parent(session: AsyncSession, owner_id: uuid.UUID, parent_id: uuid.UUID) -> Task:
    """The would-be parent, locked until the subtask is written; 422 naming `parent_id` when it
    is not the owner's (someone else's task reads as no task) or is a subtask itself."""
    parent = await session.scalar(
        select(Task).where(Task.id == parent_id, Task.owner_id == owner_id).with_for_update()
    )
    if parent is None:
        raise _invalid_parent("no such task")
    if parent.parent_id is not None:
        raise _invalid_parent("is a subtask itself; subtasks have one level")
    return parent


async def before_moving(session: AsyncSession, task: Task, updates: dict[str, Any]) -> list[Task]:
    """A PATCH or move's `updates` to `task` (a loaded row) made to keep every subtask
    in its parent's project; answers the subtasks that follow it to another project, locked, for
    the caller to move in the same transaction.

    - `parent_id` named: the new parent is checked (422 naming the field) and the task goes to
      the parent's project; null keeps its project.
    - another project for a subtask, with no `parent_id`: it becomes a task of its own there.
    - another project for a parent: its subtasks go too."""
    moving = "project_id" in updates and updates["project_id"] != inbox.project_of(task)
    if "parent_id" in updates and updates["parent_id"] != task.parent_id:
        if updates["parent_id"] is None:
            return []
        if updates["parent_id"] == task.id:
            raise _invalid_parent("a task cannot be its own subtask")
        if task.subtask_count:
            raise _invalid_parent("has subtasks of its own; subtasks have one level")
        parent = await lock_parent(session, task.owner_id, updates["parent_id"])
        updates["project_id"] = in_parents_project(parent, updates.get("project_id"))
        return []
    if "parent_id" in updates and task.parent_id is not None and moving:  # the same parent
        raise _invalid_parent("a subtask is in its parent's project", "project_id")
    if not moving:
        return []
    if task.parent_id is not None:
        updates["parent_id"] = None
        return []
    if not task.subtask_count:
        return []
    return list(
        await session.scalars(
            select(Task).where(Task.parent_id == task.id).order_by(Task.id).with_for_update()
        )
    )


def open_subtasks(count: int) -> ProblemError:
    return ProblemError(
        409,
        f"The task has {count} open subtask{'s' if count != 1 else ''}; complete them first, "
        "or ask for them to be completed too (complete_subtasks=true).",
        problem_type="open-subtasks",
        extensions={"open_subtasks": count},
    )


async def before_completing(
    session: AsyncSession, task: Task, status: TaskStatus | None, *, complete_subtasks: bool
) -> list[Task]:
    """Completing a parent with open subtasks: 409, unless asked to complete them too; then they
    are returned marked for completion, in the caller's transaction."""
    if status != TaskStatus.DONE or task.status == TaskStatus.DONE:
        return []
    if task.subtask_count - task.subtask_done_count <= 0:
        return []
    if not complete_subtasks:
        raise open_subtasks(task.subtask_count - task.subtask_done_count)
    return list(
        await session.scalars(
            select(Task)
            .where(Task.parent_id == task.id, Task.status != TaskStatus.DONE)
            .order_by(Task.id)
            .with_for_update()
        )
    )


async def delete_subtasks(session: AsyncSession, parent_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Delete these tasks' subtasks through the ORM, flushed before their parents go, so their
    stats follow (the foreign key's ON DELETE CASCADE is the safety net for other writers)."""
    if not parent_ids:
        return []
    children = list(
        await session.scalars(
            select(Task).where(Task.parent_id.in_(parent_ids)).order_by(Task.id).with_for_update()
        )
    )
    for child in children:
        if child not in session.deleted:
            await session.delete(child)
    await session.flush()
    return [child.id for child in children]
