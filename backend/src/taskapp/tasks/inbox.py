"""Which project a task is in, and how that is stored while the schema is being expanded.

Every user has one Inbox project whose id is the user's own id (taskapp.projects creates it with
the account). That makes the Inbox of a row computable in SQL without a lookup:
`COALESCE(tasks.project_id, tasks.owner_id)`. A NULL project_id is an Inbox task: the previous
release writes NULL (it does not know the column), and this release stores NULL for the Inbox too,
so that creating a task never depends on the Inbox row existing (a user the previous release
registered during a rolling upgrade has none until the projects domain adds it). The later
contract migration sets NULL to owner_id and makes the column NOT NULL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi.exceptions import RequestValidationError
from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.tasks.models import Task


def inbox_id(owner_id: uuid.UUID) -> uuid.UUID:
    return owner_id


def stored_project(owner_id: uuid.UUID, project_id: uuid.UUID | None) -> uuid.UUID | None:
    """The value written to tasks.project_id for a task put in `project_id` (None: the Inbox)."""
    return None if project_id is None or project_id == inbox_id(owner_id) else project_id


# The project a row is in, as the API shows it.
PROJECT_OF_ROW: ColumnElement[uuid.UUID] = func.coalesce(Task.project_id, Task.owner_id)


def project_of(task: Task) -> uuid.UUID:
    """PROJECT_OF_ROW for a loaded task: the project it is in, as the API shows it."""
    return task.owner_id if task.project_id is None else task.project_id


FOREIGN_KEY = "fk_tasks_project_id_projects"


def unknown_project(exc: BaseException) -> bool:
    """Whether a failed write named a project that is not one of the owner's: the foreign key
    (owner_id, project_id) -> projects (owner_id, id) refused it, as PostgreSQL's driver raised it
    (directly, or wrapped by SQLAlchemy) or as SQLite words it (SQLite names no constraint; the
    only other key of tasks, the owner, cannot fail while the owner's request runs)."""
    for candidate in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        cause = getattr(candidate, "__cause__", None)
        for error in (candidate, cause):
            if isinstance(error, asyncpg.ForeignKeyViolationError):
                return bool(error.constraint_name == FOREIGN_KEY)
    return "FOREIGN KEY constraint failed" in str(exc)


def unknown_project_error(
    project_id: object, loc: tuple[str, ...] = ("body", "project_id")
) -> RequestValidationError:
    """A 422 naming the field, the same whether the project is missing or another user's."""
    return RequestValidationError(
        [
            {
                "type": "unknown_project",
                "loc": loc,
                "msg": "is not one of your projects",
                "input": str(project_id),
            }
        ]
    )


@asynccontextmanager
async def refusing_unknown_projects(
    session: AsyncSession, project_id: object, loc: tuple[str, ...] = ("body", "project_id")
) -> AsyncIterator[None]:
    """Around a write that may name a project (project_id None: it names none): the foreign
    key's refusal becomes the 422 above, after the transaction is rolled back."""
    try:
        yield
    except Exception as exc:
        if project_id is not None and unknown_project(exc):
            await session.rollback()
            raise unknown_project_error(project_id, loc) from None
        raise
