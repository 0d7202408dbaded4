"""Subtasks (issue 18): one level, counters kept on the parent in the subtask's own write,
completing a parent with open subtasks asks first, deleting a parent takes its subtasks along."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Account, client_for, json_object, register_and_login
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"


async def _get(http: httpx.AsyncClient, account: Account, task: dict[str, Any]) -> dict[str, Any]:
    response = await http.get(f"{TASKS}/{task['id']}", headers=account.headers)
    return json_object(response, 200)


async def _counts(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any]
) -> tuple[int, int]:
    body = await _get(http, account, task)
    return body["subtask_count"], body["subtask_done_count"]


async def _stats(http: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    body: dict[str, Any] = (await http.get(f"{TASKS}/stats", headers=account.headers)).json()
    return body


async def test_subtasks_are_counted_on_their_parent_and_listed_by_parent(
    client: httpx.AsyncClient, account: Account
) -> None:
    parent = await create(client, account, title="parent")
    await create(client, account, title="other")
    assert await _counts(client, account, parent) == (0, 0)  # cached now: writes must refresh it

    one = await create(client, account, title="one", parent_id=parent["id"])
    two = await create(client, account, title="two", parent_id=parent["id"], status="done")

    assert one["parent_id"] == parent["id"]
    assert await _counts(client, account, parent) == (2, 1)
    assert (await _get(client, account, parent))["version"] == 1  # counters leave it alone
    listed = await client.get(TASKS, params={"parent": parent["id"]}, headers=account.headers)
    assert [item["id"] for item in listed.json()["items"]] == [two["id"], one["id"]]
    page = await client.get(TASKS, headers=account.headers)
    by_title = {item["title"]: item for item in page.json()["items"]}
    assert (by_title["parent"]["subtask_count"], by_title["parent"]["subtask_done_count"]) == (2, 1)


async def test_a_parent_must_be_the_callers_and_not_a_subtask(
    client: httpx.AsyncClient, account: Account
) -> None:
    parent = await create(client, account)
    child = await create(client, account, parent_id=parent["id"])
    stranger = await register_and_login(client)
    theirs = await create(client, stranger)

    for parent_id, message in (
        (theirs["id"], "no such task"),
        (str(uuid.uuid4()), "no such task"),  # the same answer: nothing is revealed
        (child["id"], "is a subtask itself; subtasks have one level"),
    ):
        response = await client.post(
            TASKS, json={"title": "x", "parent_id": parent_id}, headers=account.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "body.parent_id", "message": message, "type": "invalid_parent"}
        ]
    assert await _counts(client, stranger, theirs) == (0, 0)
    assert await _counts(client, account, parent) == (1, 0)
    assert (await _stats(client, account))["total"] == 2


async def test_completing_and_reopening_a_subtask_moves_the_done_count(
    client: httpx.AsyncClient, account: Account
) -> None:
    parent = await create(client, account)
    child = await create(client, account, parent_id=parent["id"])

    done = await client.patch(
        f"{TASKS}/{child['id']}", json={"status": "done"}, headers=account.headers
    )
    assert done.status_code == 200, done.text
    assert await _counts(client, account, parent) == (1, 1)
    moved = await client.post(
        f"{TASKS}/{child['id']}/move",
        json={"version": done.json()["version"], "status": "in_progress"},
        headers=account.headers,
    )
    assert moved.status_code == 200, moved.text
    assert await _counts(client, account, parent) == (1, 0)


async def test_completing_a_parent_with_open_subtasks_asks_first(
    client: httpx.AsyncClient, account: Account
) -> None:
    parent = await create(client, account, title="parent")
    open_ = [await create(client, account, parent_id=parent["id"]) for _ in range(2)]
    await create(client, account, parent_id=parent["id"], status="done")
    before = await _stats(client, account)

    refused = await client.patch(
        f"{TASKS}/{parent['id']}", json={"status": "done"}, headers=account.headers
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:taskapp:problem:open-subtasks"
    assert refused.json()["open_subtasks"] == 2
    by_move = await client.post(
        f"{TASKS}/{parent['id']}/move",
        json={"version": 1, "status": "done"},
        headers=account.headers,
    )
    assert by_move.status_code == 409
    assert await _stats(client, account) == before

    done = await client.patch(
        f"{TASKS}/{parent['id']}",
        params={"complete_subtasks": "true"},
        json={"status": "done"},
        headers=account.headers,
    )

    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert (done.json()["subtask_count"], done.json()["subtask_done_count"]) == (3, 3)
    for child in open_:
        assert (await _get(client, account, child))["status"] == "done"
    assert (await _stats(client, account))["by_status"]["done"] == 4


async def test_deleting_a_parent_deletes_its_subtasks_and_their_counts(
    client: httpx.AsyncClient, account: Account
) -> None:
    parent = await create(client, account)
    children = [await create(client, account, parent_id=parent["id"]) for _ in range(3)]
    await create(client, account, title="kept")

    lone = await client.delete(f"{TASKS}/{children[0]['id']}", headers=account.headers)
    assert lone.status_code == 204
    assert await _counts(client, account, parent) == (2, 0)
    response = await client.delete(f"{TASKS}/{parent['id']}", headers=account.headers)

    assert response.status_code == 204
    for child in children:
        gone = await client.get(f"{TASKS}/{child['id']}", headers=account.headers)
        assert gone.status_code == 404
    assert (await _stats(client, account))["total"] == 1


async def test_bulk_keeps_the_subtask_rules(client: httpx.AsyncClient, account: Account) -> None:
    parent = await create(client, account)
    child = await create(client, account, parent_id=parent["id"])
    other = await create(client, account, parent_id=(await create(client, account))["id"])
    complete = {"id": parent["id"], "version": 1, "patch": {"status": "done"}}

    refused = await client.post(
        f"{TASKS}/bulk", json={"operations": [complete]}, headers=account.headers
    )
    assert refused.status_code == 409
    done = await client.post(
        f"{TASKS}/bulk",
        json={"operations": [complete], "complete_subtasks": True},
        headers=account.headers,
    )
    assert done.status_code == 200, done.text
    assert (await _get(client, account, child))["status"] == "done"
    deleted = await client.post(
        f"{TASKS}/bulk",
        json={
            "operations": [
                {"id": parent["id"], "version": 2, "delete": True},
                {"id": other["id"], "version": 1, "patch": {"status": "done"}},
            ]
        },
        headers=account.headers,
    )

    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["deleted"] == [parent["id"], child["id"]]  # the subtask went along
    assert await _counts(client, account, {"id": other["parent_id"]}) == (1, 1)
    assert (await _stats(client, account))["total"] == 2


async def _project(http: httpx.AsyncClient, account: Account, name: str) -> str:
    response = await http.post("/api/v1/projects", json={"name": name}, headers=account.headers)
    return str(json_object(response, 201)["id"])


async def _patched(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    response = await http.patch(f"{TASKS}/{task['id']}", json=body, headers=account.headers)
    return json_object(response, 200)


async def _bulk_patched(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], patch: dict[str, Any]
) -> None:
    """`patch` applied to the task's current version through a one-operation bulk."""
    current = await _get(http, account, task)
    operation = {"id": current["id"], "version": current["version"], "patch": patch}
    response = await http.post(
        f"{TASKS}/bulk", json={"operations": [operation]}, headers=account.headers
    )
    assert response.status_code == 200, response.text


