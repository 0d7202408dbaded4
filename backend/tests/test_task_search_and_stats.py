"""Search and stats that stay flat as a user's tasks grow, and stay exact.

Search is accent- and case-insensitive and matches labels too (issue 16, point 8); stats come
from counts kept in the same transaction as every write (ADR 0007). The plan checks read what the
database does for a user with a few thousand tasks: the work must not grow with them.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from taskapp import migrate
from taskapp.db import utcnow
from taskapp.tasks import list_query
from taskapp.tasks.models import Priority, Task, TaskOpenDay, TaskStatus
from taskapp.tasks.schemas import TaskQuery
from taskapp.tasks.stats import recount_open_days
from tests.conftest import Account, client_for, register_and_login
from tests.conftest import create_task as create
from tests.revisions import add_owner, connection_on, migrated_scratch, session_on, sorted_rows
from tests.test_task_list import folded, titles, walk

TASKS = "/api/v1/tasks"
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---- search: accents, case, labels --------------------------------------------------------


async def test_search_ignores_accents_and_case(client: httpx.AsyncClient, account: Account) -> None:
    await create(client, account, title="Café crème")
    await create(client, account, title="Other", description="CAFE au lait")
    # The same word typed decomposed (e + combining acute), as macOS file names are.
    await create(client, account, title="cafe\u0301 noir")
    await create(client, account, title="Straße")
    await create(client, account, title="Unrelated")
    for q in ("cafe", "CAFÉ", "café", "Cafe\u0301"):
        found = await client.get(TASKS, params={"q": q, "sort": "title"}, headers=account.headers)
        assert titles(found.json()["items"]) == ["Café crème", "Other", "cafe\u0301 noir"], q
    strasse = await client.get(TASKS, params={"q": "STRASSE"}, headers=account.headers)
    assert titles(strasse.json()["items"]) == ["Straße"]


async def test_search_matches_labels(client: httpx.AsyncClient, account: Account) -> None:
    for n in range(6):
        await create(client, account, title=f"Invoice {n}", labels=["#finance", "q4"])
    await create(client, account, title="Budget", labels=["Finançe"])
    await create(client, account, title="Holiday", labels=["travel"])
    found = await client.get(TASKS, params={"q": "finance"}, headers=account.headers)
    assert sorted(titles(found.json()["items"])) == ["Budget", *[f"Invoice {n}" for n in range(6)]]


async def test_search_follows_edits_to_title_description_and_labels(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, title="Draft", labels=["old"])
    url = f"{TASKS}/{task['id']}"

    async def found(q: str) -> list[str]:
        response = await client.get(TASKS, params={"q": q}, headers=account.headers)
        return titles(response.json()["items"])

    assert await found("old") == ["Draft"]
    await client.patch(url, json={"labels": ["Nouveau"]}, headers=account.headers)
    assert (await found("old"), await found("nouveau")) == ([], ["Draft"])
    await client.patch(url, json={"description": "Révisé"}, headers=account.headers)
    assert await found("revise") == ["Draft"]
    await client.patch(url, json={"title": "Final"}, headers=account.headers)
    assert (await found("draft"), await found("FINAL")) == ([], ["Final"])


# Letters that fold together in different ways: case, accents, compatibility forms, ß.
LETTERS = "aAáÁàeEéÉèëcCçÇoOöøßsSfiﬁ#_%/ "
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=8).filter(lambda s: s.strip() != "")
DOCUMENT = st.fixed_dictionaries(
    {
        "title": WORDS,
        "description": st.one_of(st.none(), WORDS),
        "labels": st.lists(WORDS, max_size=2, unique_by=lambda s: s.strip()),
    }
)


@PROPERTY
@given(documents=st.lists(DOCUMENT, min_size=1, max_size=6), q=WORDS)
async def test_search_finds_exactly_the_tasks_whose_folded_text_holds_the_folded_query(
    app: FastAPI, documents: list[dict[str, Any]], q: str
) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        created = [await create(http, account, **document) for document in documents]
        items = await walk(http, account, {"q": q, "limit": 200})
    needle = folded(q.strip())
    expected = {
        task["id"]
        for task in created
        if any(
            needle in folded(part)
            for part in [task["title"], task["description"] or "", *task["labels"]]
        )
    }
    assert {item["id"] for item in items} == expected


# ---- stats: exact after every write -------------------------------------------------------

NOW = datetime.now(UTC)
# Due dates at least half an hour from now, so "overdue" cannot flip while a test runs; within
# two days either way, so today's and yesterday's buckets both hold tasks.
DUE = st.one_of(
    st.none(),
    st.integers(min_value=-48, max_value=47).map(
        lambda h: (NOW + timedelta(hours=h, minutes=30)).isoformat()
    ),
)
# Due days a day or more from today, so "overdue" cannot flip at midnight while a test runs.
DAY = st.sampled_from([-3, -2, -1, 1, 2, 3]).map(
    lambda d: (NOW.date() + timedelta(days=d)).isoformat()
)
FIELDS = st.tuples(
    st.fixed_dictionaries(
        {},
        optional={
            "status": st.sampled_from([s.value for s in TaskStatus]),
            "priority": st.sampled_from([p.value for p in Priority]),
        },
    ),
    # A task is due at a time or on a day; setting one kind clears the other.
    st.one_of(
        st.just({}),
        st.fixed_dictionaries({"due_date": DUE}),
        st.fixed_dictionaries({"due_on": st.one_of(st.none(), DAY)}),
    ),
).map(lambda parts: {**parts[0], **parts[1]})
WRITE: st.SearchStrategy[tuple[str, dict[str, Any], int]] = st.one_of(
    st.tuples(st.just("create"), FIELDS, st.just(0)),
    st.tuples(st.just("patch"), FIELDS, st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("delete"), st.just({}), st.integers(min_value=0, max_value=50)),
)


def expected_stats(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "total": len(tasks),
        "by_status": {s.value: sum(t["status"] == s.value for t in tasks) for s in TaskStatus},
        "by_priority": {p.value: sum(t["priority"] == p.value for t in tasks) for p in Priority},
        "overdue": sum(
            t["status"] != "done"
            and (
                (t["due_date"] is not None and datetime.fromisoformat(t["due_date"]) < now)
                # The user's zone is UTC.
                or (t["due_on"] is not None and date.fromisoformat(t["due_on"]) < now.date())
            )
            for t in tasks
        ),
    }


def expected_open_days(tasks: list[dict[str, Any]]) -> dict[date, int]:
    return dict(
        Counter(
            date.fromisoformat(t["due_on"])
            for t in tasks
            if t["due_on"] is not None and t["status"] != "done"
        )
    )


async def open_days(app: FastAPI, owner_id: str) -> dict[date, int]:
    """The owner's task_open_days rows, leaving out days counted down to 0."""
    async with app.state.services.read_engine.connect() as connection:
        rows = await connection.execute(
            select(TaskOpenDay.due_on, TaskOpenDay.count).where(
                TaskOpenDay.owner_id == uuid.UUID(owner_id), TaskOpenDay.count != 0
            )
        )
        return dict(rows.all())


