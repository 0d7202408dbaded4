"""Task inputs in the odd forms people and clients send (issue 16, points 3 and 8).

Dates whose zone offset pushes them outside the representable range once converted to UTC are
a 422 naming the field, never a 500; labels compare as people read them (Unicode NFC, trimmed,
duplicates after normalization collapse), on write, in the `label` filter, and for rows written
before that rule (revision 0005).
"""

from __future__ import annotations

import asyncio
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from taskapp import migrate
from taskapp.auth.interface import User
from taskapp.tasks import search
from taskapp.tasks.models import (
    Task,
    TaskStatus,
)
from tests.conftest import Account, assert_problem
from tests.conftest import create_task as create
from tests.revisions import add_counts, connection_on, migrated_scratch, sorted_rows, task_row_0005
from tests.test_task_list import titles

TASKS = "/api/v1/tasks"

# Valid RFC 3339 text whose instant lies before year 1 or after year 9999 in UTC, or is one of
# the two instants asyncpg stores as PostgreSQL's -infinity / infinity.
OVERFLOWING = [
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00+00:01",
    "0001-01-01T23:58:59+23:59",
    "0001-01-01T00:00:00Z",
    "0001-01-01T23:59:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59.999999-00:01",
    "9999-12-31T00:01:00-23:59",
    "9999-12-31T23:59:59.999999Z",
]
# Their neighbours that stay inside the range: accepted, returned in UTC.
EDGES = {
    "0001-01-01T23:59:00.000001+23:59": "0001-01-01T00:00:00.000001Z",
    "0001-01-01T00:00:01Z": "0001-01-01T00:00:01Z",
    "9999-12-31T00:00:59-23:59": "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59.999998Z": "9999-12-31T23:59:59.999998Z",
}


def _errors(response: httpx.Response) -> list[str]:
    return [error["field"] for error in assert_problem(response, 422)["errors"]]


# ---- dates that overflow once converted to UTC ------------------------------------------


@pytest.mark.parametrize("due", OVERFLOWING)
async def test_a_due_date_outside_the_range_in_utc_is_refused_on_create(
    client: httpx.AsyncClient, account: Account, due: str
) -> None:
    response = await client.post(
        TASKS, json={"title": "x", "due_date": due}, headers=account.headers
    )
    assert _errors(response) == ["body.due_date"]
    listed = await client.get(TASKS, headers=account.headers)
    assert listed.json()["items"] == []


@pytest.mark.parametrize("due", OVERFLOWING)
async def test_a_due_date_outside_the_range_in_utc_is_refused_on_update(
    client: httpx.AsyncClient, account: Account, due: str
) -> None:
    task = await create(client, account, title="x", due_date="2030-01-01T00:00:00Z")
    url = f"{TASKS}/{task['id']}"
    response = await client.patch(url, json={"due_date": due}, headers=account.headers)
    assert _errors(response) == ["body.due_date"]
    unchanged = await client.get(url, headers=account.headers)
    assert unchanged.json() == task


@pytest.mark.parametrize("due", OVERFLOWING)
@pytest.mark.parametrize("name", ["due_before", "due_after"])
async def test_a_due_filter_outside_the_range_in_utc_is_refused(
    client: httpx.AsyncClient, account: Account, due: str, name: str
) -> None:
    response = await client.get(TASKS, params={name: due}, headers=account.headers)
    assert _errors(response) == [f"query.{name}"]


async def test_the_first_and_last_instants_are_accepted_and_found(
    client: httpx.AsyncClient, account: Account
) -> None:
    for n, (due, utc) in enumerate(EDGES.items()):
        task = await create(client, account, title=f"t{n}", due_date=due)
        assert task["due_date"] == utc
        found = await client.get(
            TASKS, params={"due_after": due, "due_before": due}, headers=account.headers
        )
        assert found.status_code == 200, found.text
        assert found.json()["items"] == []  # [due, due) is empty, and valid
        every = await client.get(TASKS, params={"due_after": due}, headers=account.headers)
        assert f"t{n}" in titles(every.json()["items"]), due


def _utc(local: datetime, offset: timedelta) -> datetime | None:
    """The instant in UTC, or None when the API refuses it: outside datetime's range (years
    1..9999) or one of its two ends."""
    try:
        utc = local - offset
    except OverflowError:
        return None
    return None if utc in (datetime.min, datetime.max) else utc.replace(tzinfo=UTC)


OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timedelta(minutes=minutes)
)
# Most examples within a day of either end of the range, where an offset can cross it.
NEAR_ENDS = st.one_of(
    st.datetimes(max_value=datetime.min + timedelta(days=1)),
    st.datetimes(min_value=datetime.max - timedelta(days=1)),
    st.datetimes(),
)