async def _titles(
    http: httpx.AsyncClient, account: Account, **params: str
) -> list[tuple[str, str | None]]:
    response = await http.get(TASKS, params={**params, "sort": "title"}, headers=account.headers)
    body = json_object(response, 200)
    return [(item["title"], item["parent_id"]) for item in body["items"]]


async def test_a_subtask_is_made_in_its_parents_project(
    client: httpx.AsyncClient, account: Account
) -> None:
    work = await _project(client, account, "Work")
    home = await _project(client, account, "Home")
    parent = await create(client, account, title="parent", project_id=work)

    child = await create(client, account, title="child", parent_id=parent["id"])
    elsewhere = await client.post(
        TASKS,
        json={"title": "x", "parent_id": parent["id"], "project_id": home},
        headers=account.headers,
    )

    assert child["project_id"] == work
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"] == [
        {
            "field": "body.project_id",
            "message": "a subtask is in its parent's project",
            "type": "invalid_parent",
        }
    ]
    assert await _counts(client, account, parent) == (1, 0)


async def test_a_parent_moved_to_another_project_takes_its_subtasks_along(
    client: httpx.AsyncClient, account: Account
) -> None:
    work = await _project(client, account, "Work")
    home = await _project(client, account, "Home")
    parent = await create(client, account, title="parent", project_id=work)
    await create(client, account, title="a", parent_id=parent["id"])
    await create(client, account, title="b", parent_id=parent["id"], status="done")

    await _patched(client, account, parent, {"project_id": home})
    in_home = [("a", parent["id"]), ("b", parent["id"]), ("parent", None)]
    assert await _titles(client, account, project=home) == in_home
    assert await _titles(client, account, project=work) == []
    # The other two ways to move: the manual-order move and a bulk; the Inbox's id is the owner's.
    parent = await _get(client, account, parent)
    moved = await client.post(
        f"{TASKS}/{parent['id']}/move",
        json={"version": parent["version"], "project_id": work},
        headers=account.headers,
    )
    assert moved.status_code == 200, moved.text
    assert [title for title, _ in await _titles(client, account, project=work)] == [
        "a",
        "b",
        "parent",
    ]
    await _bulk_patched(client, account, parent, {"project_id": home})
    assert await _titles(client, account, project=home) == in_home
    assert await _counts(client, account, parent) == (2, 1)


