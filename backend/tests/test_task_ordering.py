"""Manual order (issue 18): positions as fractional-index keys, `sort=position`, the move
endpoint, concurrent moves into one gap, rows the previous release wrote (NULL position), and
revision 0008's backfill."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import inspect, select, update

from taskapp import migrate
from taskapp.db import create_session_factory, utcnow
from taskapp.tasks.models import Task
from tests.conftest import (
    Account,
    assert_problem,
    client_for,
    register_and_login,
)
from tests.conftest import create_task as create
from tests.revisions import add_owner, connection_on, migrated_scratch, previous_columns, session_on
from tests.test_task_list import titles, walk

TASKS = "/api/v1/tasks"


async def _move(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], **body: Any
) -> httpx.Response:
    return await http.post(
        f"{TASKS}/{task['id']}/move",
        json={"version": task["version"], **body},
        headers=account.headers,
    )


async def _order(http: httpx.AsyncClient, account: Account, **params: Any) -> list[str]:
    return titles(await walk(http, account, {"sort": "position", "limit": 2, **params}))


async def test_new_tasks_go_to_the_end_of_the_manual_order(
    client: httpx.AsyncClient, account: Account
) -> None:
    created = [await create(client, account, title=name) for name in "abcde"]
    assert [task["position"] for task in created] == ["a0", "a1", "a2", "a3", "a4"]
    assert await _order(client, account) == list("abcde")


async def test_move_places_a_task_after_before_or_at_the_end(
    client: httpx.AsyncClient, account: Account
) -> None:
    a, b, c, d = [await create(client, account, title=name) for name in "abcd"]

    moved = await _move(client, account, d, after_id=a["id"], before_id=b["id"])
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert a["position"] < body["position"] < b["position"]
    assert body["version"] == d["version"] + 1
    assert moved.headers["etag"] == f'"{body["version"]}"'
    assert await _order(client, account) == list("adbc")

    moved = await _move(client, account, a, before_id=c["id"])
    assert moved.status_code == 200, moved.text
    assert await _order(client, account) == list("dbac")

    moved = await _move(client, account, {**body, "version": body["version"]})
    assert moved.status_code == 200, moved.text  # neither neighbour: the end
    assert await _order(client, account) == list("bacd")

    moved = await _move(client, account, c, before_id=b["id"])
    assert moved.status_code == 200, moved.text  # before the first task
    assert await _order(client, account) == list("cbad")


async def test_a_move_across_board_columns_changes_the_status_and_the_stats(
    client: httpx.AsyncClient, account: Account
) -> None:
    todo = await create(client, account, title="todo")
    done = await create(client, account, title="done", status="done")
    before = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert before["by_status"] == {"pending": 1, "in_progress": 0, "done": 1}

    moved = await _move(client, account, todo, before_id=done["id"], status="done")

    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "done"
    assert moved.json()["completed_at"] is not None
    after = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert after["by_status"] == {"pending": 0, "in_progress": 0, "done": 2}
    assert await _order(client, account, status="done") == ["todo", "done"]


async def test_a_stale_version_moves_nothing(client: httpx.AsyncClient, account: Account) -> None:
    a, b = await create(client, account, title="a"), await create(client, account, title="b")

    response = await _move(client, account, {**b, "version": 7}, before_id=a["id"])

    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["etag"] == '"1"'
    assert await _order(client, account) == ["a", "b"]


@pytest.mark.parametrize("field", ["status", "project_id"])
async def test_a_null_status_or_project_is_422_naming_the_field_even_with_a_stale_version(
    client: httpx.AsyncClient, account: Account, field: str
) -> None:
    """The schema does not offer null for either (omit the field to keep it): a body that
    sends it is invalid, whatever else is wrong with it (found by the fuzz run)."""
    task = await create(client, account, title="a")

    response = await _move(client, account, {**task, "version": 5044}, **{field: None})

    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == [f"body.{field}"]
    assert (await client.get(f"{TASKS}/{task['id']}", headers=account.headers)).json() == task


async def test_neighbours_and_tasks_of_another_user_are_not_found(
    client: httpx.AsyncClient, account: Account
) -> None:
    mine, other = await create(client, account, title="mine"), await create(client, account)
    stranger = await register_and_login(client)
    theirs = await create(client, stranger, title="theirs")

    as_neighbour = await _move(client, account, mine, after_id=theirs["id"])
    assert as_neighbour.status_code == 422
    assert as_neighbour.json()["errors"][0]["field"] == "body.after_id"
    as_before = await _move(client, account, mine, before_id=theirs["id"])
    assert as_before.json()["errors"][0]["field"] == "body.before_id"
    unknown = await _move(client, account, mine, after_id=str(uuid.uuid4()))
    # Another user's task and no task at all answer alike: nothing is revealed.
    assert (unknown.status_code, unknown.json()["errors"]) == (422, as_neighbour.json()["errors"])
    moved_theirs = await _move(client, account, theirs, after_id=mine["id"])
    assert moved_theirs.status_code == 404
    itself = await _move(client, account, mine, after_id=mine["id"])
    assert itself.status_code == 422
    assert itself.json()["errors"][0]["field"] == "body.after_id"
    assert await _order(client, account) == ["mine", "Task"]
    assert await _order(client, stranger) == ["theirs"]
    assert other["position"] > mine["position"]


async def _insert_as_previous_release(app: FastAPI, owner: str, titles_: list[str]) -> None:
    """Rows as today's main writes them: it knows no position column, so it stays NULL."""
    now = utcnow()
    async with create_session_factory(app.state.services.engine)() as session:
        session.add_all(
            Task(
                owner_id=uuid.UUID(owner),
                title=title,
                labels=[],
                created_at=now + timedelta(seconds=n),
                updated_at=now,
                position=None,
            )
            for n, title in enumerate(titles_)
        )
        await session.commit()