def _rfc3339(local: datetime, offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{local.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(local=NEAR_ENDS, offset=OFFSETS)
async def test_any_offset_on_any_date_is_stored_in_utc_or_refused_by_name(
    client: httpx.AsyncClient, account: Account, local: datetime, offset: timedelta
) -> None:
    # One account for every example (a registration hashes a password): the checks below do not
    # depend on the tasks earlier examples created.
    due = _rfc3339(local, offset)
    expected = _utc(local, offset)
    created = await client.post(
        TASKS, json={"title": "t", "due_date": due}, headers=account.headers
    )
    listed = await client.get(
        TASKS, params={"due_after": due, "due_before": due}, headers=account.headers
    )
    if expected is None:
        assert _errors(created) == ["body.due_date"]
        assert sorted(_errors(listed)) == ["query.due_after", "query.due_before"]
        return
    assert created.status_code == 201, created.text
    assert datetime.fromisoformat(created.json()["due_date"]) == expected
    # due_after is inclusive, due_before exclusive: the empty range [due, due).
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []
    stored = await client.get(f"{TASKS}/{created.json()['id']}", headers=account.headers)
    assert datetime.fromisoformat(stored.json()["due_date"]) == expected


# ---- labels compare as people read them ---------------------------------------------------

NFC_E = "\u00e9"  # é as one code point
NFD_E = "e\u0301"  # e + combining acute accent, as macOS and some keyboards send it


async def test_labels_are_stored_trimmed_in_nfc_and_duplicates_collapse_in_order(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(
        client, account, labels=[f"caf{NFD_E}", "work", f" caf{NFC_E} ", f"CAF{NFD_E.upper()}"]
    )
    assert task["labels"] == [f"caf{NFC_E}", "work", f"CAF{NFC_E.upper()}"]
    assert all(unicodedata.is_normalized("NFC", label) for label in task["labels"])


async def test_labels_set_by_update_are_normalized_the_same_way(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, labels=["old"])
    response = await client.patch(
        f"{TASKS}/{task['id']}",
        json={"labels": [f"r{NFD_E}sum{NFD_E}", f"r{NFC_E}sum{NFC_E}"]},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["labels"] == [f"r{NFC_E}sum{NFC_E}"]


async def test_the_label_filter_matches_either_form(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create(client, account, title="typed composed", labels=[f"caf{NFC_E}"])
    await create(client, account, title="typed decomposed", labels=[f"caf{NFD_E}"])
    await create(client, account, title="other", labels=["cafe"])
    for label in (f"caf{NFC_E}", f"caf{NFD_E}", f" caf{NFD_E}"):
        found = await client.get(
            TASKS, params={"label": label, "sort": "title"}, headers=account.headers
        )
        assert titles(found.json()["items"]) == ["typed composed", "typed decomposed"], label


# ---- revision 0005 normalizes the labels already stored ----------------------------------

# (labels as stored before revision 0005, what they must become)
STORED = [
    ([f"caf{NFD_E}", "work", f"caf{NFC_E}"], [f"caf{NFC_E}", "work"]),
    ([f"r{NFD_E}sum{NFD_E}"], [f"r{NFC_E}sum{NFC_E}"]),
    (["plain", "q4"], ["plain", "q4"]),
    ([], []),
]
# Over one batch of the revision (it reads 500 rows at a time).
COPIES = 160


async def _write_legacy_tasks(url: str) -> None:
    owner = uuid.uuid4()
    now = datetime.now(UTC)
    # As the write path of that schema did: labels as sent, search_text and the counts derived
    # in the same transaction (in Core: today's ORM would also write columns added since).
    rows = [
        task_row_0005(
            owner,
            f"T{n}-{i}",
            now=now,
            status=list(TaskStatus)[n % 3],
            labels=list(labels),
            due_date=datetime(2030, 1, 1 + n % 28, tzinfo=UTC),
        )
        for n in range(COPIES)
        for i, (labels, _) in enumerate(STORED)
    ]
    async with connection_on(url, begin=True) as connection:
        # No Inbox: this schema has no projects.
        await connection.execute(
            insert(User).values(id=owner, email=f"{owner.hex}@example.com", password_hash="x")
        )
        await connection.execute(insert(Task), rows)
        await add_counts(connection, rows)


async def _read(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    async with connection_on(url) as connection:
        tasks = (
            await connection.execute(
                select(Task.title, Task.description, Task.labels, Task.search_text)
            )
        ).all()
        counts = await sorted_rows(connection, "SELECT * FROM task_counts")
    return [tuple(row) for row in tasks], counts


def test_revision_0005_normalizes_stored_labels_and_keeps_search_and_counts(
    database_url: str, tmp_path: Path
) -> None:
    # Written at head (the ORM knows columns later revisions add), then taken back to 0004:
    # the labels stay as sent, as the write path before 0005 stored them.
    url = migrated_scratch(database_url, tmp_path, "revision_0005")
    asyncio.run(_write_legacy_tasks(url))
    migrate.downgrade(url, "0004")
    before, counts_before = asyncio.run(_read(url))
    assert sorted(map(tuple, (row[2] for row in before))) == sorted(
        tuple(labels) for _ in range(COPIES) for labels, _ in STORED
    )
    migrate.upgrade(url)
    after, counts_after = asyncio.run(_read(url))
    expected = {tuple(old): new for old, new in STORED}
    assert sorted(row[0] for row in after) == sorted(row[0] for row in before)
    by_title = {row[0]: row for row in before}
    for title, description, labels, search_text in after:
        assert labels == expected[tuple(by_title[title][2])], title
        # What the write path would store for the normalized task: a dropped duplicate is no
        # longer in the search text.
        assert search_text == search.document(title, description, labels), title
    assert counts_after == counts_before
    # Normalizing cannot be undone (which form a label had is gone); the downgrade keeps it.
    migrate.downgrade(url, "0004")
    assert asyncio.run(_read(url)) == (after, counts_after)
