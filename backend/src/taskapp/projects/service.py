"""Project rules: ownership (another user's project is "not found"), the Inbox's guarantees,
optimistic concurrency (If-Match), deleting a project with its tasks, publishing."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from taskapp import changefeed
from taskapp.db import one_or_404, utcnow
from taskapp.errors import ProblemError
from taskapp.http.etags import EntityTags, if_match_allows, precondition_failed
from taskapp.projects.models import Project, inbox_for
from taskapp.projects.schemas import ProjectCreate, ProjectUpdate
from taskapp.tasks.interface import (
    ProjectCounts,
    ProjectMember,
    Role,
    counts_by_project,
    delete_project_tasks,
)

ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ProjectView:
    project: Project
    counts: ProjectCounts
    role: Role = Role.OWNER  # the caller's role in it


def stale_project(current: Project) -> ProblemError:
    return precondition_failed("project", current.version)


def _inbox_refused(what: str) -> ProblemError:
    return ProblemError(409, f"The Inbox cannot be {what}.", problem_type="inbox-is-permanent")


async def get_project(session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID) -> Project:
    query = select(Project).where(Project.id == project_id, Project.owner_id == owner_id)
    return await one_or_404(session, query, "project")


async def ensure_inbox(session: AsyncSession, owner_id: uuid.UUID) -> None:
    """Add the owner's Inbox if it is missing: an account the previous release registered while
    this one rolled out has none (the migration gave one to every account before it)."""
    connection = await session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    inbox = inbox_for(owner_id)
    now = utcnow()
    await connection.execute(
        insert(Project)
        .values(
            id=inbox.id,
            owner_id=owner_id,
            name=inbox.name,
            colour=inbox.colour,
            description="",
            archived=False,
            is_inbox=True,
            created_at=now,
            updated_at=now,
            version=1,
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    await session.commit()


async def list_projects(session: AsyncSession, owner_id: uuid.UUID) -> list[ProjectView]:
    """The owner's projects, the Inbox first, each with its counts: two queries in all."""
    query = (
        select(Project)
        .where(Project.owner_id == owner_id)
        .order_by(Project.is_inbox.desc(), Project.created_at, Project.id)
    )
    projects = list(await session.scalars(query))
    if not projects or not projects[0].is_inbox:
        await ensure_inbox(session, owner_id)
        projects = list(await session.scalars(query))
    counts = await counts_by_project(await session.connection(), owner_id)
    own = [ProjectView(p, counts.get(p.id, ProjectCounts())) for p in projects]
    return own + await _shared_with(session, owner_id)


async def _shared_with(session: AsyncSession, user_id: uuid.UUID) -> list[ProjectView]:
    """The projects others shared with the user, by creation, each with its owner's counts."""
    rows = await session.execute(
        select(Project, ProjectMember.role)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user_id, Project.owner_id != user_id)
        .order_by(Project.created_at, Project.id)
    )
    found = []
    for project, role in rows:
        counts = await counts_by_project(await session.connection(), project.owner_id, project.id)
        found.append(ProjectView(project, counts.get(project.id, ProjectCounts()), Role(role)))
    return found


async def view(session: AsyncSession, project: Project, role: Role = Role.OWNER) -> ProjectView:
    counts = await counts_by_project(await session.connection(), project.owner_id, project.id)
    return ProjectView(project, counts.get(project.id, ProjectCounts()), role)


async def create_project(
    session: AsyncSession, owner_id: uuid.UUID, data: ProjectCreate
) -> ProjectView:
    now = utcnow()
    project = Project(
        id=uuid.uuid4(),
        owner_id=owner_id,
        name=data.name,
        colour=data.colour,
        description=data.description,
        archived=False,
        is_inbox=False,
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    # Its creator is its owner, in the members list too (ADR 0017).
    session.add(
        ProjectMember(project_id=project.id, user_id=owner_id, role=Role.OWNER, added_at=now)
    )
    await session.commit()
    changefeed.changed(owner_id, "projects")
    return ProjectView(project, ProjectCounts())


async def _with_retries(
    session: AsyncSession,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    if_match: EntityTags | None,
    change: Callable[[Project], Awaitable[Any]],
) -> Project:
    """Run `change` on the current project and commit; the mapper checks the version it read
    (version_id_col), so a concurrent writer's change is never overwritten silently: with
    If-Match a lost race is a 412, without it the change is applied again to the fresh row."""
    for _ in range(ATTEMPTS):
        project = await get_project(session, owner_id, project_id)
        if not if_match_allows(if_match, project.version):
            raise stale_project(project)
        await change(project)
        changefeed.changed(owner_id, "projects")  # published after the request (ADR 0019)
        try:
            await session.commit()
        except StaleDataError:
            await session.rollback()
            if if_match is not None:
                raise stale_project(await get_project(session, owner_id, project_id)) from None
            continue
        return project
    raise ProblemError(
        409,
        "The project is being changed by many writers at once; try again.",
        problem_type="concurrent-update",
    )


async def update_project(
    session: AsyncSession,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    changes: ProjectUpdate,
    *,
    if_match: EntityTags | None,
) -> ProjectView:
    updates = changes.model_dump(exclude_unset=True)

    async def apply(project: Project) -> None:
        if project.is_inbox and updates.get("archived"):
            raise _inbox_refused("archived")
        changed = False
        for field, value in updates.items():
            if getattr(project, field) != value:
                setattr(project, field, value)
                changed = True
        if changed:
            project.updated_at = utcnow()

    project = await _with_retries(session, owner_id, project_id, if_match, apply)
    return await view(session, project)


async def delete_project(
    session: AsyncSession,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    *,
    if_match: EntityTags | None,
) -> None:
    """Delete the project and its tasks in one transaction (tasks first: the lock order is
    explained in tasks/projects.py). With If-Match, the version is checked again by the DELETE
    itself, so a change that lands meanwhile is a 412 and nothing is deleted."""
    project = await get_project(session, owner_id, project_id)
    if project.is_inbox:
        raise _inbox_refused("deleted")
    if not if_match_allows(if_match, project.version):
        raise stale_project(project)
    read_version = project.version
    changefeed.changed(owner_id, "projects")
    session.expunge(project)  # deleted below in SQL, not by the unit of work
    await delete_project_tasks(session, owner_id, project_id)
    statement = delete(Project).where(Project.id == project_id, Project.owner_id == owner_id)
    if if_match is not None:
        statement = statement.where(Project.version == read_version)
    deleted = await session.execute(statement, execution_options={"synchronize_session": False})
    if deleted.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult
        await session.rollback()
        raise stale_project(await get_project(session, owner_id, project_id))
    await session.commit()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def publish(session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID) -> str:
    """A new unguessable token for the project's public page (an earlier link stops working)."""
    token = secrets.token_urlsafe(32)

    async def apply(project: Project) -> None:
        project.publish_token = token
        project.publish_token_hash = token_hash(token)
        project.updated_at = utcnow()

    await _with_retries(session, owner_id, project_id, None, apply)
    return token


async def unpublish(session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID) -> None:
    async def apply(project: Project) -> None:
        if project.publish_token is not None:
            project.publish_token = None
            project.publish_token_hash = None
            project.updated_at = utcnow()

    await _with_retries(session, owner_id, project_id, None, apply)


async def published(session: AsyncSession, token: str) -> Project:
    """The project a public token opens, found by the token's hash (no secret is compared byte
    by byte, so response times say nothing about how much of a guess was right)."""
    query = select(Project).where(Project.publish_token_hash == token_hash(token))
    return await one_or_404(session, query, "page")
