"""The demo account `taskapp seed-demo` fills, so that a first `make run` has something in every
view: two projects and the Inbox; tasks overdue, due today (one at a time of day), this week and
later; repeating tasks; a task with subtasks, one of them done; labels; a finished task.

Dues count from the day it is seeded, in the account's time zone. Everything goes through the
services the API uses (validation, manual order, counts, history). Seeding again adds only what
is missing: a project by name, a task by title (a subtask by title under its parent)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import User
from taskapp.auth.service import register
from taskapp.db import create_engine, create_session_factory
from taskapp.projects import service as projects
from taskapp.projects.models import Project
from taskapp.projects.schemas import Colour, ProjectCreate
from taskapp.security import PasswordHasher
from taskapp.settings import Settings
from taskapp.tasks import service as tasks
from taskapp.tasks.models import Priority, Task, TaskStatus
from taskapp.tasks.schemas import TaskCreate

DEMO_EMAIL = "demo@taskapp.dev"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - a published demo account, by design


@dataclass(frozen=True, slots=True)
class DemoTask:
    title: str
    priority: Priority = Priority.MEDIUM
    status: TaskStatus = TaskStatus.PENDING
    due_in_days: int | None = None  # from the seeding day; None: no due
    # With due_in_days: due at this local time instead of all day (later that day when it has
    # passed at seeding, so that a task due today is not overdue from the start).
    at: time | None = None
    repeats: str | None = None  # an RRULE, anchored on the due
    labels: tuple[str, ...] = ()
    description: str | None = None
    subtasks: tuple[DemoTask, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoProject:
    name: str | None  # None: the Inbox
    tasks: tuple[DemoTask, ...]
    colour: Colour = "grey"
    description: str = ""


DEMO: tuple[DemoProject, ...] = (
    DemoProject(
        None,
        (
            DemoTask(
                "Read “Designing Data-Intensive Applications”",
                Priority.LOW,
                labels=("reading",),
            ),
            DemoTask("Buy a birthday present for Alex", due_in_days=9, labels=("errands",)),
        ),
    ),
    DemoProject(
        "Work",
        (
            DemoTask(
                "Ship release 2.0",
                Priority.HIGH,
                TaskStatus.IN_PROGRESS,
                due_in_days=3,
                labels=("release",),
                description="Everything the release needs, in the order it needs it.\n\n"
                "- notes reviewed by **product**\n- images signed before the tag",
                subtasks=(
                    DemoTask("Freeze the release branch", status=TaskStatus.DONE),
                    DemoTask("Write the release notes", due_in_days=2),
                    DemoTask("Tag and publish the images", due_in_days=3),
                ),
            ),
            DemoTask(
                "Review Sam's pull request",
                Priority.HIGH,
                due_in_days=0,
                at=time(16, 0),
                labels=("review",),
            ),
            DemoTask("Weekly planning", due_in_days=1, repeats="FREQ=WEEKLY"),
            DemoTask(
                "Load-test the search endpoint",
                Priority.LOW,
                due_in_days=6,
                labels=("performance",),
            ),
            DemoTask("Set up the CI pipeline", Priority.HIGH, TaskStatus.DONE, labels=("ci",)),
        ),
        colour="blue",
        description="The release and the day job",
    ),
    DemoProject(
        "Home",
        (
            DemoTask("Book the dentist", due_in_days=-2, labels=("health",)),
            DemoTask(
                "Water the plants", Priority.LOW, due_in_days=0, repeats="FREQ=DAILY;INTERVAL=3"
            ),
            DemoTask("Pay rent", Priority.HIGH, due_in_days=12, repeats="FREQ=MONTHLY"),
            DemoTask("Renew the passport", status=TaskStatus.DONE),
        ),
        colour="green",
    ),
)


_TRACER = trace.get_tracer(__name__)


@dataclass(slots=True)
class Seeded:
    user: User
    projects_added: int = 0
    tasks_added: int = 0


async def seed(settings: Settings, demo: tuple[DemoProject, ...] = DEMO) -> Seeded:
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            user = await session.scalar(select(User).where(User.email == DEMO_EMAIL))
            if user is None:
                user = await register(
                    session,
                    PasswordHasher(settings),
                    email=DEMO_EMAIL,
                    password=DEMO_PASSWORD,
                    full_name="Demo User",
                )
            seeded = Seeded(user)
            now = datetime.now(ZoneInfo(user.time_zone))
            for project in demo:
                project_id = await _project_id(session, seeded, project)
                for task in project.tasks:
                    await _add(session, seeded, settings, task, project_id, None, now)
            return seeded
    finally:
        await engine.dispose()


async def _project_id(
    session: AsyncSession, seeded: Seeded, project: DemoProject
) -> uuid.UUID | None:
    if project.name is None:
        return None
    found = await session.scalar(
        select(Project.id).where(
            Project.owner_id == seeded.user.id,
            Project.name == project.name,
            Project.is_inbox.is_(False),
        )
    )
    if found is not None:
        return found
    data = ProjectCreate(name=project.name, colour=project.colour, description=project.description)
    created = await projects.create_project(session, seeded.user.id, data)
    seeded.projects_added += 1
    return created.project.id


async def _add(
    session: AsyncSession,
    seeded: Seeded,
    settings: Settings,
    task: DemoTask,
    project_id: uuid.UUID | None,
    parent_id: uuid.UUID | None,
    now: datetime,
) -> None:
    task_id = await session.scalar(
        select(Task.id).where(
            Task.owner_id == seeded.user.id,
            Task.title == task.title,
            Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id,
        )
    )
    if task_id is None:
        day = None if task.due_in_days is None else now.date() + timedelta(days=task.due_in_days)
        data = TaskCreate(
            title=task.title,
            description=task.description,
            status=task.status,
            priority=task.priority,
            due_on=day if task.at is None else None,
            due_date=None if day is None or task.at is None else _due_at(day, task.at, now),
            recurrence=task.repeats,
            labels=list(task.labels),
            project_id=project_id,
            parent_id=parent_id,
        )
        created = await tasks.create_task(
            session,
            seeded.user.id,
            data,
            idempotency_key=None,
            idempotency_ttl_seconds=settings.idempotency_ttl.total_seconds(),
            tracer=_TRACER,
            time_zone=seeded.user.time_zone,
        )
        seeded.tasks_added += 1
        task_id = created.task_id
    for subtask in task.subtasks:
        await _add(session, seeded, settings, subtask, project_id, task_id, now)


def _due_at(day: date, at: time, now: datetime) -> datetime:
    """`at` on `day` in the seeding zone; on the seeding day, once `at` has passed, the next whole
    hour instead (the day's last minute at the latest)."""
    due = datetime.combine(day, at, now.tzinfo)
    if due > now:
        return due
    next_hour = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return min(next_hour, datetime.combine(now.date(), time(23, 59), now.tzinfo))
