"""Account care: the data export (everything the account owns, nothing of anyone else's, paged)
and the account's deletion (no row of it left in any table), both confirmed by password."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from taskapp.db import Base, utcnow
from taskapp.tasks.export import export_tasks
from taskapp.tasks.models import TaskCompletion
from tests.conftest import Account, create_task, register_and_login
from tests.test_attachments import attach, worker

API = "/api/v1"


async def _own_data(app: FastAPI, http: httpx.AsyncClient, account: Account, tag: str) -> None:
    """A project, a saved view, tasks (one a subtask, one recurring with a completion, one
    with a comment, a reminder and a file), a digest hour, a second session and a password
    reset link."""
    project = await http.post(
        f"{API}/projects", json={"name": f"Project {tag}"}, headers=account.headers
    )
    assert project.status_code == 201, project.text
    view = await http.post(
        f"{API}/views",
        json={"name": f"View {tag}", "query": "sort=due_date"},
        headers=account.headers,
    )
    assert view.status_code == 201, view.text
    parent = await create_task(
        http, account, title=f"Parent {tag}", project_id=project.json()["id"]
    )
    await create_task(http, account, title=f"Child {tag}", parent_id=parent["id"])
    recurring = await create_task(
        http, account, title=f"Daily {tag}", due_on="2027-01-04", recurrence="FREQ=DAILY"
    )
    async with app.state.services.session_factory() as session:
        session.add(
            TaskCompletion(
                task_id=uuid.UUID(recurring["id"]),
                completed_at=datetime(2027, 1, 4, 18, tzinfo=UTC),
                due_on=datetime(2027, 1, 4, tzinfo=UTC).date(),
            )
        )
        await session.commit()
    said = await http.post(
        f"{API}/tasks/{parent['id']}/comments",
        json={"body": f"Comment {tag}"},
        headers=account.headers,
    )
    assert said.status_code == 201, said.text
    reminded = await http.post(
        f"{API}/tasks/{parent['id']}/reminders",
        json={"at": "2030-01-02T08:00:00Z"},
        headers=account.headers,
    )
    assert reminded.status_code == 201, reminded.text
    digest = await http.put(
        f"{API}/notifications/settings", json={"digest_hour": 7}, headers=account.headers
    )
    assert digest.status_code == 200, digest.text
    await attach(http, account, parent["id"], name=f"notes-{tag}.pdf")
    login = await http.post(
        f"{API}/auth/login", json={"email": account.email, "password": account.password}
    )
    assert login.status_code == 200
    reset = await http.post(f"{API}/auth/password-reset", json={"email": account.email})
    assert reset.status_code == 202
    await app.state.services.mailer.drain(10)


async def _export(http: httpx.AsyncClient, account: Account, password: str) -> httpx.Response:
    return await http.post(
        f"{API}/users/me/export", json={"password": password}, headers=account.headers
    )


async def test_the_export_holds_everything_the_account_owns_and_nothing_else(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = await register_and_login(client)
    other = await register_and_login(client)
    await _own_data(app, client, owner, "mine")
    await _own_data(app, client, other, "theirs")

    response = await _export(client, owner, owner.password)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="taskapp-export-'
    )
    assert response.headers["cache-control"] == "no-store"
    assert b"theirs" not in response.content
    assert other.user_id.encode() not in response.content
    document: dict[str, Any] = response.json()
    assert set(document) == {
        "format",
        "version",
        "exported_at",
        "profile",
        "projects",
        "saved_views",
        "notification_settings",
        "reminders",
        "attachments",
        "tasks",
        "comments",
    }
    assert (document["format"], document["version"]) == ("taskapp-export", 1)
    assert document["profile"]["id"] == owner.user_id
    assert document["profile"]["email"] == owner.email
    assert "password_hash" not in json.dumps(document)
    assert [p["name"] for p in document["projects"]] == ["Inbox", "Project mine"]
    assert [v["name"] for v in document["saved_views"]] == ["View mine"]
    tasks = {t["title"]: t for t in document["tasks"]}
    assert set(tasks) == {"Parent mine", "Child mine", "Daily mine"}
    assert tasks["Child mine"]["parent_id"] == tasks["Parent mine"]["id"]
    assert tasks["Parent mine"]["project_id"] == document["projects"][1]["id"]
    assert tasks["Daily mine"]["completions"] == [
        {"completed_at": "2027-01-04T18:00:00+00:00", "due_date": None, "due_on": "2027-01-04"}
    ]
    assert tasks["Parent mine"]["completions"] == []
    parent = tasks["Parent mine"]["id"]
    assert [(c["task_id"], c["author_id"], c["body"]) for c in document["comments"]] == [
        (parent, owner.user_id, "Comment mine")
    ]
    assert [(r["task_id"], r["at"]) for r in document["reminders"]] == [
        (parent, "2030-01-02T08:00:00+00:00")
    ]
    assert document["notification_settings"] == {"digest_hour": 7}
    assert [(a["task_id"], a["filename"], a["content_type"]) for a in document["attachments"]] == [
        (parent, "notes-mine.pdf", "application/pdf")
    ]


async def test_the_export_reads_tasks_a_batch_at_a_time(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = await register_and_login(client)
    created = [(await create_task(client, owner, title=f"T{n}"))["id"] for n in range(7)]

    async with app.state.services.session_factory() as session:
        batches = [batch async for batch in export_tasks(session, uuid.UUID(owner.user_id), 3)]

    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [task["id"] for batch in batches for task in batch] == sorted(created)


async def test_a_wrong_password_exports_nothing(client: httpx.AsyncClient) -> None:
    owner = await register_and_login(client)
    await create_task(client, owner, title="Secret")

    response = await _export(client, owner, "not the password")

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:taskapp:problem:wrong-password"
    assert b"Secret" not in response.content


async def _row_counts(app: FastAPI) -> dict[str, int]:
    """Rows in every table the models know."""
    counts: dict[str, int] = {}
    async with app.state.services.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = await session.scalar(select(func.count()).select_from(table)) or 0
    return counts


async def test_deleting_the_account_leaves_no_row_of_it_in_any_table(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    other = await register_and_login(client)
    await _own_data(app, client, other, "theirs")
    before = await _row_counts(app)
    owner = await register_and_login(client)
    await _own_data(app, client, owner, "mine")
    with_owner = await _row_counts(app)
    grown = {name for name, count in with_owner.items() if count > before[name]}
    assert grown >= {
        "users",
        "auth_sessions",
        "refresh_tokens",
        "account_tokens",
        "projects",
        "saved_views",
        "tasks",
        "task_completions",
        "task_counts",
        "comments",
        "reminders",
        "notification_settings",
        "attachments",
    }

    wrong = await client.request(
        "DELETE", f"{API}/users/me", json={"password": "not the password"}, headers=owner.headers
    )
    assert wrong.status_code == 403
    assert await _row_counts(app) == with_owner  # nothing changed

    deleted = await client.request(
        "DELETE", f"{API}/users/me", json={"password": owner.password}, headers=owner.headers
    )

    assert deleted.status_code == 204
    assert deleted.content == b""
    cleared = deleted.headers["set-cookie"]
    assert cleared.startswith('refresh_token=""; ')
    assert "Max-Age=0" in cleared
    assert "Path=/api/v1/auth" in cleared
    # Its files' rows stay, without a task, until the worker has deleted the objects.
    assert (await _row_counts(app))["attachments"] == before["attachments"] + 1
    await worker(app).purge_files(utcnow())
    assert await _row_counts(app) == before
    me = await client.get(f"{API}/users/me", headers=owner.headers)
    assert me.status_code == 401
    login = await client.post(
        f"{API}/auth/login", json={"email": owner.email, "password": owner.password}
    )
    assert login.status_code == 401
    theirs = await client.get(f"{API}/tasks", headers=other.headers)
    assert {t["title"] for t in theirs.json()["items"]} == {
        "Parent theirs",
        "Child theirs",
        "Daily theirs",
    }