async def apply_write(
    http: httpx.AsyncClient,
    account: Account,
    kind: str,
    fields: dict[str, Any],
    pick: int,
    live: dict[str, dict[str, Any]],
) -> None:
    """One write through the API; `live` follows what the responses say exists."""
    if kind == "create" or not live:
        task = await create(http, account, **fields)
        live[task["id"]] = task
        return
    task_id = sorted(live)[pick % len(live)]
    if kind == "patch":
        response = await http.patch(f"{TASKS}/{task_id}", json=fields, headers=account.headers)
        assert response.status_code == 200, response.text
        live[task_id] = response.json()
    else:
        response = await http.delete(f"{TASKS}/{task_id}", headers=account.headers)
        assert response.status_code == 204, response.text
        del live[task_id]


@PROPERTY
@given(writes=st.lists(WRITE, min_size=1, max_size=12))
async def test_stats_are_exact_after_every_write(
    app: FastAPI, writes: list[tuple[str, dict[str, Any], int]]
) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        live: dict[str, dict[str, Any]] = {}
        for kind, fields, pick in writes:
            await apply_write(http, account, kind, fields, pick, live)
            stats = await http.get(f"{TASKS}/stats", headers=account.headers)
            assert stats.json() == expected_stats(list(live.values()))
            assert await open_days(app, account.user_id) == expected_open_days(list(live.values()))
        # And the API's own list agrees with the responses the writes returned.
        assert sorted(walk_ids := [t["id"] for t in await walk(http, account, {})]) == sorted(
            live
        ), walk_ids


