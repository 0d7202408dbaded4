"""Tasks of a shared project (issue 19): members read them by role, editors write them and
their comments, the history records who really wrote, and a removed member loses access at
once, also to a read the response cache holds."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from taskapp.projects.models import ProjectInvitation
from taskapp.security import token_digest
from tests.conftest import (
    Account,
    assert_problem,
    create_task,
    invalid_fields,
    register_and_login,
)

API = "/api/v1"


async def share(
    app: FastAPI,
    http: httpx.AsyncClient,
    owner: Account,
    project_id: str,
    guest: Account,
    role: str,
) -> None:
    """Invite `guest` and accept as them, reading the token the way the mail carries it: the
    mailed token is not stored, so the invitation's hash is swapped for a known token's."""
    invited = await http.post(
        f"{API}/projects/{project_id}/invitations",
        json={"email": guest.email, "role": role},
        headers=owner.headers,
    )
    assert invited.status_code == 201, invited.text
    token = f"test-{invited.json()['id']}"
    async with app.state.services.session_factory() as session:
        invitation = await session.scalar(
            select(ProjectInvitation).where(ProjectInvitation.id == uuid.UUID(invited.json()["id"]))
        )
        assert invitation is not None
        invitation.token_hash = token_digest(token)
        await session.commit()
    accepted = await http.post(
        f"{API}/invitations/accept", json={"token": token}, headers=guest.headers
    )
    assert accepted.status_code == 200, accepted.text


async def team(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    owner = await register_and_login(http)
    editor = await register_and_login(http)
    viewer = await register_and_login(http)
    project = await http.post(f"{API}/projects", json={"name": "Team"}, headers=owner.headers)
    project_id = project.json()["id"]
    await share(app, http, owner, project_id, editor, "editor")
    await share(app, http, owner, project_id, viewer, "viewer")
    task = await create_task(http, owner, title="Shared", project_id=project_id)
    return {"owner": owner, "editor": editor, "viewer": viewer, "project": project_id, "task": task}


async def test_a_viewer_reads_the_projects_tasks_and_cannot_write_them(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    viewer, task = t["viewer"], t["task"]
    read = await client.get(f"{API}/tasks/{task['id']}", headers=viewer.headers)
    assert (read.status_code, read.json()["title"]) == (200, "Shared")
    listed = await client.get(
        f"{API}/tasks", params={"project": t["project"]}, headers=viewer.headers
    )
    assert [each["id"] for each in listed.json()["items"]] == [task["id"]]
    history = await client.get(f"{API}/tasks/{task['id']}/history", headers=viewer.headers)
    assert history.status_code == 200
    refused = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "Mine"}, headers=viewer.headers
    )
    assert assert_problem(refused, 403)["type"].endswith("role-forbids")
    created = await client.post(
        f"{API}/tasks", json={"title": "New", "project_id": t["project"]}, headers=viewer.headers
    )
    assert_problem(created, 403)
    comment = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "hi"}, headers=viewer.headers
    )
    assert_problem(comment, 403)
    again = await client.get(f"{API}/tasks/{task['id']}", headers=t["owner"].headers)
    assert again.json()["title"] == "Shared"


async def test_an_editors_writes_land_in_the_project_and_the_history_names_the_editor(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    editor, owner, task = t["editor"], t["owner"], t["task"]
    changed = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": "Edited"}, headers=editor.headers
    )
    assert changed.status_code == 200, changed.text
    created = await client.post(
        f"{API}/tasks",
        json={"title": "By editor", "project_id": t["project"]},
        headers=editor.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["project_id"] == t["project"]
    comment = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "done soon"}, headers=editor.headers
    )
    assert comment.status_code == 201, comment.text
    events = (await client.get(f"{API}/tasks/{task['id']}/history", headers=owner.headers)).json()[
        "items"
    ]
    assert [(e["kind"], e["actor_id"]) for e in events][:2] == [
        ("commented", editor.user_id),
        ("updated", editor.user_id),
    ]
    owners_list = await client.get(
        f"{API}/tasks", params={"project": t["project"]}, headers=owner.headers
    )
    assert {each["title"] for each in owners_list.json()["items"]} == {"Edited", "By editor"}
    # An editor edits and deletes their own comments only.
    by_owner = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": "owner's"}, headers=owner.headers
    )
    foreign = await client.patch(
        f"{API}/comments/{by_owner.json()['id']}", json={"body": "x"}, headers=editor.headers
    )
    assert_problem(foreign, 404)
    moved = await client.post(
        f"{API}/tasks/{created.json()['id']}/move",
        json={"version": 1, "status": "in_progress"},
        headers=editor.headers,
    )
    assert moved.status_code == 200, moved.text
    deleted = await client.delete(f"{API}/tasks/{created.json()['id']}", headers=editor.headers)
    assert deleted.status_code == 204
    # Each write path (the one-statement create on PostgreSQL, the ORM move and delete) names
    # the editor, not the owner whose data it changed.
    project_events = (
        await client.get(f"{API}/projects/{t['project']}/history", headers=owner.headers)
    ).json()["items"]
    mine = [
        (e["kind"], e["actor_id"]) for e in project_events if e["task_id"] == created.json()["id"]
    ]
    assert mine == [
        ("deleted", editor.user_id),
        ("updated", editor.user_id),  # the move changed the status
        ("created", editor.user_id),
    ]


async def test_an_editor_cannot_move_a_task_out_of_the_shared_project(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    private = await client.post(
        f"{API}/projects", json={"name": "Mine"}, headers=t["owner"].headers
    )
    moved = await client.patch(
        f"{API}/tasks/{t['task']['id']}",
        json={"project_id": private.json()["id"]},
        headers=t["editor"].headers,
    )
    assert_problem(moved, 422)
    inbox = await client.patch(
        f"{API}/tasks/{t['task']['id']}",
        json={"project_id": t["owner"].user_id},
        headers=t["editor"].headers,
    )
    assert_problem(inbox, 422)


async def test_an_editors_subtask_needs_a_parent_in_the_same_shared_project(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    editor, project = t["editor"], t["project"]
    child = await create_task(
        client, editor, title="Child", project_id=project, parent_id=t["task"]["id"]
    )
    assert (child["parent_id"], child["project_id"]) == (t["task"]["id"], project)
    # Parents the editor cannot use here: their own task, the owner's task in another project,
    # and an id that is no task at all. Each is refused naming the field, and nothing is made.
    own = await create_task(client, editor, title="Own")
    private = await client.post(
        f"{API}/projects", json={"name": "Mine"}, headers=t["owner"].headers
    )
    elsewhere = await create_task(
        client, t["owner"], title="Elsewhere", project_id=private.json()["id"]
    )
    for parent_id in (own["id"], elsewhere["id"], str(uuid.uuid4())):
        refused = await client.post(
            f"{API}/tasks",
            json={"title": "Orphan", "project_id": project, "parent_id": parent_id},
            headers=editor.headers,
        )
        assert invalid_fields(refused) == ["body.parent_id"], parent_id
    listed = await client.get(f"{API}/tasks", params={"project": project}, headers=editor.headers)
    assert sorted(each["title"] for each in listed.json()["items"]) == ["Child", "Shared"]


async def test_an_editor_gives_a_task_a_parent_only_within_the_shared_project(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    editor, owner, project = t["editor"], t["owner"], t["project"]
    loose = await create_task(client, owner, title="Loose", project_id=project)
    private = await client.post(f"{API}/projects", json={"name": "Mine"}, headers=owner.headers)
    elsewhere = await create_task(client, owner, title="Elsewhere", project_id=private.json()["id"])

    # The owner's task in a project the editor is not in would pull the task out of their
    # reach (and tell them it exists): refused as no task of this project, nothing moves.
    for parent_id in (elsewhere["id"], str(uuid.uuid4())):
        refused = await client.patch(
            f"{API}/tasks/{loose['id']}", json={"parent_id": parent_id}, headers=editor.headers
        )
        assert invalid_fields(refused) == ["body.parent_id"], parent_id
    made = await client.patch(
        f"{API}/tasks/{loose['id']}", json={"parent_id": t["task"]["id"]}, headers=editor.headers
    )
    assert made.status_code == 200, made.text
    assert (made.json()["parent_id"], made.json()["project_id"]) == (t["task"]["id"], project)
    seen = await client.get(f"{API}/tasks/{elsewhere['id']}", headers=owner.headers)
    assert seen.json()["subtask_count"] == 0


async def test_a_removed_member_loses_access_at_once_even_to_a_cached_read(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    viewer, task = t["viewer"], t["task"]
    path = f"{API}/tasks/{task['id']}"
    for _ in range(2):  # the second read is served from the response cache
        assert (await client.get(path, headers=viewer.headers)).status_code == 200
    listed = await client.get(
        f"{API}/tasks", params={"project": t["project"]}, headers=viewer.headers
    )
    assert listed.status_code == 200
    removed = await client.delete(
        f"{API}/projects/{t['project']}/members/{viewer.user_id}", headers=t["owner"].headers
    )
    assert removed.status_code == 204
    assert_problem(await client.get(path, headers=viewer.headers), 404)
    gone = await client.get(
        f"{API}/tasks", params={"project": t["project"]}, headers=viewer.headers
    )
    assert (gone.status_code, gone.json()["items"]) == (200, [])  # as for any unknown project
    assert_problem(await client.get(f"{path}/history", headers=viewer.headers), 404)
    assert_problem(await client.get(f"{path}/comments", headers=viewer.headers), 404)


async def test_a_teammates_write_is_seen_at_once_by_a_member_whose_read_was_cached(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    t = await team(app, client)
    path = f"{API}/tasks/{t['task']['id']}"
    assert (await client.get(path, headers=t["viewer"].headers)).json()["title"] == "Shared"
    await client.patch(path, json={"title": "Renamed"}, headers=t["editor"].headers)
    assert (await client.get(path, headers=t["viewer"].headers)).json()["title"] == "Renamed"
