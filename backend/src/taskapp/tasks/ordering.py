"""Manual order: each task's `position` is a fractional-index key (PyPI `fractional-indexing`,
the scheme Figma and Linear use), so a move rewrites one row, not its neighbours.

The order is (position NULLS LAST, created_at, id): keys compare byte by byte (the column's "C"
collation on PostgreSQL), and rows the previous release wrote during a rolling upgrade have no
position yet and come last, oldest first. New tasks go to the end, as in Todoist.

Moves of one owner are serialized on the owner's row (the data-version bump every write makes,
ADR 0004), and the new key is computed from the neighbours as they are *then*, not as the client
saw them: two moves into the same gap both land in it, one after the other, with distinct keys.
A tie (two tasks created at the same instant got the same key) or an unplaced row met by a move
is resolved there and then by giving those rows keys of their own, in their current order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

import fractional_indexing
from sqlalchemy import Table, and_, bindparam, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from taskapp.errors import invalid_field
from taskapp.perf.driver import declare, fetch_all
from taskapp.tasks.models import Task
from taskapp.tasks.schemas import TaskMove


def key_between(low: str | None, high: str | None) -> str:
    """A key strictly between two keys (None: an open end)."""
    return str(fractional_indexing.generate_key_between(low, high))


def keys_between(low: str | None, high: str | None, n: int) -> list[str]:
    """n increasing keys strictly between two keys, spread evenly."""
    return [str(key) for key in fractional_indexing.generate_n_keys_between(low, high, n)]


_LAST_POSITION = declare(
    select(Task.position)
    .where(
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
        Task.position.is_not(None),
    )
    .order_by(Task.position.desc())
    .limit(1)
)


async def end_position(engine: AsyncEngine, owner_id: uuid.UUID, tracer: Any) -> str:
    """The key after the owner's last one: where a new task goes (one index probe)."""
    rows = await fetch_all(engine, _LAST_POSITION, {"owner_id": owner_id}, tracer, "SELECT tasks")
    return key_between(rows[0][0] if rows else None, None)


_Key = tuple[str | None, Any, uuid.UUID]  # (position, created_at, id): the list's order


def _key(row: Any) -> _Key:
    return (row.position, row.created_at, row.id)


def _after(key: _Key) -> ColumnElement[bool]:
    """Rows strictly after `key` in (position NULLS LAST, created_at, id) order."""
    position, created_at, task_id = key
    rest = tuple_(Task.created_at, Task.id) > tuple_(created_at, task_id)
    if position is None:
        return and_(Task.position.is_(None), rest)
    return or_(
        Task.position > position,
        and_(Task.position == position, rest),
        Task.position.is_(None),
    )


def _before(key: _Key) -> ColumnElement[bool]:
    position, created_at, task_id = key
    rest = tuple_(Task.created_at, Task.id) < tuple_(created_at, task_id)
    if position is None:
        return or_(Task.position.is_not(None), and_(Task.position.is_(None), rest))
    return or_(Task.position < position, and_(Task.position == position, rest))


_COLUMNS = (Task.id, Task.position, Task.created_at)
_TASKS = cast(Table, Task.__table__)


async def _place_unplaced(session: AsyncSession, owner_id: uuid.UUID) -> None:
    """Give the owner's rows without a position keys after the last one, oldest first: the
    order they already had. Only rows the previous release wrote are unplaced."""
    unplaced = (
        await session.execute(
            select(Task.id)
            .where(Task.owner_id == owner_id, Task.position.is_(None))
            .order_by(Task.created_at, Task.id)
        )
    ).all()
    if not unplaced:
        return
    last = await session.scalar(
        select(Task.position)
        .where(Task.owner_id == owner_id, Task.position.is_not(None))
        .order_by(Task.position.desc())
        .limit(1)
    )
    keys = keys_between(last, None, len(unplaced))
    await _write_positions(
        session, [(row.id, key) for row, key in zip(unplaced, keys, strict=True)]
    )