async def test_recount_rebuilds_due_day_counts_a_writer_around_the_orm_left_wrong(
    app: FastAPI,
) -> None:
    """A release before revision 0016 (or raw SQL) changes due-day tasks without keeping
    task_open_days; `taskapp recount` rebuilds them from the tasks, for every owner."""
    yesterday = (NOW.date() - timedelta(days=1)).isoformat()
    async with client_for(app) as http:
        first, second = await register_and_login(http), await register_and_login(http)
        done = await create(http, first, due_on=yesterday)
        await create(http, first, due_on=yesterday)
        await create(http, second, due_on=yesterday, status="done")
    engine: AsyncEngine = app.state.services.engine
    async with engine.begin() as connection:  # as the previous release would write them
        await connection.execute(
            update(Task).where(Task.id == uuid.UUID(done["id"])).values(status="done")
        )
        await connection.execute(
            update(Task).where(Task.owner_id == uuid.UUID(second.user_id)).values(status="pending")
        )
    day = date.fromisoformat(yesterday)
    assert await open_days(app, first.user_id) == {day: 2}
    assert await open_days(app, second.user_id) == {}

    # Batches of 2 owners: the suite's database holds many, so several batches run.
    assert await recount_open_days(engine, batch_size=2) >= 2
    assert await open_days(app, first.user_id) == {day: 1}
    assert await open_days(app, second.user_id) == {day: 1}


async def test_stats_stay_exact_under_concurrent_writers(app: FastAPI) -> None:
    # On PostgreSQL these run in parallel transactions on the pool; on SQLite they queue for
    # the writer lock. Either way no count may be lost or doubled. A write that loses the race
    # to the same task five times in a row is answered 409 "try again" (docs/api.md) and changes
    # nothing: on a busy CI machine a delete of a much-patched seed task did, and that is fine.
    async with client_for(app) as http:
        account = await register_and_login(http)
        seed = [await create(http, account, priority="low") for _ in range(8)]

        async def writer(number: int) -> None:
            rng = random.Random(number)
            for step in range(12):
                choice = rng.random()
                if choice < 0.5:
                    await create(
                        http,
                        account,
                        status=rng.choice(["pending", "done"]),
                        due_date=(NOW - timedelta(hours=rng.randint(1, 30))).isoformat(),
                    )
                elif choice < 0.85:
                    target = seed[(number + step) % len(seed)]
                    response = await http.patch(
                        f"{TASKS}/{target['id']}",
                        json={
                            "status": rng.choice(["pending", "in_progress", "done"]),
                            "priority": rng.choice(["low", "urgent"]),
                        },
                        headers=account.headers,
                    )
                    assert response.status_code in (200, 404, 409), response.text
                else:
                    target = seed[(number * 3 + step) % len(seed)]
                    response = await http.delete(f"{TASKS}/{target['id']}", headers=account.headers)
                    assert response.status_code in (204, 404, 409), response.text

        await asyncio.gather(*[writer(n) for n in range(8)])
        every_task = await walk(http, account, {"limit": 200})
        stats = await http.get(f"{TASKS}/stats", headers=account.headers)
    assert stats.json() == expected_stats(every_task)
    assert stats.json()["total"] > 8


