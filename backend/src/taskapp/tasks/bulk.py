"""POST /tasks/bulk: patches and deletions of many tasks in one transaction, all or nothing.

Every operation names the version it was decided on. The tasks are read locked (in id order, so
two bulk requests cannot deadlock on each other; the owner's row after them, as in every write),
then checked all together: a task that is not the caller's fails the whole request with 404, a
stale version with 412, each listing every offending id, before anything is written. Patches go
through PATCH's own rules (service.apply_patch); task_counts and the owner's data version
follow in the same transaction, as for single writes. Completing a parent with open subtasks
is 409 unless `complete_subtasks` is set; a deleted parent's subtasks are deleted (and listed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from taskapp.db import utcnow
from taskapp.errors import ProblemError
from taskapp.tasks import assignees, history, inbox, service, subtasks
from taskapp.tasks.models import Task, TaskStatus, defer_count_changes
from taskapp.tasks.schemas import BulkDelete, BulkPatch, TaskBulk


@dataclass(frozen=True, slots=True)
class BulkResult:
    tasks: list[Task]
    deleted: list[uuid.UUID]


def _missing(ids: list[uuid.UUID]) -> ProblemError:
    listed = [str(task_id) for task_id in ids]
    return ProblemError(
        404,
        f"{len(ids)} of the tasks do not exist; nothing was changed: {', '.join(listed)}.",
        problem_type="not-found",
        extensions={"missing_ids": listed},
    )


def _stale(tasks: list[Task]) -> ProblemError:
    listed = [str(task.id) for task in tasks]
    return ProblemError(
        412,
        f"{len(tasks)} of the tasks have changed since you read them; nothing was changed: "
        f"{', '.join(listed)}. Fetch them again and reapply your change.",
        problem_type="precondition-failed",
        extensions={
            "stale_ids": listed,
            "current_versions": {str(task.id): task.version for task in tasks},
        },
    )


async def _check_assignees(
    session: AsyncSession, owner_id: uuid.UUID, bulk: TaskBulk, found: dict[uuid.UUID, Task]
) -> None:
    """As PATCH: an assignee must be the owner or an editor of the project the task will be
    in (tasks/assignees.py); else 422 naming the operation's field, nothing applied."""
    for index, operation in enumerate(bulk.operations):
        if isinstance(operation, BulkPatch) and operation.patch.assignee_id is not None:
            task = found[operation.id]
            project = operation.patch.project_id or task.project_id or owner_id
            loc = ("body", "operations", index, "patch", "assignee_id")
            await assignees.check(session, owner_id, project, operation.patch.assignee_id, loc)


async def apply(
    session: AsyncSession, owner_id: uuid.UUID, bulk: TaskBulk, time_zone: str = "UTC"
) -> BulkResult:
    history.acting_as(session, owner_id)
    # A project that is not the caller's is refused by the foreign key: a 422, nothing applied.
    projects = sorted(
        {str(op.patch.project_id) for op in bulk.operations if isinstance(op, BulkPatch)} - {"None"}
    )
    async with inbox.refusing_unknown_projects(
        session, ", ".join(projects) or None, ("body", "operations")
    ):
        return await _apply(session, owner_id, bulk, time_zone)


async def _apply(
    session: AsyncSession, owner_id: uuid.UUID, bulk: TaskBulk, time_zone: str
) -> BulkResult:
    defer_count_changes(session.sync_session)
    ids = sorted(operation.id for operation in bulk.operations)
    found = {
        task.id: task
        for task in await session.scalars(
            select(Task)
            .where(Task.owner_id == owner_id, Task.id.in_(ids))
            .order_by(Task.id)
            .with_for_update()
        )
    }
    # Another user's task is as absent as a deleted one: nothing about it is revealed.
    if missing := [operation.id for operation in bulk.operations if operation.id not in found]:
        raise _missing(missing)
    stale = [found[op.id] for op in bulk.operations if found[op.id].version != op.version]
    if stale:
        raise _stale(stale)
    await _check_assignees(session, owner_id, bulk, found)
    now = utcnow()
    zone = ZoneInfo(time_zone)
    patched = [found[op.id] for op in bulk.operations if isinstance(op, BulkPatch)]
    deleted: list[uuid.UUID] = []
    # Parents first: a subtask moved with its parent to the same project stays its subtask.
    parents_first = sorted(bulk.operations, key=lambda op: found[op.id].parent_id is not None)
    try:
        for operation in parents_first:
            task = found[operation.id]
            if isinstance(operation, BulkDelete):
                continue
            for subtask in await subtasks.before_completing(
                session, task, operation.patch.status, complete_subtasks=bulk.complete_subtasks
            ):
                service.apply_patch(session, subtask, {"status": TaskStatus.DONE}, now, zone)
            await service.patch_with_subtasks(
                session, task, operation.patch.model_dump(exclude_unset=True), now, zone
            )
        await session.flush()  # each changed row's UPDATE checks its version (models.py)
        # Deleted parents take their subtasks along (listed too, for an undo), flushed first.
        doomed = [op.id for op in bulk.operations if isinstance(op, BulkDelete)]
        cascaded = await subtasks.delete_subtasks(session, doomed)
        for task_id in doomed:
            if found[task_id] not in session.deleted:
                await session.delete(found[task_id])
        deleted = doomed + [task_id for task_id in cascaded if task_id not in set(doomed)]
        patched = [task for task in patched if task.id not in set(deleted)]
        await session.flush()
    except StaleDataError:  # SQLite has no row locks: another writer got in after the read
        await session.rollback()
        raise ProblemError(
            412,
            "Some of the tasks changed while the request ran; nothing was changed.",
            problem_type="precondition-failed",
        ) from None
    await service.bump_data_version(session, owner_id)
    await session.commit()
    return BulkResult(patched, deleted)
