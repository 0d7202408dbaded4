"""GET /tasks/labels: every label on the caller's own tasks with its count, for the web app's label
filter and autocomplete. It used to gather them from the 200 most recently updated tasks, so a
label used only on older tasks never reached the filter."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI

from taskapp.db import utcnow
from taskapp.tasks.models import Priority, Task, TaskStatus
from tests.conftest import Account, create_task, register_and_login
from tests.test_shared_tasks import share

API = "/api/v1"
TASKS = f"{API}/tasks"


def counts(response: httpx.Response) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.text
    return [(item["name"], item["count"]) for item in response.json()["items"]]


async def test_labels_are_counted_over_the_callers_tasks_most_used_first(
    client: httpx.AsyncClient, account: Account
) -> None:
    assert counts(await client.get(f"{TASKS}/labels", headers=account.headers)) == []
    first = await create_task(client, account, labels=["work", "home"])
    second = await create_task(client, account, labels=["work"])
    await create_task(client, account, labels=["zeta"], status="done")  # done ones count too
    await create_task(client, account, labels=["alpha"])
    await create_task(client, account)  # no label: no row
    stranger = await register_and_login(client)
    await create_task(client, stranger, labels=["secret", "work"])

    mine = counts(await client.get(f"{TASKS}/labels", headers=account.headers))
    # Ties are in name order, so the list does not reshuffle between reads.
    assert mine == [("work", 2), ("alpha", 1), ("home", 1), ("zeta", 1)]
    theirs = counts(await client.get(f"{TASKS}/labels", headers=stranger.headers))
    assert theirs == [("secret", 1), ("work", 1)]

    # The answer follows every write (the cache key holds the owner's data version).
    edited = await client.patch(
        f"{TASKS}/{second['id']}",
        json={"labels": ["work", "home"]},
        headers=account.if_match(f'"{second["version"]}"'),
    )
    assert edited.status_code == 200, edited.text
    deleted = await client.delete(f"{TASKS}/{first['id']}", headers=account.headers)
    assert deleted.status_code == 204, deleted.text
    after = counts(await client.get(f"{TASKS}/labels", headers=account.headers))
    assert after == [("alpha", 1), ("home", 1), ("work", 1), ("zeta", 1)]


async def test_a_label_only_on_old_tasks_is_listed(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await register_and_login(client)
    now = utcnow()
    async with app.state.services.session_factory() as session:
        session.add_all(
            Task(
                owner_id=uuid.UUID(account.user_id),
                title=f"Task {n}",
                status=TaskStatus.PENDING,
                priority=Priority.MEDIUM,
                labels=["rare"] if n == 249 else ["common"],
                created_at=now - timedelta(minutes=n),
                updated_at=now - timedelta(minutes=n),
            )
            for n in range(250)
        )
        await session.commit()

    # What the web app read before: the 200 most recently updated tasks miss the oldest one.
    recent = await client.get(
        TASKS, params={"sort": "-updated_at", "limit": 200}, headers=account.headers
    )
    assert recent.status_code == 200, recent.text
    assert all("rare" not in task["labels"] for task in recent.json()["items"])

    listed = counts(await client.get(f"{TASKS}/labels", headers=account.headers))
    assert listed == [("common", 249), ("rare", 1)]


async def test_a_projects_labels_are_its_tasks_for_its_owner_and_its_members(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = await register_and_login(client)
    member = await register_and_login(client)
    stranger = await register_and_login(client)
    trip = (
        await client.post(f"{API}/projects", json={"name": "Trip"}, headers=owner.headers)
    ).json()
    work = (
        await client.post(f"{API}/projects", json={"name": "Work"}, headers=owner.headers)
    ).json()
    await share(app, client, owner, trip["id"], member, "viewer")
    await create_task(client, owner, labels=["home"])  # the Inbox
    await create_task(client, owner, labels=["ferry", "home"], project_id=trip["id"])
    await create_task(client, owner, labels=["ferry"], project_id=trip["id"])
    await create_task(client, owner, labels=["report"], project_id=work["id"])
    await create_task(client, member, labels=["mine"])

    async def labels_of(account: Account, project: str | None = None) -> list[tuple[str, int]]:
        params = {} if project is None else {"project": project}
        return counts(await client.get(f"{TASKS}/labels", params=params, headers=account.headers))

    assert await labels_of(owner) == [("ferry", 2), ("home", 2), ("report", 1)]
    assert await labels_of(owner, trip["id"]) == [("ferry", 2), ("home", 1)]
    assert await labels_of(owner, owner.user_id) == [("home", 1)]  # the Inbox's id
    # A member reads the owner's labels there, and only there; their own stay their own.
    assert await labels_of(member, trip["id"]) == [("ferry", 2), ("home", 1)]
    assert await labels_of(member, work["id"]) == []
    assert await labels_of(member) == [("mine", 1)]
    # Not a member: nothing, as the list answers (no hint that the project exists).
    assert await labels_of(stranger, trip["id"]) == []

    malformed = await client.get(
        f"{TASKS}/labels", params={"project": "trip"}, headers=owner.headers
    )
    assert malformed.status_code == 422
    assert malformed.headers["content-type"] == "application/problem+json"
    assert "project" in malformed.text


async def test_labels_need_a_session(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{TASKS}/labels")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