async def _write_positions(session: AsyncSession, changes: Sequence[tuple[uuid.UUID, str]]) -> None:
    # Core, not the ORM: re-keying a neighbour changes no field a client edits, so its version
    # (and ETag) stays, and nobody's If-Match fails because someone else moved a task.
    await session.execute(
        update(_TASKS).where(_TASKS.c.id == bindparam("task_id")).values(position=bindparam("key")),
        [{"task_id": task_id, "key": key} for task_id, key in changes],
    )


async def _untie(session: AsyncSession, owner_id: uuid.UUID, moved: uuid.UUID, key: str) -> None:
    """Rows sharing `key`: the first keeps it, the others get keys between it and the next
    distinct one, in their current (created_at, id) order."""
    tied = (
        await session.execute(
            select(Task.id)
            .where(Task.owner_id == owner_id, Task.position == key, Task.id != moved)
            .order_by(Task.created_at, Task.id)
        )
    ).all()
    upper = await session.scalar(
        select(Task.position)
        .where(Task.owner_id == owner_id, Task.position > key)
        .order_by(Task.position)
        .limit(1)
    )
    keys = keys_between(key, upper, len(tied) - 1)
    await _write_positions(session, [(row.id, k) for row, k in zip(tied[1:], keys, strict=True)])


async def _neighbour(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, field: str
) -> Any:
    row = (
        await session.execute(
            select(*_COLUMNS).where(Task.id == task_id, Task.owner_id == owner_id)
        )
    ).first()
    if row is None:  # another user's task reads as no task at all
        raise invalid_field(
            f"body.{field}",
            "no such task",
            "not_found",
            detail="The neighbour task does not exist.",
        )
    return row


async def _adjacent(
    session: AsyncSession, owner_id: uuid.UUID, moved: uuid.UUID, key: _Key, *, forward: bool
) -> Any | None:
    """The row right after (forward) or before `key`, the moved task left out."""
    query = select(*_COLUMNS).where(
        Task.owner_id == owner_id, Task.id != moved, _after(key) if forward else _before(key)
    )
    if forward:
        query = query.order_by(Task.position.asc().nulls_last(), Task.created_at, Task.id)
    else:
        query = query.order_by(
            Task.position.desc().nulls_first(), Task.created_at.desc(), Task.id.desc()
        )
    return (await session.execute(query.limit(1))).first()


async def last_position(session: AsyncSession, owner_id: uuid.UUID, moved: uuid.UUID) -> str:
    """The key after every other task of the owner: `moved` placed at the end."""
    last = await session.scalar(
        select(Task.position)
        .where(Task.owner_id == owner_id, Task.id != moved)
        .order_by(Task.position.desc().nulls_last())
        .limit(1)
    )
    return key_between(last, None)


async def new_position(
    session: AsyncSession, owner_id: uuid.UUID, moved: uuid.UUID, move: TaskMove
) -> str:
    """Call with the owner's row locked (tasks/service.move_task).

    The key right after `after_id` (it wins when both are given: the gap the client saw may
    hold another task by now), right before `before_id`, or at the end."""
    await _place_unplaced(session, owner_id)
    after: Any | None
    if move.after_id is not None:
        after = await _neighbour(session, owner_id, move.after_id, "after_id")
        if move.before_id is not None:
            await _neighbour(session, owner_id, move.before_id, "before_id")
    elif move.before_id is not None:
        before = await _neighbour(session, owner_id, move.before_id, "before_id")
        after = await _adjacent(session, owner_id, moved, _key(before), forward=False)
        if after is None:  # before the first task
            return key_between(None, before.position)
    else:
        return await last_position(session, owner_id, moved)
    following = await _adjacent(session, owner_id, moved, _key(after), forward=True)
    if following is not None and following.position == after.position:
        await _untie(session, owner_id, moved, after.position)
        after = await _neighbour(session, owner_id, after.id, "after_id")  # may have a new key
        following = await _adjacent(session, owner_id, moved, _key(after), forward=True)
    # Every row of the owner has a position by now (_place_unplaced).
    return key_between(after.position, None if following is None else following.position)