# ---- flat: what the database reads for a user with thousands of tasks --------------------

SEEDED = 3_000


async def seed_tasks(
    app: FastAPI, owner_id: str, titles_at: dict[int, str], *, due_days: bool = False
) -> None:
    """SEEDED tasks through the ORM (as `taskapp seed-demo` writes them), none due today; with
    `due_days`, one in 20 is due on one of the days before today (most of those open, overdue)."""
    services = app.state.services
    now = utcnow()
    async with services.session_factory() as session:
        session.add_all(
            Task(
                owner_id=uuid.UUID(owner_id),
                title=titles_at.get(n, f"Task {n}"),
                status=list(TaskStatus)[n % 3],
                priority=list(Priority)[n % 4],
                due_date=now + timedelta(days=n % 20 - 10) if n % 20 != 10 else None,
                due_on=now.date() - timedelta(days=n % 7 + 1)
                if due_days and n % 20 == 10
                else None,
                labels=["seeded"],
                created_at=now - timedelta(seconds=n),
                updated_at=now - timedelta(seconds=n),
            )
            for n in range(SEEDED)
        )
        await session.commit()
    # The read engine autocommits: VACUUM refuses to run inside a transaction.
    async with services.read_engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("VACUUM ANALYZE tasks"))
        else:
            await connection.execute(text("ANALYZE"))


def plan_nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *[node for child in plan.get("Plans", []) for node in plan_nodes(child)]]


def task_rows_read(plan: dict[str, Any]) -> int:
    """Rows of `tasks` (or its indexes) a PostgreSQL plan produced or threw away."""
    return sum(
        int(node["Actual Rows"] * node["Actual Loops"])
        + int(node.get("Rows Removed by Filter", 0))
        + int(node.get("Rows Removed by Index Recheck", 0))
        for node in plan_nodes(plan)
        if node.get("Relation Name") == "tasks"
    )