async def test_rows_without_a_position_sort_last_oldest_first_and_a_move_places_them(
    app: FastAPI, client: httpx.AsyncClient, account: Account
) -> None:
    first = await create(client, account, title="first")
    await _insert_as_previous_release(app, account.user_id, ["old1", "old2", "old3"])
    await create(client, account, title="second")

    # Pages of 2 cross from the placed rows into the NULL block and through it.
    assert await _order(client, account) == ["first", "second", "old1", "old2", "old3"]

    moved = await _move(
        client, account, first, after_id=_id(await walk_all(client, account), "old2")
    )
    assert moved.status_code == 200, moved.text
    items = await walk_all(client, account)
    assert titles(items) == ["second", "old1", "old2", "first", "old3"]
    assert all(item["position"] is not None for item in items)


async def walk_all(http: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    return await walk(http, account, {"sort": "position", "limit": 2})


def _id(items: list[dict[str, Any]], title: str) -> str:
    return str(next(item["id"] for item in items if item["title"] == title))


async def test_a_move_between_tasks_sharing_a_key_splits_the_tie(
    app: FastAPI, client: httpx.AsyncClient, account: Account
) -> None:
    # Two creates at the same instant read the same last key: a tie, ordered by created_at.
    a, b, c, d = [await create(client, account, title=name) for name in "abcd"]
    async with create_session_factory(app.state.services.engine)() as session:
        await session.execute(
            update(Task)
            .where(Task.id.in_([uuid.UUID(b["id"]), uuid.UUID(c["id"])]))
            .values(position=a["position"])
        )
        await session.commit()
    assert await _order(client, account) == list("abcd")

    moved = await _move(client, account, d, after_id=a["id"])

    assert moved.status_code == 200, moved.text
    items = await walk_all(client, account)
    assert titles(items) == list("adbc")
    assert len({item["position"] for item in items}) == 4
    # The neighbours re-keyed kept their versions: nobody's If-Match fails for someone's move.
    assert [item["version"] for item in items if item["title"] in "bc"] == [1, 1]


@pytest.mark.postgres_only
async def test_concurrent_moves_into_one_gap_all_land_in_it(app: FastAPI) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        left, right = (
            await create(http, account, title="left"),
            await create(http, account, title="right"),
        )
        movers = [await create(http, account, title=f"m{n}") for n in range(8)]

        responses = await asyncio.gather(
            *(
                _move(http, account, task, after_id=left["id"], before_id=right["id"])
                for task in movers
            )
        )

        assert [response.status_code for response in responses] == [200] * len(movers)
        items = await walk_all(http, account)
        order = titles(items)
        assert order[0] == "left"
        assert order[-1] == "right"
        assert sorted(order[1:-1]) == sorted(task["title"] for task in movers)  # no lost move
        positions = [item["position"] for item in items]
        assert len(set(positions)) == len(positions)  # a total order, no ties left to break
        assert positions == sorted(positions, key=lambda p: p.encode())  # byte order, as stored
        assert {item["version"] for item in items if item["title"].startswith("m")} == {2}
        assert await walk_all(http, account) == items  # stable


# ---- revision 0008 ----------------------------------------------------------------------------

ROWS_PER_OWNER = (1_300, 7, 1)  # more than one backfill batch (1,000 rows), and owners spanning two


async def _write_legacy(url: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Tasks per owner with shuffled creation times; returns each owner's ids oldest first."""
    start = utcnow()
    expected: dict[uuid.UUID, list[uuid.UUID]] = {}
    async with session_on(url) as session:
        for count in ROWS_PER_OWNER:
            owner = await add_owner(session)
            # Created in an order unlike id order and unlike insertion order.
            seconds = [(n * 7919) % count for n in range(count)]
            tasks = [
                Task(
                    id=uuid.uuid4(),
                    owner_id=owner,
                    title=f"t{s}",
                    labels=[],
                    created_at=start + timedelta(seconds=s),
                    updated_at=start,
                )
                for s in seconds
            ]
            session.add_all(tasks)
            expected[owner] = [t.id for t in sorted(tasks, key=lambda t: t.created_at)]
        await session.commit()
    return expected


async def _positions(url: str) -> dict[uuid.UUID, list[tuple[str | None, uuid.UUID]]]:
    found: dict[uuid.UUID, list[tuple[str | None, uuid.UUID]]] = {}
    async with connection_on(url) as connection:
        rows = await connection.execute(select(Task.owner_id, Task.position, Task.id))
        for owner, position, task_id in rows:
            found.setdefault(owner, []).append((position, task_id))
        indexes = await connection.run_sync(
            lambda sync: {index["name"] for index in inspect(sync).get_indexes("tasks")}
        )
    assert "ix_tasks_owner_position" in indexes
    return found


def test_revision_0008_backfills_positions_in_creation_order(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0008", "0005")
    migrate.upgrade(url)
    expected = asyncio.run(_write_legacy(url))  # the ORM at head leaves position NULL here
    assert {p for rows in asyncio.run(_positions(url)).values() for p, _ in rows} == {None}

    migrate.downgrade(url, "0005")
    migrate.upgrade(url)

    found = asyncio.run(_positions(url))
    for owner, ids in expected.items():
        placed = sorted(found[owner], key=lambda row: (row[0] or "").encode())
        assert all(position is not None for position, _ in placed)
        assert len({position for position, _ in placed}) == len(ids)
        assert [task_id for _, task_id in placed] == ids
    owner = next(iter(expected))
    assert asyncio.run(_insert_like_the_previous_release(url, owner)) == (None, None, 0, 0)


# The columns today's main writes (revision 0005), and nothing else: the rest is the database's.
_PREVIOUS_RELEASE_TASKS = previous_columns(
    "tasks",
    "id",
    "owner_id",
    "title",
    "status",
    "priority",
    "labels",
    "created_at",
    "updated_at",
    "version",
    "search_text",
)


async def _insert_like_the_previous_release(url: str, owner: uuid.UUID) -> tuple[Any, ...]:
    task_id, now = uuid.uuid4(), utcnow()
    async with connection_on(url, begin=True) as connection:
        await connection.execute(
            _PREVIOUS_RELEASE_TASKS.insert().values(
                id=task_id,
                owner_id=owner,
                title="old",
                status="pending",
                priority="low",
                labels=[],
                created_at=now,
                updated_at=now,
                version=1,
                search_text="old",
            )
        )
        row = (
            await connection.execute(
                select(
                    Task.position, Task.parent_id, Task.subtask_count, Task.subtask_done_count
                ).where(Task.id == task_id)
            )
        ).one()
    return tuple(row)


async def test_a_move_can_also_put_the_task_next_to_a_task_of_another_project(
    client: httpx.AsyncClient, account: Account
) -> None:
    errands = (
        await client.post("/api/v1/projects", json={"name": "Errands"}, headers=account.headers)
    ).json()
    a = await create(client, account, title="a", project_id=errands["id"])
    await create(client, account, title="b", project_id=errands["id"])
    x = await create(client, account, title="x")  # in the Inbox

    moved = await _move(client, account, x, after_id=a["id"], project_id=errands["id"])

    assert moved.status_code == 200, moved.text
    assert moved.json()["project_id"] == errands["id"]
    assert moved.json()["version"] == x["version"] + 1
    assert await _order(client, account, project=errands["id"]) == ["a", "x", "b"]
    assert await _order(client, account, project=x["project_id"]) == []
    projects = (await client.get("/api/v1/projects", headers=account.headers)).json()["items"]
    counts = {p["name"]: p["open_count"] for p in projects}
    assert counts["Errands"] == 3
    # Back to the Inbox by its id (the owner's id), at the end.
    back = await _move(client, account, moved.json(), project_id=x["project_id"])
    assert back.status_code == 200, back.text
    assert back.json()["project_id"] == x["project_id"]
    assert await _order(client, account, project=errands["id"]) == ["a", "b"]


async def test_a_task_put_in_another_project_by_patch_or_bulk_goes_to_its_end(
    client: httpx.AsyncClient, account: Account
) -> None:
    # Made first, so their keys come before every Errands task's.
    early = await create(client, account, title="early")
    also_early = await create(client, account, title="also early")
    errands = (
        await client.post("/api/v1/projects", json={"name": "Errands"}, headers=account.headers)
    ).json()
    for title in ("a", "b"):
        await create(client, account, title=title, project_id=errands["id"])

    patched = await client.patch(
        f"{TASKS}/{early['id']}", json={"project_id": errands["id"]}, headers=account.headers
    )
    assert patched.status_code == 200, patched.text
    operation = {"id": also_early["id"], "version": also_early["version"]}
    bulk = await client.post(
        f"{TASKS}/bulk",
        json={"operations": [{**operation, "patch": {"project_id": errands["id"]}}]},
        headers=account.headers,
    )
    assert bulk.status_code == 200, bulk.text

    assert await _order(client, account, project=errands["id"]) == ["a", "b", "early", "also early"]
    # A PATCH that names the project the task is already in keeps its place.
    again = await client.patch(
        f"{TASKS}/{early['id']}", json={"project_id": errands["id"]}, headers=account.headers
    )
    assert again.json()["position"] == patched.json()["position"]


async def test_a_move_into_another_users_project_is_422_naming_the_field_and_moves_nothing(
    client: httpx.AsyncClient, account: Account
) -> None:
    other = await register_and_login(client)
    theirs = (
        await client.post("/api/v1/projects", json={"name": "Theirs"}, headers=other.headers)
    ).json()
    a = await create(client, account, title="a")
    b = await create(client, account, title="b")

    for project_id in (theirs["id"], str(uuid.uuid4())):  # someone else's, or none at all
        response = await _move(client, account, b, before_id=a["id"], project_id=project_id)
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["body.project_id"]

    after = (await client.get(f"{TASKS}/{b['id']}", headers=account.headers)).json()
    assert (after["project_id"], after["version"], after["position"]) == (
        b["project_id"],
        b["version"],
        b["position"],
    )
    assert await _order(client, account) == ["a", "b"]
    listed = await client.get(TASKS, params={"project": theirs["id"]}, headers=other.headers)
    assert listed.json()["items"] == []
