"""The list's cursors: signed, tied to their sort and filters, and readable across a release.

The codec writes its payload without zlib (tasks/pagination.py); the earlier releases' cursors,
compressed ones included, must still read back, or a client paging through a rolling upgrade
would get a 400 for a cursor this server family issued.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeSerializer

from taskapp.errors import ProblemError
from taskapp.tasks.pagination import CursorCodec, SortSpec, _encode_value, filters_fingerprint

SECRET = "s" * 48
SALT = "taskapp.tasks.cursor"  # what every release has signed cursors with
pytestmark = pytest.mark.no_database


def previous_release_cursor(
    sort: SortSpec, fingerprint: str, value: object, task_id: uuid.UUID
) -> str:
    """A cursor as the releases before this codec wrote it: itsdangerous' own serializer, which
    zlib-compresses a payload whenever that is shorter."""
    payload = [sort.field, sort.descending, fingerprint, _encode_value(value), task_id.hex]
    return URLSafeSerializer(SECRET, salt=SALT).dumps(payload)


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("-created_at", datetime(2026, 12, 4, 3, 57, 28, 237791, tzinfo=UTC)),
        ("title", "Quarterly report, drafts and sign-off for the whole board " * 3),
        ("priority", "urgent"),
        ("position", ("a0", datetime(2026, 1, 2, tzinfo=UTC))),
        ("due_date", None),
    ],
)
def test_a_previous_release_cursor_reads_back(sort: str, value: object) -> None:
    spec, task_id = SortSpec.parse(sort), uuid.uuid4()
    fingerprint = filters_fingerprint({"status": ["pending"], "q": None})
    old = previous_release_cursor(spec, fingerprint, value, task_id)
    codec = CursorCodec(SECRET)

    decoded = codec.decode(old, spec, fingerprint)
    new = codec.encode(spec, fingerprint, value, task_id)

    expected = value if sort != "priority" else decoded[0]  # a priority reads back as the enum
    assert decoded == (expected, task_id)
    assert codec.decode(new, spec, fingerprint) == decoded
    assert not new.startswith(".")  # written uncompressed


def test_the_long_title_cursor_was_compressed_before() -> None:
    """The case above that matters: the old serializer did compress this one."""
    spec = SortSpec.parse("title")
    old = previous_release_cursor(spec, "f" * 16, "Quarterly report " * 10, uuid.uuid4())
    assert old.startswith(".")


def test_a_cursor_signed_with_another_key_or_altered_is_refused() -> None:
    spec, task_id = SortSpec.parse("-created_at"), uuid.uuid4()
    when = datetime(2026, 12, 4, tzinfo=UTC)
    codec = CursorCodec(SECRET)
    cursor = codec.encode(spec, "f" * 16, when, task_id)
    payload, _, signature = cursor.rpartition(".")
    forged = CursorCodec("t" * 48).encode(spec, "f" * 16, when, task_id)
    altered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature

    for bad in (forged, altered):
        with pytest.raises(ProblemError) as raised:
            codec.decode(bad, spec, "f" * 16)
        assert "not issued by this server or was altered" in raised.value.detail
