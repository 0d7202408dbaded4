"""Assignees and "assigned to me" (issue 19): a task is assigned to its project's owner or an
editor (an Inbox task to its owner only), anyone else is one 422 that reveals nothing, the
history says who changed the assignee from whom to whom, a member's assignments end with their
membership (cached reads included), and GET /tasks/assigned lists the caller's open assigned
tasks across owners, only from projects they are still a member of."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete

from taskapp.tasks.sharing import ProjectMember
from tests.conftest import Account, assert_problem, create_task, json_object, register_and_login
from tests.test_shared_tasks import share, team

API = "/api/v1"


async def _patch(
    http: httpx.AsyncClient, who: Account, task_id: str, **fields: Any
) -> httpx.Response:
    return await http.patch(f"{API}/tasks/{task_id}", json=fields, headers=who.headers)


async def _assigned(http: httpx.AsyncClient, who: Account, **params: Any) -> dict[str, Any]:
    listed = await http.get(f"{API}/tasks/assigned", params=params, headers=who.headers)
    return json_object(listed, 200)


def _unknown_assignee(response: httpx.Response, loc: list[Any] | None = None) -> dict[str, Any]:
    problem = assert_problem(response, 422)
    assert [(e["field"], e["type"]) for e in problem["errors"]] == [
        (".".join(map(str, loc or ["body", "assignee_id"])), "unknown_assignee")
    ], problem
    return problem


@pytest.fixture
async def shared(app: FastAPI, client: httpx.AsyncClient) -> dict[str, Any]:
    """A project its owner shares with an editor and a viewer, and a task in it (team)."""
    return await team(app, client)


async def test_the_owner_assigns_an_editor_then_unassigns_and_the_history_says_from_whom_to_whom(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor, task = shared["owner"], shared["editor"], shared["task"]
    assert task["assignee_id"] is None
    # A read cached before the write must not be served after it.
    assert (await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)).status_code == 200
    assigned = await _patch(client, owner, task["id"], assignee_id=editor.user_id)
    assert (assigned.status_code, assigned.json()["assignee_id"]) == (200, editor.user_id)
    read = await client.get(f"{API}/tasks/{task['id']}", headers=editor.headers)
    assert read.json()["assignee_id"] == editor.user_id
    listed = await client.get(
        f"{API}/tasks", params={"project": shared["project"]}, headers=owner.headers
    )
    assert [i["assignee_id"] for i in listed.json()["items"]] == [editor.user_id]

    cleared = await _patch(client, editor, task["id"], assignee_id=None)
    assert (cleared.status_code, cleared.json()["assignee_id"]) == (200, None)
    events = (await client.get(f"{API}/tasks/{task['id']}/history", headers=owner.headers)).json()
    assert [(e["actor_id"], e["changes"]) for e in events["items"][:2]] == [
        (editor.user_id, {"assignee_id": [editor.user_id, None]}),
        (owner.user_id, {"assignee_id": [None, editor.user_id]}),
    ]


async def test_an_editor_creates_a_task_assigned_to_the_owner_and_the_history_lists_it(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor = shared["owner"], shared["editor"]
    made = await create_task(
        client, editor, title="For you", project_id=shared["project"], assignee_id=owner.user_id
    )
    assert made["assignee_id"] == owner.user_id
    events = (await client.get(f"{API}/tasks/{made['id']}/history", headers=owner.headers)).json()
    assert events["items"][0]["changes"]["assignee_id"] == [None, owner.user_id]


async def test_a_viewer_a_stranger_and_no_account_at_all_are_refused_alike(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, task = shared["owner"], shared["task"]
    stranger = await register_and_login(client)
    bodies = []
    for candidate in (shared["viewer"].user_id, stranger.user_id, str(uuid.uuid4())):
        refused = await _patch(client, owner, task["id"], assignee_id=candidate)
        problem = _unknown_assignee(refused)
        bodies.append({**problem, "errors": [{**e, "input": None} for e in problem["errors"]]})
    # Nothing tells a member from an account or an account from no one.
    assert bodies[0] == bodies[1] == bodies[2]
    created = await client.post(
        f"{API}/tasks",
        json={"title": "X", "project_id": shared["project"], "assignee_id": stranger.user_id},
        headers=shared["editor"].headers,
    )
    _unknown_assignee(created)
    after = await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)
    assert (after.json()["assignee_id"], after.json()["version"]) == (None, task["version"])


async def test_a_stranger_cannot_assign_to_probe_membership(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    stranger = await register_and_login(client)
    # The task is not found for them, whoever they name: the same answer as for no task.
    for candidate in (shared["editor"].user_id, str(uuid.uuid4())):
        probed = await _patch(client, stranger, shared["task"]["id"], assignee_id=candidate)
        missing = await _patch(client, stranger, str(uuid.uuid4()), assignee_id=candidate)
        assert assert_problem(probed, 404)["detail"] == assert_problem(missing, 404)["detail"]


async def test_an_inbox_task_is_assigned_only_to_its_owner(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner = shared["owner"]
    own = await create_task(client, owner, title="Mine", assignee_id=owner.user_id)
    assert own["assignee_id"] == owner.user_id
    refused = await _patch(client, owner, own["id"], assignee_id=shared["editor"].user_id)
    _unknown_assignee(refused)


async def test_moving_a_task_to_another_project_unassigns_a_member_but_not_the_owner(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor = shared["owner"], shared["editor"]
    other = (
        await client.post(f"{API}/projects", json={"name": "Own"}, headers=owner.headers)
    ).json()
    theirs = await create_task(
        client, owner, project_id=shared["project"], assignee_id=editor.user_id
    )
    mine = await create_task(client, owner, project_id=shared["project"], assignee_id=owner.user_id)
    moved = await _patch(client, owner, theirs["id"], project_id=other["id"])
    assert (moved.status_code, moved.json()["assignee_id"]) == (200, None)
    kept = await _patch(client, owner, mine["id"], project_id=other["id"])
    assert kept.json()["assignee_id"] == owner.user_id
    # Choosing in the same request is checked against the project the task goes to.
    back = await _patch(
        client, owner, theirs["id"], project_id=shared["project"], assignee_id=editor.user_id
    )
    assert (back.status_code, back.json()["assignee_id"]) == (200, editor.user_id)
    out = await _patch(client, owner, mine["id"], assignee_id=editor.user_id)
    _unknown_assignee(out)


async def test_a_bulk_change_checks_each_assignee_and_applies_nothing_on_a_refusal(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor = shared["owner"], shared["editor"]
    second = await create_task(client, owner, project_id=shared["project"])
    operations = [
        {"id": shared["task"]["id"], "version": 1, "patch": {"assignee_id": editor.user_id}},
        {"id": second["id"], "version": 1, "patch": {"assignee_id": shared["viewer"].user_id}},
    ]
    refused = await client.post(
        f"{API}/tasks/bulk", json={"operations": operations}, headers=owner.headers
    )
    _unknown_assignee(refused, ["body", "operations", 1, "patch", "assignee_id"])
    first = await client.get(f"{API}/tasks/{shared['task']['id']}", headers=owner.headers)
    assert first.json()["assignee_id"] is None
    operations[1]["patch"] = {"assignee_id": editor.user_id}
    done = await client.post(
        f"{API}/tasks/bulk", json={"operations": operations}, headers=owner.headers
    )
    assert done.status_code == 200, done.text
    assert [task["assignee_id"] for task in done.json()["tasks"]] == [editor.user_id] * 2


async def test_removing_a_member_or_making_them_a_viewer_clears_their_assignments_at_once(
    app: FastAPI, client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor, project = shared["owner"], shared["editor"], shared["project"]
    second = await register_and_login(client)
    await share(app, client, owner, project, second, "editor")
    for who in (editor, second):
        assert (
            await _patch(client, owner, shared["task"]["id"], assignee_id=who.user_id)
        ).is_success
        before = await client.get(
            f"{API}/tasks", params={"project": project}, headers=owner.headers
        )
        assert before.json()["items"][0]["assignee_id"] == who.user_id  # now in the cache
        if who is editor:
            gone = await client.delete(
                f"{API}/projects/{project}/members/{who.user_id}", headers=owner.headers
            )
            assert gone.status_code == 204, gone.text
        else:
            demoted = await client.patch(
                f"{API}/projects/{project}/members/{who.user_id}",
                json={"role": "viewer"},
                headers=owner.headers,
            )
            assert demoted.status_code == 200, demoted.text
        after = await client.get(f"{API}/tasks", params={"project": project}, headers=owner.headers)
        assert after.json()["items"][0]["assignee_id"] is None
        history = await client.get(
            f"{API}/tasks/{shared['task']['id']}/history", headers=owner.headers
        )
        assert history.json()["items"][0]["changes"] == {"assignee_id": [who.user_id, None]}
        assert history.json()["items"][0]["actor_id"] == owner.user_id


async def test_a_member_who_leaves_is_unassigned(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    editor, task = shared["editor"], shared["task"]
    assert (await _patch(client, editor, task["id"], assignee_id=editor.user_id)).is_success
    left = await client.delete(
        f"{API}/projects/{shared['project']}/members/{editor.user_id}", headers=editor.headers
    )
    assert left.status_code == 204, left.text
    read = await client.get(f"{API}/tasks/{task['id']}", headers=shared["owner"].headers)
    assert (read.json()["assignee_id"], read.json()["version"]) == (None, task["version"] + 2)


async def test_a_member_who_deletes_their_account_is_unassigned_cached_reads_included(
    client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    owner, editor, task = shared["owner"], shared["editor"], shared["task"]
    assert (await _patch(client, owner, task["id"], assignee_id=editor.user_id)).is_success
    listed = await client.get(
        f"{API}/tasks", params={"project": shared["project"]}, headers=owner.headers
    )
    assert listed.json()["items"][0]["assignee_id"] == editor.user_id  # now in the cache

    gone = await client.request(
        "DELETE", f"{API}/users/me", json={"password": editor.password}, headers=editor.headers
    )
    assert gone.status_code == 204, gone.text

    listed = await client.get(
        f"{API}/tasks", params={"project": shared["project"]}, headers=owner.headers
    )
    read = await client.get(f"{API}/tasks/{task['id']}", headers=owner.headers)
    assert listed.json()["items"][0]["assignee_id"] is None
    assert (read.json()["assignee_id"], read.json()["version"]) == (None, task["version"] + 2)
    history = await client.get(f"{API}/tasks/{task['id']}/history", headers=owner.headers)
    # The account is gone, so the history names no one, as for its other events.
    assert history.json()["items"][0]["changes"] == {"assignee_id": [editor.user_id, None]}
    assert history.json()["items"][0]["actor_id"] is None


async def test_assigned_to_me_lists_open_tasks_across_two_owners_newest_first_in_pages(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register_and_login(client)
    first, second = await team(app, client), await team(app, client)
    for t in (first, second):
        await share(app, client, t["owner"], t["project"], me, "editor")
    mine = await create_task(client, me, title="Own", assignee_id=me.user_id)
    expected = [mine["id"]]
    for n, t in enumerate((first, second, first)):
        made = await create_task(
            client, t["owner"], title=f"T{n}", project_id=t["project"], assignee_id=me.user_id
        )
        expected.append(made["id"])
    done = await create_task(
        client, first["owner"], project_id=first["project"], assignee_id=me.user_id
    )
    assert (await _patch(client, me, done["id"], status="done")).is_success
    await create_task(client, first["owner"], project_id=first["project"])  # nobody's
    await create_task(
        client, first["owner"], project_id=first["project"], assignee_id=first["editor"].user_id
    )

    page = await _assigned(client, me, limit=3)
    rest = await _assigned(client, me, limit=3, cursor=page["next_cursor"])
    assert rest["next_cursor"] is None
    listed = page["items"] + rest["items"]
    assert [item["id"] for item in listed] == list(reversed(expected))
    assert {item["assignee_id"] for item in listed} == {me.user_id}
    assert {item["project_id"] for item in listed} == {
        me.user_id,
        first["project"],
        second["project"],
    }
    # Someone else's cursor is refused, as any list refuses a cursor it did not issue for it.
    other = await client.get(
        f"{API}/tasks/assigned",
        params={"cursor": page["next_cursor"]},
        headers=first["editor"].headers,
    )
    assert assert_problem(other, 422)["errors"][0]["field"] == "query.cursor"


async def test_a_removed_member_no_longer_sees_the_projects_tasks_as_assigned(
    app: FastAPI, client: httpx.AsyncClient, shared: dict[str, Any]
) -> None:
    editor, task = shared["editor"], shared["task"]
    assert (
        await _patch(client, shared["owner"], task["id"], assignee_id=editor.user_id)
    ).is_success
    assert [i["id"] for i in (await _assigned(client, editor))["items"]] == [task["id"]]
    # The membership row alone goes (as a previous release's removal would): the list joins
    # the current membership, so the stale assignment does not show.
    async with app.state.services.session_factory() as session:
        await session.execute(
            delete(ProjectMember).where(
                ProjectMember.project_id == uuid.UUID(shared["project"]),
                ProjectMember.user_id == uuid.UUID(editor.user_id),
            )
        )
        await session.commit()
    assert (await _assigned(client, editor))["items"] == []


async def test_assigned_to_me_refuses_bad_values_as_problems(
    app: FastAPI, client: httpx.AsyncClient, account: Account
) -> None:
    for params, field in (
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"cursor": "forged"}, "query.cursor"),
    ):
        refused = await client.get(f"{API}/tasks/assigned", params=params, headers=account.headers)
        assert assert_problem(refused, 422)["errors"][0]["field"] == field
    other = await client.post(f"{API}/tasks/assigned", headers=account.headers)
    assert_problem(other, 405)
    assert other.headers["allow"] == "GET"