async def explain(engine: AsyncEngine, sql: str, params: Any) -> tuple[int, str]:
    """(task rows read, plan text): EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite,
    where the count is that of full scans or non-covering reads of tasks (0 when flat)."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            raw = await connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", tuple(params)
            )
            document = raw.scalar_one()
            plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
            return task_rows_read(plan), json.dumps(plan)
        rows = (
            await connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}",
                tuple(p.hex if isinstance(p, uuid.UUID) else p for p in params),
            )
        ).all()
        details = [str(row[-1]) for row in rows]
        unbounded = [
            d
            for d in details
            if d.startswith(("SCAN tasks", "SEARCH tasks")) and "COVERING INDEX" not in d
        ]
        return len(unbounded) * SEEDED, "\n".join(details)


async def test_stats_read_counts_not_the_users_tasks(app: FastAPI) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        await seed_tasks(app, account.user_id, {}, due_days=True)
        engine: AsyncEngine = app.state.services.read_engine
        statements: list[tuple[str, Any]] = []

        def remember(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
            statements.append((sql, params))

        event.listen(engine.sync_engine, "before_cursor_execute", remember)
        try:
            stats = await http.get(f"{TASKS}/stats", headers=account.headers)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", remember)
    assert stats.status_code == 200
    assert stats.json()["total"] == SEEDED
    on_tasks = [(sql, params) for sql, params in statements if "FROM tasks" in sql]
    for sql, params in on_tasks:
        rows, plan = await explain(engine, sql, params)
        # No seeded task is due today, so the only rows of tasks worth reading are none.
        assert rows == 0, plan


async def test_a_rare_word_is_found_without_reading_the_users_other_tasks(app: FastAPI) -> None:
    rare = {n: f"Quarterly review {n}" for n in range(0, SEEDED, 1_000)}
    async with client_for(app) as http:
        account = await register_and_login(http)
        await seed_tasks(app, account.user_id, rare)
        found = await walk(http, account, {"q": "quarterly", "limit": 50})
    assert sorted(titles(found)) == sorted(rare.values())
    engine: AsyncEngine = app.state.services.read_engine
    query = TaskQuery(q="quarterly")
    shape = list_query.ListShape.of(engine.dialect.name, query, "none")
    params = list_query.parameters(
        shape, uuid.UUID(account.user_id), query, utcnow(), None, ZoneInfo("UTC")
    )
    compiled = list_query.statement_for(shape).statement.compile(dialect=engine.dialect)
    positional = [params.get(name, compiled.params[name]) for name in compiled.positiontup or ()]
    rows, plan = await explain(engine, str(compiled), positional)
    if engine.dialect.name == "postgresql":
        # The matches, a page's worth of index false positives at most: not 3,000 rows.
        assert rows <= len(rare) + 50, plan
    else:
        # SQLite has no trigram index (ADR 0007): it reads the owner's rows newest first and
        # stops at a page; never a scan of every user's tasks.
        assert "SCAN tasks" not in plan, plan


# ---- revision 0003 fills both for tasks that already exist ---------------------------------


# More than one backfill batch (revision 0003 reads 1,000 rows at a time).
LEGACY_COPIES = 700
LEGACY = [
    # (title, description, labels, status, due in hours from now or None)
    ("Café crème", None, ["#finance"], TaskStatus.PENDING, -30.5),
    ("Straße", "Révisé", [], TaskStatus.DONE, -2.5),
    ("Plain", "", ["Q4", "\ufb01le"], TaskStatus.IN_PROGRESS, None),
    ("Later", "x", ["y"], TaskStatus.PENDING, 50.5),
]


async def _write_tasks(url: str) -> None:
    now = utcnow()
    async with session_on(url) as session:
        owners = [await add_owner(session), await add_owner(session)]
        session.add_all(
            Task(
                owner_id=owners[n % 2],
                title=title,
                description=description,
                labels=labels,
                status=status,
                priority=list(Priority)[n % 4],
                due_date=None if due is None else now + timedelta(hours=due),
            )
            for n in range(LEGACY_COPIES)
            for title, description, labels, status, due in LEGACY
        )
        await session.commit()


async def _derived(url: str) -> tuple[list[Any], list[Any]]:
    async with connection_on(url) as connection:
        texts = await sorted_rows(connection, "SELECT id, search_text FROM tasks")
        # The day as text: asyncpg reads both 'infinity' and 9999-12-31 as date.max, but they are
        # two keys to PostgreSQL: a write would count under one, the backfill under the other.
        counts = await sorted_rows(
            connection,
            "SELECT owner_id, status, priority, CAST(due_day AS TEXT), count FROM task_counts",
        )
    return texts, counts


def test_revision_0003_backfills_what_the_write_path_keeps(
    database_url: str, tmp_path: Path
) -> None:
    """Tasks written at head, their derived data dropped (downgrade to 0002) and rebuilt by the
    upgrade's backfill: the same search_text and counts, on the suite's database engine."""
    url = migrated_scratch(database_url, tmp_path, "revision_0003")
    asyncio.run(_write_tasks(url))
    texts, counts = asyncio.run(_derived(url))
    assert len(texts) == LEGACY_COPIES * len(LEGACY)
    assert {t for _, t in texts} == {
        "cafe creme\n\n#finance",
        "strasse\nrevise",
        "plain\n\nq4\nfile",
        "later\nx\ny",
    }
    assert sum(row[-1] for row in counts) == len(texts)
    migrate.downgrade(url, "0002")
    migrate.upgrade(url)
    assert asyncio.run(_derived(url)) == (texts, counts)
