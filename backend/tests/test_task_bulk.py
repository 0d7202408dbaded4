"""POST /tasks/bulk (issue 18): many patches and deletions in one transaction, all or nothing,
every operation checked against the version it was decided on."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Account, client_for, register_and_login
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"
BULK = f"{TASKS}/bulk"


async def _bulk(http: httpx.AsyncClient, account: Account, *operations: Any) -> httpx.Response:
    return await http.post(BULK, json={"operations": list(operations)}, headers=account.headers)


async def _snapshot(http: httpx.AsyncClient, account: Account) -> tuple[Any, Any]:
    """Every task (through the cached list) and the stats: what "nothing changed" compares."""
    listed = await http.get(TASKS, params={"limit": 200}, headers=account.headers)
    stats = await http.get(f"{TASKS}/stats", headers=account.headers)
    return listed.json()["items"], stats.json()


async def test_a_bulk_request_patches_and_deletes_in_one_go(
    client: httpx.AsyncClient, account: Account
) -> None:
    a, b, c = [await create(client, account, title=name) for name in "abc"]
    await _snapshot(client, account)  # fills the list cache: the write must invalidate it

    response = await _bulk(
        client,
        account,
        {"id": a["id"], "version": 1, "patch": {"status": "done", "labels": ["x"]}},
        {"id": b["id"], "version": 1, "delete": True},
        {"id": c["id"], "version": 1, "patch": {"priority": "urgent"}},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["deleted"] == [b["id"]]
    assert [(t["id"], t["version"]) for t in body["tasks"]] == [(a["id"], 2), (c["id"], 2)]
    assert body["tasks"][0]["status"] == "done"
    assert body["tasks"][0]["completed_at"] is not None
    assert body["tasks"][0]["labels"] == ["x"]
    assert body["tasks"][1]["priority"] == "urgent"
    items, stats = await _snapshot(client, account)
    assert items == list(reversed(body["tasks"]))  # newest first, exactly what the bulk answered
    assert stats["total"] == 2
    assert stats["by_status"] == {"pending": 1, "in_progress": 0, "done": 1}
    gone = await client.get(f"{TASKS}/{b['id']}", headers=account.headers)
    assert gone.status_code == 404


async def test_one_stale_version_fails_the_whole_request_and_changes_nothing(
    client: httpx.AsyncClient, account: Account
) -> None:
    a, b, c = [await create(client, account, title=name) for name in "abc"]
    edited = await client.patch(f"{TASKS}/{b['id']}", json={"title": "b2"}, headers=account.headers)
    assert edited.json()["version"] == 2
    before = await _snapshot(client, account)

    response = await _bulk(
        client,
        account,
        {"id": a["id"], "version": 1, "patch": {"status": "done"}},
        {"id": b["id"], "version": 1, "patch": {"status": "done"}},  # read before the edit
        {"id": c["id"], "version": 1, "delete": True},
    )

    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:taskapp:problem:precondition-failed"
    assert problem["stale_ids"] == [b["id"]]
    assert problem["current_versions"] == {b["id"]: 2}
    assert await _snapshot(client, account) == before


async def test_another_users_task_is_not_found_and_nothing_is_applied(
    client: httpx.AsyncClient, account: Account
) -> None:
    mine = await create(client, account, title="mine")
    stranger = await register_and_login(client)
    theirs = await create(client, stranger, title="theirs")
    unknown = str(uuid.uuid4())
    before, theirs_before = await _snapshot(client, account), await _snapshot(client, stranger)

    response = await _bulk(
        client,
        account,
        {"id": mine["id"], "version": 1, "patch": {"title": "changed"}},
        {"id": theirs["id"], "version": 1, "delete": True},
        {"id": unknown, "version": 1, "patch": {"title": "x"}},
    )

    assert response.status_code == 404
    problem = response.json()
    assert problem["type"] == "urn:taskapp:problem:not-found"
    # Someone else's task and no task at all are named alike.
    assert problem["missing_ids"] == [theirs["id"], unknown]
    assert await _snapshot(client, account) == before
    assert await _snapshot(client, stranger) == theirs_before


async def test_patches_follow_the_rules_of_patch(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    invalid = {"title": "  ", "id": "x", "due_date": 1700000000}
    alone = await client.patch(f"{TASKS}/{task['id']}", json=invalid, headers=account.headers)

    response = await _bulk(client, account, {"id": task["id"], "version": 1, "patch": invalid})

    assert response.status_code == alone.status_code == 422
    prefix = "body.operations.0.patch.patch."
    assert [
        {**error, "field": error["field"].removeprefix(prefix)}
        for error in response.json()["errors"]
    ] == [
        {**error, "field": error["field"].removeprefix("body.")} for error in alone.json()["errors"]
    ]


async def test_duplicate_ids_and_too_many_operations_are_refused(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    op = {"id": task["id"], "version": 1, "patch": {"title": "x"}}

    repeated = await _bulk(client, account, op, {**op, "patch": {"title": "y"}})
    assert repeated.status_code == 422
    assert repeated.json()["errors"][0]["field"] == "body.operations"
    assert task["id"] in repeated.json()["errors"][0]["message"]

    ops = [{"id": str(uuid.uuid4()), "version": 1, "delete": True} for _ in range(201)]
    too_many = await _bulk(client, account, *ops)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["type"] == "too_long"
    assert (await _bulk(client, account)).status_code == 422  # no operation at all
    unchanged = await client.get(f"{TASKS}/{task['id']}", headers=account.headers)
    assert unchanged.json()["title"] == "Task"


async def test_two_hundred_operations_fit_and_a_second_bulk_undoes_the_first(
    client: httpx.AsyncClient, account: Account
) -> None:
    tasks = [await create(client, account, title=f"t{n}") for n in range(200)]
    done = await _bulk(
        client,
        account,
        *({"id": t["id"], "version": 1, "patch": {"status": "done"}} for t in tasks),
    )
    assert done.status_code == 200, done.text
    assert {t["status"] for t in done.json()["tasks"]} == {"done"}

    undo = await _bulk(
        client,
        account,
        *(
            {"id": t["id"], "version": t["version"], "patch": {"status": "pending"}}
            for t in done.json()["tasks"]
        ),
    )

    assert undo.status_code == 200, undo.text
    assert {(t["status"], t["completed_at"], t["version"]) for t in undo.json()["tasks"]} == {
        ("pending", None, 3)
    }
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert stats["by_status"] == {"pending": 200, "in_progress": 0, "done": 0}


async def test_other_methods_on_the_bulk_path_are_405(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get(BULK, headers=account.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.postgres_only
async def test_a_bulk_racing_a_patch_of_one_of_its_tasks_never_both_win(app: FastAPI) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        tasks = [await create(http, account, title=f"t{n}") for n in range(40)]
        target = tasks[20]
        for round_ in range(3):
            bulk, patch = await asyncio.gather(
                _bulk(
                    http,
                    account,
                    *(
                        {"id": t["id"], "version": t["version"], "patch": {"priority": "urgent"}}
                        for t in tasks
                    ),
                ),
                http.patch(
                    f"{TASKS}/{target['id']}",
                    json={"title": f"edited {round_}"},
                    headers=account.if_match(f'"{target["version"]}"'),
                ),
            )
            # Both were decided on the same version of the target: exactly one may apply.
            assert sorted([bulk.status_code, patch.status_code]) == [200, 412], round_
            items, _ = await _snapshot(http, account)
            if bulk.status_code == 200:
                assert {t["priority"] for t in items} == {"urgent"}
                assert f"edited {round_}" not in {t["title"] for t in items}
            else:
                assert bulk.json()["stale_ids"] == [target["id"]]
                assert "urgent" not in {t["priority"] for t in items}
            tasks = sorted(items, key=lambda t: t["title"])
            target = next(t for t in tasks if t["id"] == target["id"])
            reset = await _bulk(
                http,
                account,
                *(
                    {"id": t["id"], "version": t["version"], "patch": {"priority": "low"}}
                    for t in tasks
                ),
            )
            assert reset.status_code == 200
            tasks = reset.json()["tasks"]
            target = next(t for t in tasks if t["id"] == target["id"])
