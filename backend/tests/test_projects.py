"""Projects: the Inbox every account has, CRUD with ETags, tasks in projects, counts, deletion
with the tasks, and another user's project never revealed (404 in a path, 422 in a body)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, insert, update

from taskapp.db import utcnow
from taskapp.tasks import search
from taskapp.tasks.models import (
    CountChanges,
    Priority,
    Task,
    TaskStatus,
    count_key,
    count_upserts,
)
from tests.conftest import (
    Account,
    assert_problem,
    create_task,
    invalid_fields,
    json_object,
    register_and_login,
)
from tests.test_publish import XSS_DESCRIPTION, assert_sanitized

PROJECTS = "/api/v1/projects"
TASKS = "/api/v1/tasks"


async def new_project(http: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    response = await http.post(
        PROJECTS, json={"name": "Project", **fields}, headers=account.headers
    )
    return json_object(response, 201)


async def projects_of(http: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    response = await http.get(PROJECTS, headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def task_titles(http: httpx.AsyncClient, account: Account, **params: str) -> list[str]:
    response = await http.get(TASKS, params={**params, "sort": "title"}, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    engine = app.state.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_new_account_has_exactly_one_inbox(
    client: httpx.AsyncClient, account: Account
) -> None:
    items = await projects_of(client, account)

    assert items == [
        {
            "id": account.user_id,
            "name": "Inbox",
            "colour": "grey",
            "description": "",
            "description_html": "",
            "archived": False,
            "is_inbox": True,
            "role": "owner",
            "open_count": 0,
            "done_count": 0,
            "published_url": None,
            "created_at": items[0]["created_at"],
            "updated_at": items[0]["updated_at"],
            "version": 1,
        }
    ]


async def test_create_read_update_with_etags(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(
        PROJECTS,
        json={"name": "  Garden  ", "colour": "green", "description": "# Plan\n- dig"},
        headers=account.headers,
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"{PROJECTS}/{created['id']}"
    assert response.headers["etag"] == '"1"'
    assert (created["name"], created["colour"], created["is_inbox"]) == ("Garden", "green", False)
    assert (created["open_count"], created["done_count"]) == (0, 0)

    read = await client.get(f"{PROJECTS}/{created['id']}", headers=account.headers)
    assert read.status_code == 200
    assert read.json() == created
    assert read.headers["etag"] == '"1"'

    renamed = await client.patch(
        f"{PROJECTS}/{created['id']}",
        json={"name": "Allotment", "archived": True},
        headers=account.if_match('"1"'),
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["etag"] == '"2"'
    assert (renamed.json()["name"], renamed.json()["archived"]) == ("Allotment", True)

    stale = await client.patch(
        f"{PROJECTS}/{created['id']}",
        json={"archived": False},
        headers=account.if_match('"1"'),
    )
    assert assert_problem(stale, 412)["type"].endswith("precondition-failed")
    assert stale.headers["etag"] == '"2"'

    unarchived = await client.patch(
        f"{PROJECTS}/{created['id']}", json={"archived": False}, headers=account.headers
    )
    assert unarchived.json()["archived"] is False
    assert [p["name"] for p in await projects_of(client, account)] == ["Inbox", "Allotment"]


async def test_the_description_comes_rendered_as_sanitized_html(
    client: httpx.AsyncClient, account: Account
) -> None:
    # The web app shows description_html as is: the server's sanitizer is the only one.
    created = await new_project(client, account, description=XSS_DESCRIPTION)
    read = await client.get(f"{PROJECTS}/{created['id']}", headers=account.headers)
    listed = [p for p in await projects_of(client, account) if p["id"] == created["id"]]

    html = read.json()["description_html"]
    assert html == created["description_html"] == listed[0]["description_html"]
    assert html.startswith('<h1>Plan</h1>\n<p>See <a href="https://example.com/a"')
    assert "<strong>bold</strong>" in html
    assert_sanitized(html)
    assert 'href="javascript:' not in html  # the link stays text, not a link
    assert "&lt;script&gt;" in html  # raw HTML stays visible text

    cleared = await client.patch(
        f"{PROJECTS}/{created['id']}", json={"description": ""}, headers=account.headers
    )
    assert cleared.json()["description_html"] == ""


async def test_inputs_outside_the_contract_are_422(
    client: httpx.AsyncClient, account: Account
) -> None:
    for body, field in [
        ({"name": "x", "colour": "#ff0000"}, "body.colour"),
        ({"name": "x" * 101}, "body.name"),
        ({"name": "   "}, "body.name"),
        ({"name": "x", "description": "d" * 20_001}, "body.description"),
        ({"name": "x", "is_inbox": True}, "body.is_inbox"),
    ]:
        response = await client.post(PROJECTS, json=body, headers=account.headers)
        problem = assert_problem(response, 422)
        assert [error["field"] for error in problem["errors"]] == [field], body
    project = await new_project(client, account)
    response = await client.patch(
        f"{PROJECTS}/{project['id']}", json={"name": None}, headers=account.headers
    )
    assert invalid_fields(response) == ["body.name"]


async def test_the_inbox_cannot_be_archived_or_deleted(
    client: httpx.AsyncClient, account: Account
) -> None:
    inbox = f"{PROJECTS}/{account.user_id}"
    archived = await client.patch(inbox, json={"archived": True}, headers=account.headers)
    assert assert_problem(archived, 409)["type"].endswith("inbox-is-permanent")
    deleted = await client.delete(inbox, headers=account.headers)
    assert assert_problem(deleted, 409)["type"].endswith("inbox-is-permanent")
    renamed = await client.patch(inbox, json={"colour": "blue"}, headers=account.headers)
    assert renamed.status_code == 200
    assert (await projects_of(client, account))[0]["colour"] == "blue"


async def test_another_users_project_is_not_found_in_a_path_and_invalid_in_a_body(
    client: httpx.AsyncClient, account: Account
) -> None:
    other = await register_and_login(client)
    theirs = await new_project(client, other, name="Secret")
    path = f"{PROJECTS}/{theirs['id']}"
    for method, json in [("GET", None), ("PATCH", {"name": "Mine"}), ("DELETE", None)]:
        response = await client.request(method, path, json=json, headers=account.headers)
        assert assert_problem(response, 404)["detail"] == "The project does not exist.", method
    # Their Inbox too (its id is their account's id).
    inbox = await client.get(f"{PROJECTS}/{other.user_id}", headers=account.headers)
    assert_problem(inbox, 404)

    for project_id in (theirs["id"], other.user_id, str(uuid.uuid4())):
        created = await client.post(
            TASKS, json={"title": "x", "project_id": project_id}, headers=account.headers
        )
        problem = assert_problem(created, 422)
        assert [e["field"] for e in problem["errors"]] == ["body.project_id"]
    mine = await create_task(client, account, title="mine")
    moved = await client.patch(
        f"{TASKS}/{mine['id']}", json={"project_id": theirs["id"]}, headers=account.headers
    )
    assert invalid_fields(moved) == ["body.project_id"]
    assert await task_titles(client, account, project=theirs["id"]) == []

    after = await client.get(path, headers=other.headers)
    assert (after.json()["name"], after.json()["open_count"]) == ("Secret", 0)
    unchanged = await client.get(f"{TASKS}/{mine['id']}", headers=account.headers)
    assert (unchanged.json()["project_id"], unchanged.json()["version"]) == (account.user_id, 1)


async def test_tasks_default_to_the_inbox_move_and_filter_by_project(
    client: httpx.AsyncClient, account: Account
) -> None:
    garden = await new_project(client, account, name="Garden")
    await create_task(client, account, title="inbox task")
    dig = await create_task(client, account, title="dig", project_id=garden["id"])
    seed = await create_task(client, account, title="seed")
    assert dig["project_id"] == garden["id"]
    assert seed["project_id"] == account.user_id
    # Warm the cached pages, so that a stale cache would show below.
    assert await task_titles(client, account, project=garden["id"]) == ["dig"]
    assert await task_titles(client, account, project=account.user_id) == ["inbox task", "seed"]

    moved = await client.patch(
        f"{TASKS}/{seed['id']}",
        json={"project_id": garden["id"]},
        headers=account.if_match('"1"'),
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["project_id"], moved.json()["version"]) == (garden["id"], 2)
    assert await task_titles(client, account, project=garden["id"]) == ["dig", "seed"]
    assert await task_titles(client, account, project=account.user_id) == ["inbox task"]
    assert await task_titles(client, account) == ["dig", "inbox task", "seed"]

    back = await client.patch(
        f"{TASKS}/{dig['id']}", json={"project_id": account.user_id}, headers=account.headers
    )
    assert back.json()["project_id"] == account.user_id
    same = await client.patch(
        f"{TASKS}/{dig['id']}", json={"project_id": account.user_id}, headers=account.headers
    )
    assert same.json()["version"] == back.json()["version"]  # no change, no new version
    null = await client.patch(
        f"{TASKS}/{dig['id']}", json={"project_id": None}, headers=account.headers
    )
    assert invalid_fields(null) == ["body.project_id"]
    assert await task_titles(client, account, project=account.user_id) == ["dig", "inbox task"]


async def test_counts_for_the_sidebar_come_from_one_query(
    app: FastAPI, client: httpx.AsyncClient, account: Account
) -> None:
    garden = await new_project(client, account, name="Garden")
    await create_task(client, account, title="a", project_id=garden["id"])
    await create_task(client, account, title="b", project_id=garden["id"], status="done")
    await create_task(client, account, title="c", status="in_progress")
    with statements(app) as few:
        await projects_of(client, account)
    for n in range(4):
        await new_project(client, account, name=f"More {n}")
    with statements(app) as many:
        items = await projects_of(client, account)

    counts = {item["name"]: (item["open_count"], item["done_count"]) for item in items}
    assert counts == {
        "Inbox": (1, 0),
        "Garden": (1, 1),
        **{f"More {n}": (0, 0) for n in range(4)},
    }
    reads = [sql for sql in many if sql.lstrip().upper().startswith("SELECT")]
    assert len(many) == len(few)
    assert len([sql for sql in reads if "FROM tasks" in sql]) == 1
    single = await client.get(f"{PROJECTS}/{garden['id']}", headers=account.headers)
    assert (single.json()["open_count"], single.json()["done_count"]) == (1, 1)


async def test_deleting_a_project_deletes_its_tasks_and_keeps_stats_and_lists_right(
    client: httpx.AsyncClient, account: Account
) -> None:
    garden = await new_project(client, account, name="Garden")
    keep = await create_task(client, account, title="keep", due_date="2000-01-01T00:00:00Z")
    for status in ("pending", "done", "in_progress"):
        await create_task(
            client,
            account,
            title=f"gone {status}",
            status=status,
            priority="high",
            due_date="2000-01-01T00:00:00Z",
            project_id=garden["id"],
        )
    before = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert before["total"] == 4
    assert before["overdue"] == 3
    assert len(await task_titles(client, account)) == 4  # cached now

    stale = await client.delete(f"{PROJECTS}/{garden['id']}", headers=account.if_match('"9"'))
    assert_problem(stale, 412)
    deleted = await client.delete(f"{PROJECTS}/{garden['id']}", headers=account.if_match('"1"'))
    assert deleted.status_code == 204

    assert await task_titles(client, account) == ["keep"]
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert stats == {
        "total": 1,
        "by_status": {"pending": 1, "in_progress": 0, "done": 0},
        "by_priority": {"low": 0, "medium": 1, "high": 0, "urgent": 0},
        "overdue": 1,
    }
    assert_problem(await client.get(f"{PROJECTS}/{garden['id']}", headers=account.headers), 404)
    assert [p["name"] for p in await projects_of(client, account)] == ["Inbox"]
    assert (await client.get(f"{TASKS}/{keep['id']}", headers=account.headers)).status_code == 200


async def test_a_task_the_previous_release_wrote_is_in_the_inbox(
    app: FastAPI, client: httpx.AsyncClient, account: Account
) -> None:
    """The previous release does not know tasks.project_id: its rows have NULL there."""
    owner = uuid.UUID(account.user_id)
    now = utcnow()
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "owner_id": owner,
        "title": "legacy",
        "description": None,
        "status": TaskStatus.DONE,
        "priority": Priority.LOW,
        "due_date": datetime(2030, 1, 1, tzinfo=UTC),
        "labels": [],
        "created_at": now,
        "updated_at": now,
        "completed_at": now,
        "version": 1,
        "search_text": search.document("legacy", None, []),
    }
    key = count_key(owner, row["status"], row["priority"], row["due_date"])
    async with app.state.services.engine.begin() as connection:
        await connection.execute(insert(Task), [row])
        for upsert in count_upserts(connection.dialect.name, CountChanges([(key, 1)])):
            await connection.execute(upsert)
        await connection.execute(update(Task).where(Task.id == row["id"]).values(project_id=None))
    garden = await new_project(client, account, name="Garden")
    await create_task(client, account, title="elsewhere", project_id=garden["id"])

    read = await client.get(f"{TASKS}/{row['id']}", headers=account.headers)
    assert read.json()["project_id"] == account.user_id
    assert await task_titles(client, account, project=account.user_id) == ["legacy"]
    inbox = (await projects_of(client, account))[0]
    assert (inbox["open_count"], inbox["done_count"]) == (0, 1)
    moved = await client.patch(
        f"{TASKS}/{row['id']}", json={"project_id": garden["id"]}, headers=account.headers
    )
    assert moved.json()["project_id"] == garden["id"]
    assert await task_titles(client, account, project=garden["id"]) == ["elsewhere", "legacy"]


async def test_deleting_a_project_while_its_tasks_are_written_keeps_the_counts_exact(
    client: httpx.AsyncClient, account: Account
) -> None:
    """Creates into the project, updates of its tasks and the deletion race: each write either
    lands before the deletion (and its task goes with the project) or fails cleanly after it,
    and the stats, kept by every write, still add up to the tasks that remain."""
    garden = await new_project(client, account, name="Garden")
    tasks = [
        await create_task(client, account, title=f"t{n}", project_id=garden["id"])
        for n in range(12)
    ]
    await create_task(client, account, title="inbox")

    async def create(n: int) -> int:
        response = await client.post(
            TASKS,
            json={"title": f"new{n}", "project_id": garden["id"], "status": "done"},
            headers=account.headers,
        )
        return response.status_code

    async def complete(task: dict[str, Any]) -> int:
        response = await client.patch(
            f"{TASKS}/{task['id']}", json={"status": "done"}, headers=account.headers
        )
        return response.status_code

    async def delete() -> int:
        await asyncio.sleep(0.01)
        response = await client.delete(f"{PROJECTS}/{garden['id']}", headers=account.headers)
        return response.status_code

    statuses = await asyncio.gather(
        delete(), *(create(n) for n in range(12)), *(complete(task) for task in tasks)
    )

    assert statuses[0] == 204
    assert set(statuses[1:13]) <= {201, 422}, statuses
    assert set(statuses[13:]) <= {200, 404}, statuses
    remaining = await client.get(TASKS, params={"limit": 200}, headers=account.headers)
    assert [item["title"] for item in remaining.json()["items"]] == ["inbox"]
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert (stats["total"], stats["by_status"]["pending"], stats["by_status"]["done"]) == (1, 1, 0)
