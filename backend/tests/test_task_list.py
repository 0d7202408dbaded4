"""GET /tasks: filters, sorting, keyset pagination (exactly once, even under inserts)."""

from __future__ import annotations

import asyncio
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from tests.conftest import (
    TEST_SECRET,
    Account,
    assert_problem,
    client_for,
    register_and_login,
)
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"
NOW = datetime.now(UTC)
PRIORITY_RANK = {"low": 1, "medium": 2, "high": 3, "urgent": 4}


async def walk(
    http: httpx.AsyncClient, account: Account, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every item of every page, following next_cursor to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        page_params = {**params, **({"cursor": cursor} if cursor else {})}
        response = await http.get(TASKS, params=page_params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= int(params.get("limit", 50))
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


def titles(items: list[dict[str, Any]]) -> list[str]:
    return [item["title"] for item in items]


async def listed_titles(http: httpx.AsyncClient, account: Account, params: Any) -> list[str]:
    """The titles on the first page of the account's task list for these query parameters."""
    response = await http.get(TASKS, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return titles(response.json()["items"])


async def test_default_order_is_newest_first(client: httpx.AsyncClient, account: Account) -> None:
    for name in ("one", "two", "three"):
        await create(client, account, title=name)
    response = await client.get(TASKS, headers=account.headers)
    assert response.status_code == 200
    body = response.json()
    assert titles(body["items"]) == ["three", "two", "one"]
    assert body["next_cursor"] is None


async def test_filters_by_status_and_priority_repeatable(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create(client, account, title="a", status="pending", priority="low")
    await create(client, account, title="b", status="in_progress", priority="high")
    await create(client, account, title="c", status="done", priority="high")
    await create(client, account, title="d", status="pending", priority="urgent")
    # A list value is the parameter repeated (status=pending&status=done).
    pending_or_done = {"status": ["pending", "done"], "sort": "title"}
    assert await listed_titles(client, account, pending_or_done) == ["a", "c", "d"]
    pressing = {"priority": ["high", "urgent"], "status": "pending", "sort": "title"}
    assert await listed_titles(client, account, pressing) == ["d"]


async def test_label_filter_requires_every_given_label(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create(client, account, title="a", labels=["work", "urgent-ish"])
    await create(client, account, title="b", labels=["work"])
    await create(client, account, title="c", labels=["home"])
    await create(client, account, title="d", labels=["Work"])
    assert await listed_titles(client, account, {"label": "work", "sort": "title"}) == ["a", "b"]
    both_labels = {"label": ["work", "urgent-ish"]}
    assert await listed_titles(client, account, both_labels) == ["a"]


async def test_search_is_case_insensitive_over_title_and_description(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create(client, account, title="Quarterly REPORT")
    await create(client, account, title="Other", description="attach the report please")
    await create(client, account, title="100% done_ish")
    await create(client, account, title="Unrelated")
    assert await listed_titles(client, account, {"q": "report", "sort": "title"}) == [
        "Other",
        "Quarterly REPORT",
    ]
    # LIKE wildcards in the query are literal characters.
    assert await listed_titles(client, account, {"q": "0%"}) == ["100% done_ish"]
    assert await listed_titles(client, account, {"q": "e_i"}) == ["100% done_ish"]
    # So is the escape character the statement uses.
    await create(client, account, title="either/or")
    assert await listed_titles(client, account, {"q": "r/o"}) == ["either/or"]


async def test_due_range_and_overdue(client: httpx.AsyncClient, account: Account) -> None:
    yesterday = (NOW - timedelta(days=1)).isoformat()
    tomorrow = (NOW + timedelta(days=1)).isoformat()
    next_week = (NOW + timedelta(days=7)).isoformat()
    await create(client, account, title="late", due_date=yesterday)
    await create(client, account, title="late but done", due_date=yesterday, status="done")
    await create(client, account, title="soon", due_date=tomorrow)
    await create(client, account, title="later", due_date=next_week)
    await create(client, account, title="someday")
    overdue = await client.get(TASKS, params={"overdue": "true"}, headers=account.headers)
    assert titles(overdue.json()["items"]) == ["late"]
    assert await listed_titles(client, account, {"overdue": "false", "sort": "title"}) == [
        "late but done",
        "later",
        "someday",
        "soon",
    ]
    window = await client.get(
        TASKS,
        params={"due_after": NOW.isoformat(), "due_before": (NOW + timedelta(days=2)).isoformat()},
        headers=account.headers,
    )
    assert titles(window.json()["items"]) == ["soon"]


async def test_priority_sorts_low_to_urgent_and_due_date_puts_missing_last(
    client: httpx.AsyncClient, account: Account
) -> None:
    for name, priority in [("m", "medium"), ("u", "urgent"), ("l", "low"), ("h", "high")]:
        await create(client, account, title=name, priority=priority)
    assert await listed_titles(client, account, {"sort": "priority"}) == ["l", "m", "h", "u"]
    assert await listed_titles(client, account, {"sort": "-priority"}) == ["u", "h", "m", "l"]

    other = await register_and_login(client)
    await create(client, other, title="none")
    await create(client, other, title="d2", due_date=(NOW + timedelta(days=2)).isoformat())
    await create(client, other, title="d1", due_date=(NOW + timedelta(days=1)).isoformat())
    asc = await client.get(TASKS, params={"sort": "due_date"}, headers=other.headers)
    assert titles(asc.json()["items"]) == ["d1", "d2", "none"]
    desc = await client.get(TASKS, params={"sort": "-due_date"}, headers=other.headers)
    assert titles(desc.json()["items"]) == ["d2", "d1", "none"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 201}, "query.limit"),
        ({"limit": 0}, "query.limit"),
        ({"sort": "owner_id"}, "query.sort"),
        ({"status": "archived"}, "query.status"),
        ({"overdue": "maybe"}, "query.overdue"),
        ({"due_before": "2030-01-01T00:00:00"}, "query.due_before"),
        ({"page": 2}, "query.page"),
    ],
)
async def test_bad_query_parameters_are_422(
    client: httpx.AsyncClient, account: Account, params: dict[str, Any], field: str
) -> None:
    response = await client.get(TASKS, params=params, headers=account.headers)
    body = assert_problem(response, 422)
    assert any(e["field"].startswith(field) for e in body["errors"])


async def test_inverted_due_range_is_422(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(
        TASKS,
        params={"due_after": "2030-01-02T00:00:00Z", "due_before": "2030-01-01T00:00:00Z"},
        headers=account.headers,
    )
    assert_problem(response, 422)


async def test_limit_200_is_allowed(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(TASKS, params={"limit": 200}, headers=account.headers)
    assert response.status_code == 200


async def _cursor_after_first_page(http: httpx.AsyncClient, account: Account) -> str:
    for i in range(3):
        await create(http, account, title=f"t{i}")
    page = await http.get(TASKS, params={"limit": 1}, headers=account.headers)
    cursor: str = page.json()["next_cursor"]
    assert cursor
    return cursor


async def test_a_tampered_cursor_is_422(client: httpx.AsyncClient, account: Account) -> None:
    cursor = await _cursor_after_first_page(client, account)
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (flipped, "garbage", cursor + "x"):
        response = await client.get(
            TASKS, params={"limit": 1, "cursor": bad}, headers=account.headers
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == "query.cursor"


async def test_a_cursor_is_bound_to_its_sort_and_filters(
    client: httpx.AsyncClient, account: Account
) -> None:
    cursor = await _cursor_after_first_page(client, account)
    for params in ({"sort": "title"}, {"status": "pending"}):
        response = await client.get(
            TASKS, params={"limit": 1, "cursor": cursor, **params}, headers=account.headers
        )
        body = assert_problem(response, 422)
        assert "different sort or filter" in body["detail"]


async def test_a_signed_cursor_with_a_bad_position_is_422(
    client: httpx.AsyncClient, account: Account
) -> None:
    serializer = URLSafeSerializer(TEST_SECRET, salt="taskapp.tasks.cursor")
    cursor = await _cursor_after_first_page(client, account)
    field, descending, fingerprint, _value, _id = serializer.loads(cursor)
    for value, raw_id in [
        ("not a date", uuid.uuid4().hex),
        (None, uuid.uuid4().hex),
        (NOW.isoformat(), "zz"),
        ("2030-01-01T00:00:00", uuid.uuid4().hex),
    ]:
        forged = serializer.dumps([field, descending, fingerprint, value, raw_id])
        response = await client.get(
            TASKS, params={"limit": 1, "cursor": forged}, headers=account.headers
        )
        assert_problem(response, 422)


async def test_pages_return_every_task_exactly_once_while_tasks_are_created(
    client: httpx.AsyncClient, account: Account
) -> None:
    original = {(await create(client, account, title=f"task {i:02d}"))["id"] for i in range(45)}
    for sort in ("-created_at", "title", "-priority", "due_date"):
        seen: list[str] = []
        cursor = None
        page_number = 0
        while True:
            params: dict[str, Any] = {"limit": 7, "sort": sort}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(TASKS, params=params, headers=account.headers)).json()
            seen.extend(item["id"] for item in page["items"])
            # Meanwhile another client keeps adding tasks.
            await create(client, account, title=f"new {sort} {page_number}")
            page_number += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)), f"duplicates with sort={sort}"
        assert original <= set(seen), f"missing tasks with sort={sort}"


async def test_concurrent_inserts_during_a_walk_never_duplicate_or_skip(app: FastAPI) -> None:
    async with client_for(app) as reader, client_for(app) as writer:
        account = await register_and_login(reader)
        original = {(await create(reader, account, title=f"o{i}"))["id"] for i in range(30)}
        stop = asyncio.Event()

        async def keep_inserting() -> None:
            i = 0
            while not stop.is_set():
                await create(writer, account, title=f"w{i}", priority="urgent")
                i += 1

        inserter = asyncio.create_task(keep_inserting())
        try:
            items = await walk(reader, account, {"limit": 4, "sort": "priority"})
        finally:
            stop.set()
            await inserter
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert original <= set(ids)


# ---- property-based: any filter + sort, walked in pages, equals the oracle -------------------

TITLES = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
TASK = st.fixed_dictionaries(
    {
        "title": TITLES,
        "status": st.sampled_from(["pending", "in_progress", "done"]),
        "priority": st.sampled_from(["low", "medium", "high", "urgent"]),
        "labels": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True),
        "due_days": st.one_of(st.none(), st.integers(min_value=-3, max_value=3)),
    }
)
QUERY = st.fixed_dictionaries(
    {},
    optional={
        "status": st.lists(
            st.sampled_from(["pending", "in_progress", "done"]), min_size=1, max_size=2
        ),
        "priority": st.lists(
            st.sampled_from(["low", "medium", "high", "urgent"]), min_size=1, max_size=2
        ),
        "label": st.sampled_from(["a", "b", "c"]),
        "q": st.sampled_from(["a", "B", "ab", "h"]),
        "overdue": st.booleans(),
    },
)
# Each field assert_ordered knows, ascending and descending ("-").
SORTS = st.sampled_from(
    [
        f"{direction}{field}"
        for field in ("created_at", "updated_at", "due_date", "priority", "title")
        for direction in ("", "-")
    ]
)


def folded(text: str) -> str:
    """The oracle's idea of "the same letters": no case, no accents, compatibility forms."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(task: dict[str, Any], query: dict[str, Any], now: datetime) -> bool:
    if "status" in query and task["status"] not in query["status"]:
        return False
    if "priority" in query and task["priority"] not in query["priority"]:
        return False
    if "label" in query and query["label"] not in task["labels"]:
        return False
    if "q" in query:
        parts = [task["title"], task["description"] or "", *task["labels"]]
        if not any(folded(query["q"]) in folded(part) for part in parts):
            return False
    if "overdue" in query:
        due = task["due_date"]
        is_overdue = (
            due is not None and datetime.fromisoformat(due) < now and task["status"] != "done"
        )
        if is_overdue != query["overdue"]:
            return False
    return True


def sort_value(task: dict[str, Any], field: str) -> Any:
    if field == "priority":
        return PRIORITY_RANK[task["priority"]]
    if field in {"created_at", "updated_at", "due_date"} and task[field] is not None:
        return datetime.fromisoformat(task[field])
    return task[field]


def assert_ordered(items: list[dict[str, Any]], sort: str) -> None:
    field = sort.removeprefix("-")
    descending = sort.startswith("-")
    values = [sort_value(item, field) for item in items]
    present = [v for v in values if v is not None]
    if field == "due_date":  # missing due dates come last, whatever the direction
        assert values == present + [None] * (len(values) - len(present))
    assert present == sorted(present, reverse=descending)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tasks=st.lists(TASK, min_size=0, max_size=14),
    query=QUERY,
    sort=SORTS,
    limit=st.integers(min_value=1, max_value=5),
)
async def test_any_filter_and_sort_walked_in_pages_equals_the_oracle(
    app: FastAPI,
    tasks: list[dict[str, Any]],
    query: dict[str, Any],
    sort: str,
    limit: int,
) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        created = []
        for spec in tasks:
            due_days = spec["due_days"]
            due = (
                None if due_days is None else (NOW + timedelta(days=due_days, hours=1)).isoformat()
            )
            created.append(
                await create(
                    http,
                    account,
                    **{k: v for k, v in spec.items() if k != "due_days"},
                    due_date=due,
                )
            )
        items = await walk(http, account, {**query, "sort": sort, "limit": limit})
    now = datetime.now(UTC)
    expected = {task["id"] for task in created if matches(task, query, now)}
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    assert_ordered(items, sort)


def test_oracle_ordering_check_can_fail() -> None:
    # Guard against an assertion that cannot fail: a wrong order must be caught.
    items = [{"title": "b"}, {"title": "a"}]
    with pytest.raises(AssertionError):
        assert_ordered(items, "title")
