"""The planner's inputs mean what the OpenAPI description says, and nothing looser: found by
`make fuzz` (schemathesis) after the planner merge. Pydantic's lax mode read `due_to=0` as
1970-01-01 and took `false` for an integer or `0` for a boolean; PATCH on the fixed task paths
answered 422 (the path taken as a task id) where the method is simply not allowed."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Account, assert_problem, invalid_fields

TASKS = "/api/v1/tasks"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"{TASKS}?due_to=0", "query.due_to"),
        (f"{TASKS}?due_from=1700000000", "query.due_from"),
        (f"{TASKS}/agenda?from=0&to=2026-12-01", "query.from"),
    ],
)
async def test_days_in_queries_are_yyyy_mm_dd_only(
    client: httpx.AsyncClient, account: Account, path: str, field: str
) -> None:
    response = await client.get(path, headers=account.headers)
    assert field in invalid_fields(response)


async def test_a_due_day_in_a_body_is_yyyy_mm_dd_only(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post(TASKS, json={"title": "t", "due_on": 0}, headers=account.headers)
    assert invalid_fields(response) == ["body.due_on"]


async def test_an_empty_recurrence_is_refused_and_the_schema_says_so(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post(
        TASKS,
        json={"title": "t", "due_on": "2026-12-07", "recurrence": ""},
        headers=account.headers,
    )
    assert_problem(response, 422)
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["TaskCreate"]
    recurrence = next(s for s in schema["properties"]["recurrence"]["anyOf"] if "type" in s)
    assert recurrence.get("minLength") == 1


@pytest.mark.parametrize("path", [f"{TASKS}/today", f"{TASKS}/agenda", f"{TASKS}/bulk"])
async def test_fixed_task_paths_answer_405_to_other_methods(
    client: httpx.AsyncClient, account: Account, path: str
) -> None:
    response = await client.patch(path, json={}, headers=account.headers)
    assert_problem(response, 405)
    assert response.headers["allow"] in {"GET", "POST"}


async def test_project_archived_is_a_boolean_not_a_number(
    client: httpx.AsyncClient, account: Account
) -> None:
    project = await client.post("/api/v1/projects", json={"name": "P"}, headers=account.headers)
    response = await client.patch(
        f"/api/v1/projects/{project.json()['id']}", json={"archived": 0}, headers=account.headers
    )
    assert invalid_fields(response) == ["body.archived"]


async def test_view_position_is_an_integer_not_a_boolean(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post(
        "/api/v1/views", json={"name": "V", "position": False}, headers=account.headers
    )
    assert invalid_fields(response) == ["body.position"]


async def test_bulk_move_to_a_project_that_is_not_yours_is_422_and_changes_nothing(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = (await client.post(TASKS, json={"title": "stays"}, headers=account.headers)).json()
    response = await client.post(
        f"{TASKS}/bulk",
        json={
            "operations": [
                {
                    "id": task["id"],
                    "version": task["version"],
                    "patch": {"project_id": "00000000-0000-4000-8000-000000000001"},
                }
            ]
        },
        headers=account.headers,
    )
    assert invalid_fields(response) == ["body.operations"]
    after = (await client.get(f"{TASKS}/{task['id']}", headers=account.headers)).json()
    assert (after["project_id"], after["version"]) == (task["project_id"], task["version"])
