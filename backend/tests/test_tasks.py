"""Tasks: CRUD, validation, ownership, ETag/If-Match, idempotency, stats."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem, register_and_login
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"


async def _task_and_url(
    http: httpx.AsyncClient, account: Account, **fields: Any
) -> tuple[dict[str, Any], str]:
    """A new task (create_task) and its URL, where a test goes on to read and write it."""
    task = await create(http, account, **fields)
    return task, f"{TASKS}/{task['id']}"


async def _new_task_url(http: httpx.AsyncClient, account: Account, **fields: Any) -> str:
    """The URL of a new task, for a test that needs no more of it."""
    _, url = await _task_and_url(http, account, **fields)
    return url


async def test_create_returns_201_with_location_etag_and_defaults(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post(TASKS, json={"title": "  Buy milk  "}, headers=account.headers)
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"{TASKS}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["title"] == "Buy milk"
    assert body["status"] == "pending"
    assert body["priority"] == "medium"
    assert body["labels"] == []
    assert body["description"] is None
    assert body["due_date"] is None
    assert body["due_on"] is None
    assert body["recurrence"] is None
    assert body["completed_at"] is None
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"]
    assert body["project_id"] == account.user_id  # the Inbox's id is its owner's
    assert body["position"] == "a0"  # the account's first task: the first key of the order
    assert (body["parent_id"], body["subtask_count"], body["subtask_done_count"]) == (None, 0, 0)
    assert body["assignee_id"] is None
    # The response's keys, in alphabetical order: no more, no fewer.
    assert set(body) == {
        "assignee_id",
        "completed_at",
        "created_at",
        "description",
        "due_date",
        "due_on",
        "id",
        "labels",
        "parent_id",
        "position",
        "priority",
        "project_id",
        "recurrence",
        "status",
        "subtask_count",
        "subtask_done_count",
        "title",
        "updated_at",
        "version",
    }


async def test_create_keeps_every_field_and_normalises_the_due_date_to_utc(
    client: httpx.AsyncClient, account: Account
) -> None:
    body = await create(
        client,
        account,
        title="Ship it",
        description="All of it",
        status="done",
        priority="urgent",
        due_date="2030-05-01T12:00:00+02:00",
        labels=["work", "release", "work"],
    )
    assert body["description"] == "All of it"
    assert body["priority"] == "urgent"
    assert body["due_date"] == "2030-05-01T10:00:00Z"
    assert body["labels"] == ["work", "release"]
    assert body["status"] == "done"
    assert body["completed_at"] is not None


@pytest.mark.parametrize("field", ["owner_id", "id", "version", "created_at", "completed_at"])
async def test_mass_assignment_of_server_fields_is_refused(
    client: httpx.AsyncClient, account: Account, field: str
) -> None:
    value = 7 if field == "version" else str(uuid.uuid4())
    response = await client.post(TASKS, json={"title": "x", field: value}, headers=account.headers)
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == [f"body.{field}"]
    listed = await client.get(TASKS, headers=account.headers)
    assert listed.json()["items"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "body.title"),
        ({"title": "   "}, "body.title"),
        ({"title": "x" * 256}, "body.title"),
        ({"title": "x", "description": "d" * 10_001}, "body.description"),
        ({"title": "x", "status": "archived"}, "body.status"),
        ({"title": "x", "priority": "critical"}, "body.priority"),
        ({"title": "x", "due_date": "2030-01-01T10:00:00"}, "body.due_date"),
        ({"title": "x", "due_date": "tomorrow"}, "body.due_date"),
        ({"title": "x", "labels": [f"l{i}" for i in range(21)]}, "body.labels"),
        ({"title": "x", "labels": ["x" * 51]}, "body.labels.0"),
        ({"title": "x", "labels": [""]}, "body.labels.0"),
        ({"description": "no title"}, "body.title"),
    ],
)
async def test_invalid_task_fields_are_named(
    client: httpx.AsyncClient, account: Account, payload: dict[str, Any], field: str
) -> None:
    response = await client.post(TASKS, json=payload, headers=account.headers)
    body = assert_problem(response, 422)
    assert field in [e["field"] for e in body["errors"]]


async def test_limits_are_inclusive(client: httpx.AsyncClient, account: Account) -> None:
    body = await create(
        client,
        account,
        title="t" * 255,
        description="d" * 10_000,
        labels=[f"label-{i}" for i in range(20)],
    )
    assert len(body["labels"]) == 20
    assert len(body["title"]) == 255


async def test_malformed_json_is_a_422_problem(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(
        TASKS,
        content=b'{"title": ',
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 422)


async def test_read_returns_the_task_with_its_etag(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    response = await client.get(f"{TASKS}/{task['id']}", headers=account.headers)
    assert response.status_code == 200
    assert response.json() == task
    assert response.headers["etag"] == '"1"'
    not_modified = await client.get(f"{TASKS}/{task['id']}", headers=account.if_none_match('"1"'))
    assert not_modified.status_code == 304
    assert not_modified.headers["etag"] == '"1"'


async def test_malformed_task_id_is_422(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(f"{TASKS}/not-a-uuid", headers=account.headers)
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "path.task_id"


async def test_missing_task_is_404(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(f"{TASKS}/{uuid.uuid4()}", headers=account.headers)
    assert_problem(response, 404)


async def test_another_users_task_is_404_on_every_route_and_unchanged(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, title="Mine")
    intruder = await register_and_login(client)
    url = f"{TASKS}/{task['id']}"
    attempts = [
        await client.get(url, headers=intruder.headers),
        await client.patch(url, json={"title": "Yours"}, headers=intruder.headers),
        await client.patch(url, json={"title": "Yours"}, headers=intruder.if_match('"1"')),
        await client.delete(url, headers=intruder.headers),
    ]
    for response in attempts:
        assert_problem(response, 404)
    listed = await client.get(TASKS, headers=intruder.headers)
    assert listed.json()["items"] == []
    stats = await client.get(f"{TASKS}/stats", headers=intruder.headers)
    assert stats.json()["total"] == 0
    mine = await client.get(url, headers=account.headers)
    assert mine.json() == task


async def test_patch_changes_only_given_fields_and_bumps_the_version(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, description="keep me", labels=["a"])
    response = await client.patch(
        f"{TASKS}/{task['id']}", json={"priority": "high"}, headers=account.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["priority"] == "high"
    assert body["description"] == "keep me"
    assert body["labels"] == ["a"]
    assert body["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert body["updated_at"] > task["updated_at"]


async def test_patch_with_no_real_change_keeps_the_version(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, priority="low")
    response = await client.patch(
        f"{TASKS}/{task['id']}", json={"priority": "low"}, headers=account.headers
    )
    assert response.json()["version"] == 1


async def test_patch_can_clear_nullable_fields_but_not_required_ones(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account, description="d", due_date="2030-01-01T00:00:00Z")
    cleared = await client.patch(
        url, json={"description": None, "due_date": None}, headers=account.headers
    )
    assert cleared.json()["description"] is None
    assert cleared.json()["due_date"] is None
    for field in ("title", "status", "priority", "labels"):
        response = await client.patch(url, json={field: None}, headers=account.headers)
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == f"body.{field}"


async def test_patch_refuses_server_fields(client: httpx.AsyncClient, account: Account) -> None:
    task = await create(client, account)
    response = await client.patch(
        f"{TASKS}/{task['id']}", json={"version": 99, "owner_id": "x"}, headers=account.headers
    )
    assert_problem(response, 422)


async def test_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account, title="Original")
    first = await client.patch(url, json={"title": "First"}, headers=account.if_match('"1"'))
    assert first.status_code == 200
    stale = await client.patch(url, json={"title": "Second"}, headers=account.if_match('"1"'))
    body = assert_problem(stale, 412)
    assert stale.headers["etag"] == '"2"'
    assert "changed" in body["detail"]
    current = await client.get(url, headers=account.headers)
    assert current.json()["title"] == "First"
    stale_delete = await client.delete(url, headers=account.if_match('"1"'))
    assert_problem(stale_delete, 412)
    assert (await client.get(url, headers=account.headers)).status_code == 200


async def test_if_match_accepts_the_current_etag_a_list_and_a_star(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account)
    listed = await client.patch(url, json={"title": "b"}, headers=account.if_match('"7", "1"'))
    assert listed.status_code == 200
    star = await client.patch(url, json={"title": "c"}, headers=account.if_match("*"))
    assert star.json()["version"] == 3


async def test_if_match_compares_strongly_so_a_weak_tag_fails_the_precondition(
    client: httpx.AsyncClient, account: Account
) -> None:
    # RFC 9110 §13.1.1: If-Match uses the strong comparison; W/"1" never matches "1".
    task, url = await _task_and_url(client, account)
    patched = await client.patch(url, json={"title": "b"}, headers=account.if_match('W/"1"'))
    assert_problem(patched, 412)
    assert patched.headers["etag"] == '"1"'
    deleted = await client.delete(url, headers=account.if_match('W/"1"'))
    assert_problem(deleted, 412)
    assert (await client.get(url, headers=account.headers)).json() == task


async def test_if_none_match_compares_weakly_and_reads_a_list(
    client: httpx.AsyncClient, account: Account
) -> None:
    # RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
    task, url = await _task_and_url(client, account)
    for header in ('W/"1"', '"9", W/"1"', "*"):
        response = await client.get(url, headers=account.if_none_match(header))
        assert (response.status_code, response.headers["etag"], response.content) == (
            304,
            '"1"',
            b"",
        )
    changed = await client.get(url, headers=account.if_none_match('"2"'))
    assert (changed.status_code, changed.json()) == (200, task)


async def test_concurrent_patches_with_the_same_etag_let_exactly_one_win(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account)
    results = await asyncio.gather(
        *[
            client.patch(url, json={"title": f"writer {i}"}, headers=account.if_match('"1"'))
            for i in range(4)
        ]
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 412, 412, 412]
    final = (await client.get(url, headers=account.headers)).json()
    assert final["version"] == 2
    winner = next(r for r in results if r.status_code == 200)
    assert final["title"] == winner.json()["title"]


async def test_concurrent_patches_without_if_match_all_succeed_last_writer_wins(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account)
    results = await asyncio.gather(
        *[
            client.patch(url, json={"title": f"writer {i}"}, headers=account.headers)
            for i in range(4)
        ]
    )
    assert [r.status_code for r in results] == [200] * 4
    final = (await client.get(url, headers=account.headers)).json()
    assert final["version"] == 5
    assert final["title"] in {f"writer {i}" for i in range(4)}


async def test_done_sets_completed_at_and_leaving_done_clears_it(
    client: httpx.AsyncClient, account: Account
) -> None:
    url = await _new_task_url(client, account)
    done = (await client.patch(url, json={"status": "done"}, headers=account.headers)).json()
    assert done["completed_at"] is not None
    reopened = (
        await client.patch(url, json={"status": "in_progress"}, headers=account.headers)
    ).json()
    assert reopened["completed_at"] is None
    assert reopened["status"] == "in_progress"


async def test_delete_is_204_then_404(client: httpx.AsyncClient, account: Account) -> None:
    url = await _new_task_url(client, account)
    deleted = await client.delete(url, headers=account.if_match('"1"'))
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(await client.get(url, headers=account.headers), 404)
    assert_problem(await client.delete(url, headers=account.headers), 404)


async def test_idempotent_retry_returns_the_first_response(
    client: httpx.AsyncClient, account: Account
) -> None:
    headers = {**account.headers, "Idempotency-Key": "create-42"}
    first = await client.post(TASKS, json={"title": "Once"}, headers=headers)
    again = await client.post(TASKS, json={"title": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    listed = await client.get(TASKS, headers=account.headers)
    assert len(listed.json()["items"]) == 1


async def test_idempotency_key_with_another_body_is_409(
    client: httpx.AsyncClient, account: Account
) -> None:
    headers = {**account.headers, "Idempotency-Key": "create-43"}
    await client.post(TASKS, json={"title": "Once"}, headers=headers)
    conflict = await client.post(TASKS, json={"title": "Twice"}, headers=headers)
    assert_problem(conflict, 409)


async def test_idempotency_keys_are_per_user(client: httpx.AsyncClient, account: Account) -> None:
    other = await register_and_login(client)
    mine = await client.post(
        TASKS, json={"title": "Same"}, headers={**account.headers, "Idempotency-Key": "k"}
    )
    theirs = await client.post(
        TASKS, json={"title": "Same"}, headers={**other.headers, "Idempotency-Key": "k"}
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


async def test_concurrent_retries_with_one_key_create_one_task(
    client: httpx.AsyncClient, account: Account
) -> None:
    headers = {**account.headers, "Idempotency-Key": "burst"}
    results = await asyncio.gather(
        *[client.post(TASKS, json={"title": "Burst"}, headers=headers) for _ in range(5)]
    )
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["id"] for r in results}) == 1
    listed = await client.get(TASKS, headers=account.headers)
    assert len(listed.json()["items"]) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "with space"])
async def test_malformed_idempotency_keys_are_422(
    client: httpx.AsyncClient, account: Account, key: str
) -> None:
    response = await client.post(
        TASKS, json={"title": "x"}, headers={**account.headers, "Idempotency-Key": key}
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "header.idempotency-key"


async def test_stats_count_by_status_priority_and_overdue(
    client: httpx.AsyncClient, account: Account
) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await create(client, account, status="pending", priority="low", due_date=past)
    await create(client, account, status="in_progress", priority="urgent", due_date=past)
    await create(client, account, status="done", priority="urgent", due_date=past)
    await create(client, account, status="pending", priority="high", due_date=future)
    await create(client, account, status="pending", priority="medium")
    response = await client.get(f"{TASKS}/stats", headers=account.headers)
    assert response.status_code == 200
    assert response.json() == {
        "total": 5,
        "by_status": {"pending": 3, "in_progress": 1, "done": 1},
        "by_priority": {"low": 1, "medium": 1, "high": 1, "urgent": 2},
        "overdue": 2,
    }


async def test_stats_of_a_new_user_are_all_zero(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get(f"{TASKS}/stats", headers=account.headers)
    assert response.json() == {
        "total": 0,
        "by_status": {"pending": 0, "in_progress": 0, "done": 0},
        "by_priority": {"low": 0, "medium": 0, "high": 0, "urgent": 0},
        "overdue": 0,
    }
