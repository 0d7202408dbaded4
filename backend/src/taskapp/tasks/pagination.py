"""Keyset pagination: the sort key and id of the last row, signed so a client cannot forge one."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_encode
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from taskapp.cursors import invalid_cursor
from taskapp.tasks.models import DueAt, Priority, Task

SORT_COLUMNS: dict[str, InstrumentedAttribute[Any] | ColumnElement[Any]] = {
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
    # Due times and due days together: a day sorts as 00:00 UTC of that day (models.DueAt).
    "due_date": DueAt(),
    "priority": Task.priority,
    "title": Task.title,
    "position": Task.position,
}
NULLABLE_SORTS = {"due_date", "position"}
# A second key before id: tasks the previous release wrote have no position yet and keep their
# age order at the end (revision 0008). The cursor of such a sort carries [value, created_at].
SECOND_KEYS: dict[str, InstrumentedAttribute[Any]] = {"position": Task.created_at}


@dataclass(frozen=True, slots=True)
class SortSpec:
    field: str
    descending: bool

    @classmethod
    def parse(cls, sort: str) -> SortSpec:
        return cls(field=sort.removeprefix("-"), descending=sort.startswith("-"))

    @property
    def column(self) -> InstrumentedAttribute[Any] | ColumnElement[Any]:
        return SORT_COLUMNS[self.field]

    @property
    def second(self) -> InstrumentedAttribute[Any] | None:
        return SECOND_KEYS.get(self.field)

    def order_by(self) -> list[ColumnElement[Any]]:
        column, tiebreak = self.column, Task.id
        primary = column.desc() if self.descending else column.asc()
        if self.field in NULLABLE_SORTS:
            primary = primary.nulls_last()  # tasks without a due date come last either way
        second = [] if self.second is None else [self.second.asc()]  # ascending sorts only
        return [primary, *second, tiebreak.desc() if self.descending else tiebreak.asc()]

    def after(
        self,
        value: ColumnElement[Any] | None,
        last_id: ColumnElement[uuid.UUID],
        second: ColumnElement[Any] | None = None,
    ) -> ColumnElement[bool]:
        """Rows strictly after (value, [second,] last_id) in this order; value None: the
        trailing NULL block."""
        column = self.column
        id_after = Task.id < last_id if self.descending else Task.id > last_id
        if self.second is not None and second is not None:
            id_after = or_(self.second > second, and_(self.second == second, id_after))
        if value is None:  # only nullable sorts get here: we are in the trailing NULL block
            return and_(column.is_(None), id_after)
        beyond = column < value if self.descending else column > value
        condition = or_(beyond, and_(column == value, id_after))
        if self.field in NULLABLE_SORTS:
            condition = or_(condition, column.is_(None))
        return condition


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):  # a sort with a second key: [value, second]
        return [_encode_value(part) for part in value]
    return value  # a title, a position, or a priority's name (a str already)


def _decode_value(field: str, raw: Any) -> Any:
    if field in SECOND_KEYS:
        if not isinstance(raw, list) or len(raw) != 2:
            raise ValueError("expected [value, created_at]")
        value = None if raw[0] is None else _decode_value("title", raw[0])
        return (value, _decode_value("created_at", raw[1]))
    if raw is None:
        if field not in NULLABLE_SORTS:
            raise ValueError("null sort value")
        return None
    if field in {"created_at", "updated_at", "due_date"}:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if field == "priority":
        return Priority(raw)
    if not isinstance(raw, str):
        raise TypeError("title must be a string")
    return raw


def filters_fingerprint(filters: dict[str, Any]) -> str:
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class _CursorSerializer(URLSafeSerializer):
    """itsdangerous' URL-safe serializer, writing the payload without trying zlib first.

    A cursor's JSON is about 100 bytes: compressing it saved a few characters and cost half of
    every list page's cursor (docs/adr/0006). Reading is itsdangerous' own, which still takes
    the compressed cursors earlier releases issued (a "." prefix marks them)."""

    def dump_payload(self, obj: Any) -> bytes:
        # orjson's compact output parses as the stdlib JSON the loader uses.
        return base64_encode(orjson.dumps(obj))


class CursorCodec:
    def __init__(self, secret_key: str) -> None:
        self._serializer = _CursorSerializer(secret_key, salt="taskapp.tasks.cursor")

    def encode(self, sort: SortSpec, fingerprint: str, value: Any, task_id: uuid.UUID) -> str:
        """A cursor after the row whose sort value and id these are."""
        payload = [sort.field, sort.descending, fingerprint, _encode_value(value), task_id.hex]
        return self._serializer.dumps(payload)

    def decode(self, cursor: str, sort: SortSpec, fingerprint: str) -> tuple[Any, uuid.UUID]:
        try:
            field, descending, cursor_fingerprint, raw_value, raw_id = self._serializer.loads(
                cursor
            )
        except (BadSignature, ValueError, TypeError) as exc:  # includes a wrongly shaped payload
            raise invalid_cursor("it was not issued by this server or was altered") from exc
        if (field, descending) != (
            sort.field,
            sort.descending,
        ) or cursor_fingerprint != fingerprint:
            raise invalid_cursor("it belongs to a different sort or filter")
        try:
            return _decode_value(field, raw_value), uuid.UUID(hex=raw_id)
        except (ValueError, TypeError) as exc:
            raise invalid_cursor("its position is malformed") from exc
