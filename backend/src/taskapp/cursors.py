"""Signed keyset cursors (ADR 0001): the 422 every list answers for a cursor it did not issue, and
the pages ordered by creation time (comments, history, notifications, assigned tasks): their
cursor is [scope, created_at, id] of the last row shown, signed with the server's secret under a
salt of the list's own.

No `from __future__ import annotations` here: page_request's dependency has annotations that
name its enclosing call's values, which FastAPI could not resolve from strings.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol, TypeVar

from fastapi import Query
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.deps import SettingsDep
from taskapp.errors import ProblemError, invalid_field


class _Keyed(Protocol):
    """A row of a time-ordered list."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


RowT = TypeVar("RowT", bound=_Keyed)

# The `cursor` query parameter of every newest-first list: the previous page's next_cursor.
PageCursor = Annotated[
    str | None, Query(max_length=512, description="next_cursor of the previous page")
]


def invalid_cursor(reason: str) -> ProblemError:
    return invalid_field(
        "query.cursor",
        reason,
        "invalid_cursor",
        detail=f"The cursor is invalid: {reason}. Start again without a cursor.",
    )


@dataclass(frozen=True, slots=True)
class CursorKind:
    """One time-ordered list's cursors: the salt they are signed under (so no list takes
    another's) and the reason given for a cursor of another scope of the same list."""

    salt: str
    elsewhere: str


class TimeOrderedCursors:
    """Cursors of a list scoped to one thing (a task, an account, a history) and ordered by
    creation time: one issued for another scope is refused with the kind's `elsewhere`."""

    def __init__(self, secret_key: str, kind: CursorKind) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=kind.salt)
        self._elsewhere = kind.elsewhere

    def encode(self, scope: str, created_at: datetime, row_id: uuid.UUID) -> str:
        return self._serializer.dumps([scope, created_at.isoformat(), row_id.hex])

    def decode(self, cursor: str, scope: str) -> tuple[datetime, uuid.UUID]:
        try:
            cursor_scope, raw_time, raw_id = self._serializer.loads(cursor)
        except (BadSignature, ValueError, TypeError) as exc:  # includes a wrongly shaped payload
            raise invalid_cursor("it was not issued by this server or was altered") from exc
        if cursor_scope != scope:
            raise invalid_cursor(self._elsewhere)
        try:
            return datetime.fromisoformat(raw_time), uuid.UUID(hex=raw_id)
        except (ValueError, TypeError) as exc:
            raise invalid_cursor("its position is malformed") from exc


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a request to a time-ordered list asks for: how many rows, after which cursor, and
    the list's codec that checks that cursor and signs the next one."""

    cursors: TimeOrderedCursors
    limit: int
    cursor: str | None

    async def rows(
        self, session: AsyncSession, query: Select[RowT], scope: str, *, newest_first: bool = True
    ) -> tuple[list[RowT], str | None]:
        """Up to `limit` rows of `query` (of one mapped class with `created_at` and `id`) after
        the cursor, in that order, and the next page's cursor (None on the last page)."""
        keyed = query.column_descriptions[0]["entity"]
        created_at, row_id = keyed.created_at, keyed.id
        if self.cursor is not None:
            at, last_id = self.cursors.decode(self.cursor, scope)
            if newest_first:
                after = or_(created_at < at, and_(created_at == at, row_id < last_id))
            else:
                after = or_(created_at > at, and_(created_at == at, row_id > last_id))
            query = query.where(after)
        order = (created_at.desc(), row_id.desc()) if newest_first else (created_at, row_id)
        rows = list(await session.scalars(query.order_by(*order).limit(self.limit + 1)))
        if len(rows) <= self.limit:
            return rows, None
        last = rows[self.limit - 1]
        return rows[: self.limit], self.cursors.encode(scope, last.created_at, last.id)


def page_request(kind: CursorKind, max_limit: int) -> Callable[..., Awaitable[PageRequest]]:
    """The dependency of a list of `kind`: its `limit` (1 to max_limit, 50 unless asked) and
    `cursor` query parameters, with the codec for its cursors."""

    async def asked(
        settings: SettingsDep,
        limit: Annotated[int, Query(ge=1, le=max_limit)] = 50,
        cursor: PageCursor = None,
    ) -> PageRequest:
        return PageRequest(TimeOrderedCursors(settings.secret_key, kind), limit, cursor)

    return asked
