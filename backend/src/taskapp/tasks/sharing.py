"""Shared projects (issue 19): who may do what in a project, and the rows that say so.

A shared project's tasks stay in its owner's partition (tasks.owner_id is the project's owner,
whoever wrote them): members act on them through the owner's data after a membership check
that is never cached. Reads are cached under the owner's data version, which every write to the
owner's tasks bumps (ADR 0004), so a teammate's write invalidates every member's cached reads;
and a removed member fails the (uncached) check before any cache lookup (ADR 0017).

The model lives here, in tasks, because every task endpoint checks it; the projects domain
manages members and invitations through tasks.interface."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opentelemetry.trace import Tracer
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    and_,
    bindparam,
    column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from taskapp.auth.interface import User
from taskapp.db import Base, UTCDateTime, utcnow
from taskapp.errors import ProblemError, not_found
from taskapp.perf.driver import DriverStatement, declare, fetch_all
from taskapp.tasks.models import Task


class Role(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


# What each role may do: a higher rank may do everything a lower one may.
RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


class ProjectMember(Base):
    __tablename__ = "project_members"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role"),
        # "Projects shared with me", and the cascade when an account goes.
        Index("ix_project_members_user", "user_id"),
    )

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The projects table as far as tasks needs it (the model is the projects domain's, above this).
_projects = table("projects", column("id"), column("owner_id"), column("is_inbox"))


@dataclass(frozen=True, slots=True)
class Access:
    """A user's way into one project: whose partition holds it, that owner's data version (the
    cache key of reads made through it), and the user's role."""

    project_id: uuid.UUID
    owner_id: uuid.UUID
    owner_version: int
    role: Role

    @property
    def shared(self) -> bool:
        """True when the user is a member, not the owner."""
        return self.role is not Role.OWNER


def refused(role: Role, need: Role) -> ProblemError:
    return ProblemError(
        403,
        f"Your role in this project ({role.value}) does not allow this; it needs {need.value}.",
        problem_type="role-forbids",
        title="Forbidden",
    )


def _require(access: Access | None, need: Role, what: str) -> Access:
    # A non-member (or a removed one) learns nothing: "not found", as for a missing project.
    if access is None:
        raise not_found(what)
    if RANK[access.role] < RANK[need]:
        raise refused(access.role, need)
    return access


# The access rows: (owner, project, the owner's data version, the user's role as a member).
_USER_ID = bindparam("user_id", type_=User.id.type)
_PROJECT_ACCESS = declare(
    select(_projects.c.owner_id, _projects.c.id, User.tasks_version, ProjectMember.role)
    .select_from(_projects)
    .join(User, User.id == _projects.c.owner_id)
    .outerjoin(
        ProjectMember,
        and_(ProjectMember.project_id == _projects.c.id, ProjectMember.user_id == _USER_ID),
    )
    .where(
        _projects.c.id == bindparam("project_id", type_=Task.project_id.type),
        or_(_projects.c.owner_id == _USER_ID, ProjectMember.user_id.is_not(None)),
    )
)
_TASK_ACCESS = declare(
    select(Task.owner_id, Task.project_id, User.tasks_version, ProjectMember.role)
    .join(User, User.id == Task.owner_id)
    .outerjoin(
        ProjectMember,
        and_(ProjectMember.project_id == Task.project_id, ProjectMember.user_id == _USER_ID),
    )
    .where(
        Task.id == bindparam("task_id", type_=Task.id.type),
        or_(Task.owner_id == _USER_ID, ProjectMember.user_id.is_not(None)),
    )
)


def _access_of(row: Sequence[Any] | None, user_id: uuid.UUID) -> Access | None:
    if row is None:
        return None
    raw_owner, raw_project, owner_version, role = row
    # Through str: the driver's own UUID type (perf/driver.py) is not the stdlib's.
    owner_id = uuid.UUID(str(raw_owner))
    # A task without a project is in its owner's Inbox, whose id is the owner's.
    project_id = owner_id if raw_project is None else uuid.UUID(str(raw_project))
    role = Role.OWNER if owner_id == user_id else Role(role)
    return Access(project_id, owner_id, owner_version, role)


async def _access_in(
    session: AsyncSession, statement: DriverStatement, params: dict[str, uuid.UUID]
) -> Access | None:
    row = (await session.execute(statement.statement, params)).first()
    return _access_of(row, params["user_id"])


async def _access_on(
    engine: AsyncEngine, tracer: Tracer, statement: DriverStatement, params: dict[str, uuid.UUID]
) -> Access | None:
    """One statement on an autocommit engine (perf/driver.py): for the checks a request makes
    before it opens any session, without an ORM session's checkout, BEGIN and ROLLBACK."""
    rows = await fetch_all(engine, statement, params, tracer, "SELECT access")
    return _access_of(rows[0] if rows else None, params["user_id"])


async def project_access(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID
) -> Access | None:
    """The user's access to the project, or None. The owner is projects.owner_id (also true of a
    project the previous release created without its owner's membership row)."""
    params = {"user_id": user_id, "project_id": project_id}
    return await _access_in(session, _PROJECT_ACCESS, params)


async def project_access_on(
    engine: AsyncEngine, tracer: Tracer, user_id: uuid.UUID, project_id: uuid.UUID
) -> Access | None:
    """project_access on an autocommit engine."""
    params = {"user_id": user_id, "project_id": project_id}
    return await _access_on(engine, tracer, _PROJECT_ACCESS, params)


async def require_project(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID, need: Role
) -> Access:
    """The user's access to the project if it allows `need`: 404 for a non-member, 403 for a
    member whose role is too low."""
    return _require(await project_access(session, user_id, project_id), need, "project")


async def task_access(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID
) -> Access | None:
    """The user's access to the task's project, or None (another user's task, not shared with
    them, or no such task). A task without a project is in its owner's Inbox, never shared."""
    return await _access_in(session, _TASK_ACCESS, {"user_id": user_id, "task_id": task_id})


async def task_access_on(
    engine: AsyncEngine, tracer: Tracer, user_id: uuid.UUID, task_id: uuid.UUID
) -> Access | None:
    """task_access on an autocommit engine."""
    return await _access_on(engine, tracer, _TASK_ACCESS, {"user_id": user_id, "task_id": task_id})


async def require_task(
    session: AsyncSession, user_id: uuid.UUID, task_id: uuid.UUID, need: Role
) -> Access:
    """The user's access to the task if it allows `need` (404 for a non-member, 403 below)."""
    return _require(await task_access(session, user_id, task_id), need, "task")


async def require_task_on(
    engine: AsyncEngine, tracer: Tracer, user_id: uuid.UUID, task_id: uuid.UUID, need: Role
) -> Access:
    """require_task on an autocommit engine (task_access_on)."""
    return _require(await task_access_on(engine, tracer, user_id, task_id), need, "task")


async def followed_versions(session: AsyncSession, user_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """The data version of every partition the user may read: their own and the owner's of each
    project they are a member of (a live stream's subscriptions, taskapp/live). Read afresh for
    every notice, never cached: a removed member stops following the owner at once."""
    owners = (
        select(_projects.c.owner_id)
        .join(ProjectMember, ProjectMember.project_id == _projects.c.id)
        .where(ProjectMember.user_id == user_id)
    )
    rows = await session.execute(
        select(User.id, User.tasks_version).where(or_(User.id == user_id, User.id.in_(owners)))
    )
    return {uuid.UUID(str(owner)): version for owner, version in rows}
