from __future__ import annotations

import enum
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
    column,
    event,
    inspect,
    select,
    text,
    true,
    update,
    values,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from taskapp import changefeed
from taskapp.auth.interface import User
from taskapp.db import Base, UTCDateTime, utcnow
from taskapp.tasks import search


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.URGENT: 4}
_PRIORITY_BY_RANK = {rank: priority for priority, rank in _PRIORITY_RANK.items()}
_PRIORITY_NAMES: dict[int | str, str] = {
    **{rank: priority.value for rank, priority in _PRIORITY_BY_RANK.items()},
    **{priority.value: priority.value for priority in Priority},
}


def priority_name(value: int | str) -> str:
    """The name ("high") of a stored rank (3) or of a Priority: untyped rows carry the rank."""
    return _PRIORITY_NAMES[value]


class PriorityType(TypeDecorator[Priority]):
    """Stored as its rank (1..4): `ORDER BY priority` is low < medium < high < urgent, indexed."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: Priority | str | None, dialect: Dialect) -> int | None:
        return None if value is None else Priority(value).rank

    def process_result_value(self, value: int | None, dialect: Dialect) -> Priority | None:
        return None if value is None else _PRIORITY_BY_RANK[value]


# A fractional-index key (tasks/ordering.py). Its order is the keys' byte order: PostgreSQL must
# compare it under the "C" collation (a linguistic one puts "a" before "B"); SQLite's default
# BINARY collation already does.
PositionType = Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")

# PostgreSQL: a text[] with a GIN index for label filters (`labels @> ARRAY[...]`); SQLite: JSON.
LabelsType = JSON().with_variant(postgresql.ARRAY(String(50)), "postgresql")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # Keyset pagination: one index per sort key, scoped to the owner, with id as tie-breaker.
        Index("ix_tasks_owner_created", "owner_id", "created_at", "id"),
        Index("ix_tasks_owner_updated", "owner_id", "updated_at", "id"),
        Index("ix_tasks_owner_due", "owner_id", "due_date", "id"),
        Index("ix_tasks_owner_priority", "owner_id", "priority", "id"),
        Index("ix_tasks_owner_title", "owner_id", "title", "id"),
        # A project's list in the default order (-created_at), keyset-paginated like the others.
        Index("ix_tasks_owner_project_created", "owner_id", "project_id", "created_at", "id"),
        # With the owner in the key, a task can only reference one of its owner's projects: a
        # project id of another user fails like a missing one (tasks/service.py: a 422).
        ForeignKeyConstraint(
            ["owner_id", "project_id"],
            ["projects.owner_id", "projects.id"],
            name="fk_tasks_project_id_projects",
            ondelete="CASCADE",
        ),
        # sort=position: a NULL position (a row the previous release wrote) sorts last, by age.
        Index("ix_tasks_owner_position", "owner_id", "position", "created_at", "id"),
        # A parent's subtasks: `parent=` lists and the cascade when a parent goes.
        Index("ix_tasks_parent", "parent_id", "id"),
        # GIN on PostgreSQL (label filters); SQLite gets a plain index it will rarely use.
        Index("ix_tasks_labels", "labels", postgresql_using="gin"),
        # Search: trigrams of the folded text serve `LIKE '%word%'` on PostgreSQL (ADR 0007).
        # SQLite has no trigram index; it gets a plain one, as for labels.
        Index(
            "ix_tasks_search",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        # Stats: the tasks due today that are not done, counted from the index alone.
        Index(
            "ix_tasks_owner_open_due",
            "owner_id",
            "due_date",
            "status",
            postgresql_where=text("status <> 'done'"),
            sqlite_where=text("status <> 'done'"),
        ),
        # "Assigned to me" (GET /tasks/assigned, migration 0014): a user's open assigned tasks,
        # newest first, across every owner's partition: one ordered scan up to the page's limit.
        Index(
            "ix_tasks_assignee_open_created",
            "assignee_id",
            "created_at",
            "id",
            postgresql_where=text("assignee_id IS NOT NULL AND status <> 'done'"),
            sqlite_where=text("assignee_id IS NOT NULL AND status <> 'done'"),
        ),
        # Due days (migration 0007): Today/agenda/overdue read open tasks by day from the index
        # alone; sort=due_date pages through due days by (day, id).
        Index(
            "ix_tasks_owner_open_due_on",
            "owner_id",
            "due_on",
            "status",
            postgresql_where=text("status <> 'done'"),
            sqlite_where=text("status <> 'done'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    # NULL is the owner's Inbox (tasks/inbox.py): what the previous release writes, and what this
    # one stores for the Inbox until a contract migration makes the column NOT NULL.
    project_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TaskStatus] = mapped_column(
        Enum(
            TaskStatus,
            name="task_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda enum_cls: [member.value for member in enum_cls],
        ),
        default=TaskStatus.PENDING,
    )
    priority: Mapped[Priority] = mapped_column(PriorityType, default=Priority.MEDIUM)
    # The due *time* (an instant); due_on is the all-day due *day*. At most one is set.
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)
    # RFC 5545 RRULE text (tasks/recurrence.py), only with a due.
    recurrence: Mapped[str | None] = mapped_column(String(500))
    labels: Mapped[list[str]] = mapped_column(LabelsType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Title, description and labels folded (tasks/search.py), set in the flush that writes them.
    search_text: Mapped[str] = mapped_column(Text)
    # Manual order (tasks/ordering.py); NULL on rows the previous release wrote (revision 0008).
    position: Mapped[str | None] = mapped_column(PositionType)
    # One level of subtasks (tasks/subtasks.py); the counters are kept on the parent in the
    # transaction of every write of a subtask, so every read shows them for free.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tasks.id", ondelete="CASCADE")
    )
    subtask_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subtask_done_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who is to do it (issue 19): the owner, or an owner/editor of the task's shared project
    # (tasks/assignees.py); cleared when that member leaves or is removed, or the account goes.
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )

    # Optimistic locking: every UPDATE checks the version it read, so concurrent writers cannot
    # silently overwrite each other (the loser gets StaleDataError -> 412).
    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class TaskCompletion(Base):
    """One completed occurrence of a recurring task: when, and which due it was."""

    __tablename__ = "task_completions"
    __table_args__ = (Index("ix_task_completions_task_completed", "task_id", "completed_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tasks.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)


class TaskEvent(Base):
    """One write to a task, for its history and its project's (tasks/history.py): who did what,
    and per changed field {field: [old, new]}.

    No foreign key to the task: a deleted task's history stays in its project's. The owner's
    key deletes it with the account; a project's events go with the project
    (tasks/projects.delete_project_tasks). actor_id is who wrote (the owner, until projects are
    shared); project_id is the project the task was in after the write (the Inbox's id for
    Inbox tasks, as the API shows it)."""

    __tablename__ = "task_events"
    __table_args__ = (
        # Newest first, keyset-paginated by (created_at, id), per task and per project.
        Index("ix_task_events_task_created", "task_id", "created_at", "id"),
        Index("ix_task_events_project_created", "project_id", "created_at", "id"),
        Index("ix_task_events_owner", "owner_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))
    # The task's title when the event happened: a deleted task is still named in the history.
    task_title: Mapped[str] = mapped_column(String(255))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DueAt(FunctionElement[datetime]):
    """sort=due_date's key: the due time, or for a due day 00:00 UTC of that day (docs/api.md).

    A day sorts at a fixed instant, not at midnight in the owner's zone, so that the key is a
    function of the row alone: indexable (ix_tasks_owner_due_at), and the same for every reader.
    """

    type = UTCDateTime()
    inherit_cache = True


@compiles(DueAt, "postgresql")
def _due_at_postgresql(element: DueAt, compiler: SQLCompiler, **kw: Any) -> str:
    # timezone(text, timestamp) is IMMUTABLE, so the expression can be indexed.
    return "COALESCE(due_date, timezone('UTC', CAST(due_on AS TIMESTAMP)))"


@compiles(DueAt, "sqlite")
def _due_at_sqlite(element: DueAt, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps datetimes as text in SQLAlchemy's format: a day's midnight in the same one.
    # Unqualified names: SQLite refuses "tasks.x" in an index expression (only tasks is read).
    return "COALESCE(due_date, due_on || ' 00:00:00.000000')"


# Keyset pagination of sort=due_date (built by migration 0007 from the same expression).
Index("ix_tasks_owner_due_at", Task.owner_id, DueAt(), Task.id)


def _due_order_index(name: str, where: str) -> Index:
    """An owner's tasks matching `where`, in sort=due_date's order (a partial index)."""
    return Index(
        name,
        Task.owner_id,
        DueAt(),
        Task.id,
        postgresql_where=text(where),
        sqlite_where=text(where),
    )


# Today's overdue list: open tasks in the same order, so it stops at its limit (migration 0013).
_due_order_index("ix_tasks_owner_open_due_at", "status <> 'done'")
# The agenda's repeating tasks: open ones with a rule, in the same order (migration 0017).
_due_order_index("ix_tasks_owner_open_repeating", "status <> 'done' AND recurrence IS NOT NULL")


class IdempotencyRecord(Base):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (Index("uq_idempotency_owner_key", "owner_id", "key", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# A task without a due time is counted as due at the end of time: never overdue by the counts.
# That includes a task due on a *day* (due_on): whether a day is past depends on the owner's
# time zone, so task_open_days (below) counts those by their day; and this is the key the
# previous release (which knows no due_on) computes for such a task too, so both releases keep
# the same rows exact during a rollout.
NO_DUE_DAY = date.max


class TaskCount(Base):
    """How many of an owner's tasks have this status, priority and due day (UTC).

    Kept in the same flush as every task write (below), so GET /tasks/stats adds up a few rows
    instead of counting the owner's tasks (ADR 0007). The rows number at most statuses x
    priorities x distinct due days, whatever the number of tasks.
    """

    __tablename__ = "task_counts"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # the rank, 1..4
    due_day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class TaskOpenDay(Base):
    """How many of an owner's open (not done) tasks are due on this day (due_on, the all-day due).

    Kept with task_counts, in the same statement, so GET /tasks/stats finds the open due days
    before the owner's local today in a few rows (one per day) rather than in one index entry
    per task (ADR 0007, ADR 0015). A day whose last open task goes keeps its row at 0.
    """

    __tablename__ = "task_open_days"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


CountKey = tuple[uuid.UUID, str, int, date]
DayKey = tuple[uuid.UUID, date]
_SEARCHED = ("title", "description", "labels")
_COUNTED = ("status", "priority", "due_date")
_DAY_COUNTED = ("status", "due_on")


@dataclass(frozen=True, slots=True)
class CountChanges:
    """Changes to task_counts and task_open_days, each in key order (so that concurrent writers
    lock the rows in the same order), without zeros."""

    totals: list[tuple[CountKey, int]] = field(default_factory=list)
    days: list[tuple[DayKey, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.totals or self.days)

    @classmethod
    def of(cls, totals: Counter[CountKey], days: Counter[DayKey]) -> CountChanges:
        return cls(
            sorted((key, n) for key, n in totals.items() if n),
            sorted((key, n) for key, n in days.items() if n),
        )


def count_key(
    owner_id: uuid.UUID, status: str, priority: Priority | str | int, due: Any
) -> CountKey:
    rank = priority if isinstance(priority, int) else Priority(priority).rank
    due_day = NO_DUE_DAY if due is None else due.astimezone(UTC).date()
    return (owner_id, TaskStatus(status).value, rank, due_day)


def day_key(owner_id: uuid.UUID, status: str, due_on: date | None) -> DayKey | None:
    """The task_open_days row an open task due on a day counts in; None for any other task."""
    if due_on is None or TaskStatus(status) == TaskStatus.DONE:
        return None
    return (owner_id, due_on)


def _before(task: Task, name: str) -> Any:
    """The value an attribute had when loaded (its history), else its current value."""
    history = inspect(task).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(task, name)


def _key_before(task: Task) -> CountKey:
    return count_key(task.owner_id, *(_before(task, name) for name in _COUNTED))


def _key_now(task: Task) -> CountKey:
    status = task.status if task.status is not None else TaskStatus.PENDING
    priority = task.priority if task.priority is not None else Priority.MEDIUM
    return count_key(task.owner_id, status, priority, task.due_date)


def _day_key_before(task: Task) -> DayKey | None:
    return day_key(task.owner_id, *(_before(task, name) for name in _DAY_COUNTED))


def _day_key_now(task: Task) -> DayKey | None:
    status = task.status if task.status is not None else TaskStatus.PENDING
    return day_key(task.owner_id, status, task.due_on)


def _count(counter: Counter[Any], key: Any, n: int) -> None:
    if key is not None:
        counter[key] += n


_PENDING = "taskapp.task_counts"  # session.info key: count changes flushed, not yet written
_PENDING_DAYS = "taskapp.task_open_days"
_DEFERRED = "taskapp.task_counts.deferred"


@event.listens_for(Session, "before_flush")
def _derive_from_tasks(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """search_text and task_counts follow every task written through a session, in the same
    transaction: creates, updates and deletes here or anywhere else (e.g. `taskapp seed-demo`).
    Writes that bypass the ORM must keep both themselves (the migration's backfill does).

    search_text is set on the row itself. Count changes are written right after the flush, or,
    in a session where tasks/service.py deferred them, together with the owner's data-version
    bump (one statement: a round trip fewer while the owner's row is locked)."""
    deltas: Counter[CountKey] = session.info.setdefault(_PENDING, Counter())
    days: Counter[DayKey] = session.info.setdefault(_PENDING_DAYS, Counter())
    for task in session.new:
        if isinstance(task, Task):
            task.search_text = search.document(task.title, task.description, task.labels)
            deltas[_key_now(task)] += 1
            _count(days, _day_key_now(task), 1)
    for task in session.dirty:
        if isinstance(task, Task) and session.is_modified(task):
            state = inspect(task)
            if any(state.attrs[name].history.has_changes() for name in _SEARCHED):
                task.search_text = search.document(task.title, task.description, task.labels)
            if any(state.attrs[name].history.has_changes() for name in _COUNTED):
                deltas[_key_before(task)] -= 1
                deltas[_key_now(task)] += 1
            if any(state.attrs[name].history.has_changes() for name in _DAY_COUNTED):
                _count(days, _day_key_before(task), -1)
                _count(days, _day_key_now(task), 1)
    for task in session.deleted:
        if isinstance(task, Task):
            deltas[_key_before(task)] -= 1
            _count(days, _day_key_before(task), -1)


def take_count_changes(session: Session) -> CountChanges:
    """The flushed count changes not yet written, and forget them."""
    return CountChanges.of(
        session.info.pop(_PENDING, Counter()), session.info.pop(_PENDING_DAYS, Counter())
    )


def count_upserts(dialect: str, changes: CountChanges) -> list[Any]:
    """INSERT .. ON CONFLICT statements for these changes: task_counts', then task_open_days'."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statements = []
    for table, columns, rows in (
        (TaskCount, ("owner_id", "status", "priority", "due_day"), changes.totals),
        (TaskOpenDay, ("owner_id", "due_on"), changes.days),
    ):
        if not rows:
            continue
        statement = insert(table).values(
            [{**dict(zip(columns, key, strict=True)), "count": n} for key, n in rows]
        )
        statements.append(
            statement.on_conflict_do_update(
                index_elements=list(columns),
                set_={"count": table.count + statement.excluded["count"]},
            )
        )
    return statements


def owner_bump(owner_id: Any, now: Any) -> Any:
    """UPDATE users: the owner's data version + 1 (ADR 0004), returning the owner's id."""
    return (
        update(User)
        .where(User.id == owner_id)
        .values(tasks_version=User.tasks_version + 1, updated_at=now)
        .returning(User.id)
    )


async def bump_owner(
    db: AsyncSession | AsyncConnection, owner_id: uuid.UUID, now: datetime
) -> None:
    """Run owner_bump and note the change for live streams (published after the request, ADR
    0019): one step, so no write moves a data version unheard (a move once did)."""
    await db.execute(owner_bump(owner_id, now))
    changefeed.changed(owner_id)


def count_upsert_after_bump(bumped: Any, rows: Any) -> Any:
    """INSERT .. ON CONFLICT into task_counts, reading the owner's id from the `bumped` CTE
    (owner_bump): PostgreSQL must then lock the owner's row before any count row, the order
    every task write keeps, so two writers cannot deadlock on them. `rows` selects (status,
    priority, due_day, count) from `bumped` (and whatever else it joins)."""
    columns = ["owner_id", "status", "priority", "due_day", "count"]
    statement = postgresql.insert(TaskCount).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=columns[:-1],
        set_={"count": TaskCount.count + statement.excluded["count"]},
    )


def day_upsert_after_bump(rows: Any) -> Any:
    """count_upsert_after_bump's twin for task_open_days: `rows` selects (owner's id from the
    bump, due_on, count)."""
    columns = ["owner_id", "due_on", "count"]
    statement = postgresql.insert(TaskOpenDay).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=columns[:-1],
        set_={"count": TaskOpenDay.count + statement.excluded["count"]},
    )


def count_delta_rows(bumped: Any, deltas: list[tuple[Any, Any, Any, Any]]) -> Any:
    """(owner, status, priority rank, due day, change) rows for count_upsert_after_bump: the
    bumped owner with each (status, rank, day, change) that is not zero. Values or bind
    parameters."""
    table = values(
        column("status", String),
        column("priority", SmallInteger),
        column("due_day", Date),
        column("count", Integer),
        name="deltas",
    ).data(deltas)
    return (
        select(bumped.c.id, table.c.status, table.c.priority, table.c.due_day, table.c.count)
        .select_from(bumped.join(table, true()))
        .where(table.c.count != 0)
    )


def day_delta_rows(bumped: Any, deltas: list[tuple[Any, Any]]) -> Any:
    """(owner, due day, change) rows for day_upsert_after_bump, as count_delta_rows."""
    table = values(column("due_on", Date), column("count", Integer), name="day_deltas").data(deltas)
    return (
        select(bumped.c.id, table.c.due_on, table.c.count)
        .select_from(bumped.join(table, true()))
        .where(table.c.count != 0)
    )


def bump_with_count_changes(owner_id: uuid.UUID, now: datetime, changes: CountChanges) -> Any:
    """PostgreSQL: the owner's bump and these count changes in one statement."""
    bumped = owner_bump(owner_id, now).cte("bumped")
    if changes.totals:
        totals = [(status, rank, day, n) for (_, status, rank, day), n in changes.totals]
        statement = count_upsert_after_bump(bumped, count_delta_rows(bumped, totals))
    else:
        statement = select(bumped.c.id)
    if changes.days:
        days = [(day, n) for (_, day), n in changes.days]
        day_rows = day_delta_rows(bumped, days)
        statement = statement.add_cte(day_upsert_after_bump(day_rows).cte("counted_days"))
    return statement.add_cte(bumped)


def defer_count_changes(session: Session) -> None:
    """The caller writes this session's count changes itself (take_count_changes), later in the
    same transaction; without this, each flush writes them at once."""
    session.info[_DEFERRED] = True


def _write_count_changes(session: Session) -> None:
    if changes := take_count_changes(session):
        connection = session.connection()
        for statement in count_upserts(connection.dialect.name, changes):
            connection.execute(statement)


@event.listens_for(Session, "after_flush")
def _write_after_flush(session: Session, _flush: UOWTransaction) -> None:
    if not session.info.get(_DEFERRED):
        _write_count_changes(session)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    # A deferred change the caller did not take is still written with its transaction.
    _write_count_changes(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending_counts(session: Session, _previous: Any) -> None:
    # The rows those changes described were rolled back too (e.g. a lost optimistic-lock race).
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_DAYS, None)
