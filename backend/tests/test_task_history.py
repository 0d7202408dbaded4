"""Activity history (issue 19): every task write records who changed which field from what to
what, in the write's own transaction; GET /tasks/{id}/history and /projects/{id}/history page
through it newest first."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from taskapp.db import create_engine
from taskapp.settings import Settings
from taskapp.tasks.models import TaskEvent
from tests.conftest import Account, assert_problem, json_object, register_and_login
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"
PROJECTS = "/api/v1/projects"


async def _history(
    http: httpx.AsyncClient, account: Account, path: str, **params: Any
) -> list[dict[str, Any]]:
    response = await http.get(f"{path}/history", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _walk(http: httpx.AsyncClient, account: Account, path: str, limit: int) -> list[str]:
    """Every event id of a history, page by page."""
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = await http.get(f"{path}/history", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


def _what(events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(event["kind"], event["changes"]) for event in events]


async def _patch(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], **body: Any
) -> dict[str, Any]:
    response = await http.patch(f"{TASKS}/{task['id']}", json=body, headers=account.headers)
    return json_object(response, 200)


async def test_create_and_patch_record_exactly_the_changed_fields(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, title="Write", priority="high", labels=["a"])
    await _patch(client, account, task, title="Write it", priority="high", description="now")
    await _patch(client, account, task, title="Write it")  # no change: no event
    await _patch(client, account, task, status="done")

    events = await _history(client, account, f"{TASKS}/{task['id']}")

    inbox = account.user_id
    assert _what(events) == [
        ("completed", {"status": ["pending", "done"]}),
        ("updated", {"title": ["Write", "Write it"], "description": [None, "now"]}),
        (
            "created",
            {
                "title": [None, "Write"],
                "status": [None, "pending"],
                "priority": [None, "high"],
                "labels": [None, ["a"]],
                "project_id": [None, inbox],
            },
        ),
    ]
    assert {event["actor_id"] for event in events} == {account.user_id}
    assert {event["project_id"] for event in events} == {inbox}
    assert {event["task_id"] for event in events} == {task["id"]}
    assert events[0]["task_title"] == "Write it"
    assert [e["created_at"] for e in events] == sorted(
        (e["created_at"] for e in events), reverse=True
    )


async def test_a_recurring_tasks_roll_is_one_completed_event_moving_its_due(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, due_on="2027-01-04", recurrence="FREQ=WEEKLY")

    await _patch(client, account, task, status="done")

    events = await _history(client, account, f"{TASKS}/{task['id']}")
    assert _what(events)[0] == ("completed", {"due_on": ["2027-01-04", "2027-01-11"]})
    assert len(events) == 2


async def test_a_move_is_one_moved_event_without_positions(
    client: httpx.AsyncClient, account: Account
) -> None:
    a = await create(client, account, title="a")
    b = await create(client, account, title="b")

    moved = await client.post(
        f"{TASKS}/{b['id']}/move",
        json={"version": b["version"], "before_id": a["id"]},
        headers=account.headers,
    )
    assert moved.status_code == 200, moved.text
    moved_done = await client.post(
        f"{TASKS}/{b['id']}/move",
        json={"version": moved.json()["version"], "after_id": a["id"], "status": "in_progress"},
        headers=account.headers,
    )
    assert moved_done.status_code == 200, moved_done.text

    events = await _history(client, account, f"{TASKS}/{b['id']}")
    assert _what(events)[:2] == [
        ("moved", {"status": ["pending", "in_progress"]}),
        ("moved", {}),
    ]
    assert _what(await _history(client, account, f"{TASKS}/{a['id']}"))[0][0] == "created"


async def test_bulk_records_each_task_and_a_deleted_task_stays_in_its_projects_history(
    client: httpx.AsyncClient, account: Account
) -> None:
    project = await client.post(PROJECTS, json={"name": "Home"}, headers=account.headers)
    assert project.status_code == 201, project.text
    home = project.json()["id"]
    a = await create(client, account, title="a", project_id=home)
    b = await create(client, account, title="b", project_id=home)
    c = await create(client, account, title="c")  # in the Inbox

    response = await client.post(
        f"{TASKS}/bulk",
        json={
            "operations": [
                {"id": a["id"], "version": 1, "patch": {"priority": "urgent"}},
                {"id": b["id"], "version": 1, "delete": True},
                {"id": c["id"], "version": 1, "patch": {"project_id": home}},
            ]
        },
        headers=account.headers,
    )
    assert response.status_code == 200, response.text

    events = await _history(client, account, f"{PROJECTS}/{home}")
    latest = {(e["task_title"], e["kind"]): e["changes"] for e in events[:3]}
    assert latest == {
        ("a", "updated"): {"priority": ["medium", "urgent"]},
        ("b", "deleted"): {},
        ("c", "updated"): {"project_id": [account.user_id, home]},
    }
    assert [e["kind"] for e in events[3:]] == ["created", "created"]
    inbox = await _history(client, account, f"{PROJECTS}/{account.user_id}")
    assert _what(inbox) == [
        (
            "created",
            {
                "title": [None, "c"],
                "status": [None, "pending"],
                "priority": [None, "medium"],
                "project_id": [None, account.user_id],
            },
        )
    ]
    gone = await client.get(f"{TASKS}/{b['id']}/history", headers=account.headers)
    assert_problem(gone, 404)


async def test_a_failed_bulk_leaves_no_events(client: httpx.AsyncClient, account: Account) -> None:
    a = await create(client, account, title="a")
    b = await create(client, account, title="b")
    await _patch(client, account, b, title="b2")  # b is now version 2

    stale = await client.post(
        f"{TASKS}/bulk",
        json={
            "operations": [
                {"id": a["id"], "version": 1, "patch": {"title": "a2"}},
                {"id": b["id"], "version": 1, "patch": {"title": "b3"}},
            ]
        },
        headers=account.headers,
    )
    assert_problem(stale, 412)
    # Applied and flushed, then refused by the project foreign key: the events go with it.
    unknown_project = await client.post(
        f"{TASKS}/bulk",
        json={
            "operations": [
                {"id": a["id"], "version": 1, "patch": {"title": "a2"}},
                {"id": b["id"], "version": 2, "patch": {"project_id": str(uuid.uuid4())}},
            ]
        },
        headers=account.headers,
    )
    assert_problem(unknown_project, 422)
    stale_patch = await client.patch(
        f"{TASKS}/{a['id']}", json={"title": "a3"}, headers=account.if_match('"7"')
    )
    assert_problem(stale_patch, 412)

    assert _what(await _history(client, account, f"{TASKS}/{a['id']}")) == [
        (
            "created",
            {
                "title": [None, "a"],
                "status": [None, "pending"],
                "priority": [None, "medium"],
                "project_id": [None, account.user_id],
            },
        )
    ]
    assert len(await _history(client, account, f"{TASKS}/{b['id']}")) == 2


async def test_pages_are_stable_while_new_events_arrive(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account, title="t0")
    for n in range(1, 7):
        task = await _patch(client, account, task, title=f"t{n}")
    path = f"{TASKS}/{task['id']}"
    everything = await _walk(client, account, path, limit=50)
    assert len(everything) == 7

    first = await client.get(f"{path}/history", params={"limit": 3}, headers=account.headers)
    await _patch(client, account, task, title="newer")  # lands before the cursor, not after
    rest = await client.get(
        f"{path}/history",
        params={"limit": 50, "cursor": first.json()["next_cursor"]},
        headers=account.headers,
    )
    assert [e["id"] for e in first.json()["items"]] + [e["id"] for e in rest.json()["items"]] == (
        everything
    )
    assert rest.json()["next_cursor"] is None
    # Walked again in pages of 2: the newer event first, then the same events in the same order.
    assert (await _walk(client, account, path, limit=2))[1:] == everything


async def test_a_cursor_is_signed_and_bound_to_its_history(
    client: httpx.AsyncClient, account: Account
) -> None:
    a = await create(client, account, title="a")
    await _patch(client, account, a, title="a2")
    b = await create(client, account, title="b")
    first = await client.get(
        f"{TASKS}/{a['id']}/history", params={"limit": 1}, headers=account.headers
    )
    cursor = first.json()["next_cursor"]

    other = await client.get(
        f"{TASKS}/{b['id']}/history", params={"cursor": cursor}, headers=account.headers
    )
    forged = await client.get(
        f"{TASKS}/{a['id']}/history", params={"cursor": cursor + "x"}, headers=account.headers
    )

    assert "different history" in assert_problem(other, 422)["detail"]
    assert "not issued by this server" in assert_problem(forged, 422)["detail"]


async def test_another_users_task_or_project_history_is_not_found(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    stranger = await register_and_login(client)

    nobody = str(uuid.uuid4())
    for collection, owned in ((TASKS, task["id"]), (PROJECTS, account.user_id)):  # the Inbox
        response = await client.get(f"{collection}/{owned}/history", headers=stranger.headers)
        missing = await client.get(f"{collection}/{nobody}/history", headers=stranger.headers)
        # Exactly what a task or project that does not exist gets: nothing is revealed.
        body, absent = assert_problem(response, 404), assert_problem(missing, 404)
        assert {**body, "instance": None} == {**absent, "instance": None}
    assert await _history(client, account, f"{TASKS}/{task['id']}")


async def _stored_events(settings: Settings, project_id: str) -> int:
    engine = create_engine(settings)
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count())
            .select_from(TaskEvent)
            .where(TaskEvent.project_id == uuid.UUID(project_id))
        )
    await engine.dispose()
    return int(count or 0)


async def test_deleting_a_project_deletes_its_history(
    client: httpx.AsyncClient, account: Account, settings: Settings
) -> None:
    project = (await client.post(PROJECTS, json={"name": "P"}, headers=account.headers)).json()
    await create(client, account, project_id=project["id"])
    assert await _history(client, account, f"{PROJECTS}/{project['id']}")
    assert await _stored_events(settings, project["id"]) == 1

    deleted = await client.delete(f"{PROJECTS}/{project['id']}", headers=account.headers)
    assert deleted.status_code == 204, deleted.text

    response = await client.get(f"{PROJECTS}/{project['id']}/history", headers=account.headers)
    assert_problem(response, 404)
    assert await _stored_events(settings, project["id"]) == 0
