"""Signed keyset cursors (ADR 0001): the 422 every list answers for a cursor it did not issue, and
the cursor of the newest-first pages (comments, history, notifications): [scope, created_at, id]
of the last row shown, signed with the server's secret under a salt of the list's own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query
from itsdangerous import BadSignature, URLSafeSerializer

from taskapp.errors import FieldError, ProblemError

# The `cursor` query parameter of every newest-first list: the previous page's next_cursor.
PageCursor = Annotated[
    str | None, Query(max_length=512, description="next_cursor of the previous page")
]


def invalid_cursor(reason: str) -> ProblemError:
    return ProblemError(
        422,
        f"The cursor is invalid: {reason}. Start again without a cursor.",
        problem_type="validation-error",
        title="Validation failed",
        errors=[FieldError(field="query.cursor", message=reason, type="invalid_cursor")],
    )


class NewestFirstCursors:
    """Cursors of a list scoped to one thing (a task, an account, a history): one issued for
    another scope is refused with `elsewhere` as the reason."""

    def __init__(self, secret_key: str, *, salt: str, elsewhere: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=salt)
        self._elsewhere = elsewhere

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