async def test_a_subtask_moved_to_another_project_becomes_a_task_of_its_own(
    client: httpx.AsyncClient, account: Account
) -> None:
    work = await _project(client, account, "Work")
    parent = await create(client, account, title="parent")
    child = await create(client, account, title="child", parent_id=parent["id"], status="done")
    await create(client, account, title="kept", parent_id=parent["id"])

    patched = await _patched(client, account, child, {"project_id": work})

    assert (patched["project_id"], patched["parent_id"]) == (work, None)
    assert await _counts(client, account, parent) == (1, 0)
    assert await _titles(client, account, parent=parent["id"]) == [("kept", parent["id"])]


async def test_patch_makes_a_task_a_subtask_and_back(
    client: httpx.AsyncClient, account: Account
) -> None:
    work = await _project(client, account, "Work")
    parent = await create(client, account, title="parent", project_id=work)
    task = await create(client, account, title="task", status="done", assignee_id=account.user_id)

    made = await _patched(client, account, task, {"parent_id": parent["id"]})
    assert (made["parent_id"], made["project_id"]) == (parent["id"], work)
    assert await _counts(client, account, parent) == (1, 1)
    history = await client.get(f"{TASKS}/{task['id']}/history", headers=account.headers)
    assert history.json()["items"][0]["changes"]["parent_id"] == [None, parent["id"]]

    freed = await _patched(client, account, task, {"parent_id": None})
    # A task of its own stays in the project it was in.
    assert (freed["parent_id"], freed["project_id"]) == (None, work)
    assert await _counts(client, account, parent) == (0, 0)


async def test_a_task_made_a_subtask_goes_to_the_end_of_its_new_siblings(
    client: httpx.AsyncClient, account: Account
) -> None:
    # Made before the parent, so its manual-order key comes before every subtask's.
    early = await create(client, account, title="early")
    also_early = await create(client, account, title="also early")
    parent = await create(client, account, title="parent")
    for title in ("a", "b"):
        await create(client, account, title=title, parent_id=parent["id"])

    await _patched(client, account, early, {"parent_id": parent["id"]})
    await _bulk_patched(client, account, also_early, {"parent_id": parent["id"]})

    response = await client.get(
        TASKS, params={"parent": parent["id"], "sort": "position"}, headers=account.headers
    )
    order = [item["title"] for item in json_object(response, 200)["items"]]
    assert order == ["a", "b", "early", "also early"]


async def test_patch_refuses_a_parent_that_would_break_one_level(
    client: httpx.AsyncClient, account: Account
) -> None:
    home = await _project(client, account, "Home")
    parent = await create(client, account, title="parent")
    child = await create(client, account, title="child", parent_id=parent["id"])
    task = await create(client, account, title="task")
    stranger = await register_and_login(client)
    theirs = await create(client, stranger)

    one_level = "subtasks have one level"
    for target, body, field, message in (
        (task, {"parent_id": task["id"]}, "parent_id", "a task cannot be its own subtask"),
        (task, {"parent_id": child["id"]}, "parent_id", f"is a subtask itself; {one_level}"),
        (task, {"parent_id": theirs["id"]}, "parent_id", "no such task"),
        (parent, {"parent_id": task["id"]}, "parent_id", f"has subtasks of its own; {one_level}"),
        (
            task,
            {"parent_id": parent["id"], "project_id": home},
            "project_id",
            "a subtask is in its parent's project",
        ),
    ):
        response = await client.patch(f"{TASKS}/{target['id']}", json=body, headers=account.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"] == [
            {"field": f"body.{field}", "message": message, "type": "invalid_parent"}
        ], body
    assert await _counts(client, account, parent) == (1, 0)
    assert await _counts(client, account, task) == (0, 0)
    assert (await _get(client, account, task))["version"] == 1
    assert await _counts(client, stranger, theirs) == (0, 0)


@pytest.mark.postgres_only
async def test_counters_stay_exact_under_concurrent_subtask_writes(app: FastAPI) -> None:
    async with client_for(app) as http:
        account = await register_and_login(http)
        parent = await create(http, account)
        children = await asyncio.gather(
            *(create(http, account, parent_id=parent["id"]) for _ in range(12))
        )
        done = await asyncio.gather(
            *(
                http.patch(
                    f"{TASKS}/{child['id']}", json={"status": "done"}, headers=account.headers
                )
                for child in children[:7]
            ),
            *(
                http.delete(f"{TASKS}/{child['id']}", headers=account.headers)
                for child in children[9:]
            ),
        )
        assert {response.status_code for response in done} == {200, 204}
        assert await _counts(http, account, parent) == (9, 7)
