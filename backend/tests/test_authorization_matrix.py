"""The authorization matrix (issue 19): every route of the app, taken from `app.routes`, called
by each of {owner, editor, viewer, removed member, stranger} of a shared project, with the
status each must get; a refused write must leave the owner's view of the project unchanged. A
write that changes an account's tasks must move its data version (the key of every cached read,
ADR 0004), and one that moves a data version must tell that account's live streams (ADR 0019).

A route without an entry in MATRIX fails `test_every_route_has_a_matrix_entry`, so a new
endpoint cannot ship without saying who may call it. Routes about the caller's own account
(auth, profile, saved views, their own projects list) answer every role alike: the entry says
so with one status for all. The SPA's method shims (405 for other methods on /tasks/stats and
the like) and the docs are not endpoints (absent from the OpenAPI schema) and are left out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from taskapp.auth.models import User
from taskapp.changefeed import Listener
from taskapp.http.routes import flatten
from taskapp.projects.models import ProjectInvitation
from taskapp.security import token_digest
from taskapp.tasks.models import Task
from tests.conftest import (
    PASSWORD,
    Account,
    client_for,
    create_task,
    read_stream,
    register_and_login,
    unique_email,
)
from tests.test_shared_tasks import share

API = "/api/v1"
ROLES = ("stranger", "removed", "viewer", "editor", "owner")  # the owner last: it may delete


@dataclass
class World:
    app: FastAPI
    http: httpx.AsyncClient
    users: dict[str, Account]
    project: str
    spare: Account  # a second viewer: the member the members endpoints act on
    base_task: str  # the task holding the two comments below
    removed_comment: str  # written by the removed member while they were an editor
    editor_comment: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> Account:
        return self.users["owner"]

    async def task(self) -> str:
        return str((await create_task(self.http, self.owner, project_id=self.project))["id"])

    async def comment(self, author: Account, task_id: str) -> str:
        made = await self.http.post(
            f"{API}/tasks/{task_id}/comments", json={"body": "a"}, headers=author.headers
        )
        assert made.status_code == 201, made.text
        comment_id: str = made.json()["id"]
        return comment_id

    async def invitation(self, email: str) -> tuple[str, str]:
        """A pending invitation to `email` and a token that opens it."""
        made = await self.http.post(
            f"{API}/projects/{self.project}/invitations",
            json={"email": email, "role": "viewer"},
            headers=self.owner.headers,
        )
        assert made.status_code == 201, made.text
        token = f"matrix-{made.json()['id']}"
        async with self.app.state.services.session_factory() as session:
            row = await session.scalar(
                select(ProjectInvitation).where(
                    ProjectInvitation.id == uuid.UUID(made.json()["id"])
                )
            )
            assert row is not None
            row.token_hash = token_digest(token)
            await session.commit()
        return made.json()["id"], token

    async def snapshot(self) -> Any:
        """The project as its owner sees it: what a refused write must not change."""
        get = self.http.get
        h = self.owner.headers
        project = await get(f"{API}/projects/{self.project}", headers=h)
        tasks = await get(f"{API}/tasks", params={"project": self.project}, headers=h)
        members = await get(f"{API}/projects/{self.project}/members", headers=h)
        invitations = await get(f"{API}/projects/{self.project}/invitations", headers=h)
        comments = []
        for task in tasks.json()["items"]:
            thread = await get(f"{API}/tasks/{task['id']}/comments", headers=h)
            comments.append(thread.json())
        return [project.json(), tasks.json(), members.json(), invitations.json(), comments]


async def world(app: FastAPI, http: httpx.AsyncClient) -> World:
    users = {role: await register_and_login(http) for role in ROLES}
    spare = await register_and_login(http)
    owner = users["owner"]
    made = await http.post(f"{API}/projects", json={"name": "Shared"}, headers=owner.headers)
    project = made.json()["id"]
    for role, account in (
        ("editor", users["editor"]),
        ("viewer", users["viewer"]),
        ("editor", users["removed"]),
        ("viewer", spare),
    ):
        await share(app, http, owner, project, account, role)
    w = World(app, http, users, project, spare, base_task="", removed_comment="")
    w.base_task = await w.task()
    w.removed_comment = await w.comment(users["removed"], w.base_task)
    w.editor_comment = await w.comment(users["editor"], w.base_task)
    gone = await http.delete(
        f"{API}/projects/{project}/members/{users['removed'].user_id}", headers=owner.headers
    )
    assert gone.status_code == 204
    return w


Premise = tuple[int, list[tuple[str, str]], dict[str, int], list[str], int]


async def premise(w: World) -> Premise:
    """What every case relies on and no shared case may change: who is a member with which
    role, what each account's token may read of the project (404 for the removed and the
    stranger, 401 once a token is revoked), the base task's comments, and that the owner's
    password is still PASSWORD (the export is the one read that confirms it; 403 if not).
    A refresh token cannot be checked without rotating it: the routes that use one are fresh."""
    h = w.owner.headers
    members = await w.http.get(f"{API}/projects/{w.project}/members", headers=h)
    roles = sorted((m["user_id"], m["role"]) for m in members.json().get("items", []))
    reads = {}
    for name, account in (*w.users.items(), ("spare", w.spare)):
        got = await w.http.get(f"{API}/projects/{w.project}", headers=account.headers)
        reads[name] = got.status_code
    thread = await w.http.get(f"{API}/tasks/{w.base_task}/comments", headers=h)
    comments = sorted(c["id"] for c in thread.json().get("items", []))
    export = await w.http.post(f"{API}/users/me/export", json={"password": PASSWORD}, headers=h)
    return members.status_code, roles, reads, comments, export.status_code


async def tidy(w: World) -> None:
    """Delete the tasks a case added, so the owner's snapshot stays a few requests long (and
    within one page of tasks) however many cases ran before."""
    listed = await w.http.get(
        f"{API}/tasks", params={"project": w.project, "limit": 200}, headers=w.owner.headers
    )
    if listed.status_code != 200:
        return  # the project is gone: the premise check says so
    for task in listed.json()["items"]:
        if task["id"] != w.base_task:
            gone = await w.http.delete(f"{API}/tasks/{task['id']}", headers=w.owner.headers)
            assert gone.status_code == 204, gone.text


@dataclass
class Shared:
    """The world the shared cases use, and its premise as built."""

    world: World
    premise: Premise


@pytest.fixture(scope="module")
async def shared(app: FastAPI) -> Shared:
    # Its own client only to build it: each test hands the world its `client`.
    async with client_for(app) as http:
        w = await world(app, http)
        return Shared(w, await premise(w))


# A request for `role` in the world: (method, path, keyword arguments of httpx's request).
Request = tuple[str, str, dict[str, Any]]
Build = Callable[[World, str, Account], Awaitable[Request]]


@dataclass(frozen=True)
class Case:
    build: Build
    expect: dict[str, int]  # by role
    check: Callable[[World, str, httpx.Response], None] | None = None
    fresh: bool = False  # its own world: the route changes the world for later routes
    stream: bool = False  # an endpoint that streams until the client leaves (read its head)


def by_role(owner: int, editor: int, viewer: int, removed: int, stranger: int) -> dict[str, int]:
    return {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "removed": removed,
        "stranger": stranger,
    }


def alike(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


READ = by_role(200, 200, 200, 404, 404)
EDIT = by_role(200, 200, 403, 404, 404)
OWN = by_role(200, 403, 403, 404, 404)


def on_task(method: str, suffix: str = "", **kwargs: Any) -> Build:
    async def build(w: World, _role: str, _me: Account) -> Request:
        return method, f"{API}/tasks/{await w.task()}{suffix}", kwargs

    return build


def on_project(method: str, suffix: str = "", **kwargs: Any) -> Build:
    async def build(w: World, _role: str, _me: Account) -> Request:
        return method, f"{API}/projects/{w.project}{suffix}", kwargs

    return build


def plain(method: str, path: str, **kwargs: Any) -> Build:
    async def build(_w: World, _role: str, _me: Account) -> Request:
        return method, f"{API}{path}", kwargs

    return build


async def _own_comment(w: World, role: str, me: Account) -> str:
    if role in ("owner", "editor"):
        return await w.comment(me, await w.task())
    return w.removed_comment if role == "removed" else w.editor_comment


def on_comment(method: str, **kwargs: Any) -> Build:
    async def build(w: World, role: str, me: Account) -> Request:
        return method, f"{API}/comments/{await _own_comment(w, role, me)}", kwargs

    return build


async def _create_in_project(w: World, _role: str, _me: Account) -> Request:
    return "POST", f"{API}/tasks", {"json": {"title": "New", "project_id": w.project}}


async def _list_project(w: World, _role: str, _me: Account) -> Request:
    return "GET", f"{API}/tasks", {"params": {"project": w.project}}


def _members_only_see_tasks(w: World, role: str, response: httpx.Response) -> None:
    seen = len(response.json()["items"])
    assert (seen > 0) == (role in ("owner", "editor", "viewer")), (role, seen)


async def _move(w: World, _role: str, _me: Account) -> Request:
    return "POST", f"{API}/tasks/{await w.task()}/move", {"json": {"version": 1}}


async def _skip(w: World, _role: str, _me: Account) -> Request:
    task = await create_task(
        w.http, w.owner, project_id=w.project, due_on="2027-01-04", recurrence="FREQ=WEEKLY"
    )
    return "POST", f"{API}/tasks/{task['id']}/skip", {"json": {"version": task["version"]}}


async def _bulk_on_shared_task(w: World, _role: str, _me: Account) -> Request:
    body = {"operations": [{"id": await w.task(), "version": 1, "patch": {"title": "Bulk"}}]}
    return "POST", f"{API}/tasks/bulk", {"json": body}


async def _assigned_to_me(w: World, _role: str, _me: Account) -> Request:
    # A task of the project assigned to its editor: only the editor's list holds it.
    task = await create_task(
        w.http, w.owner, project_id=w.project, assignee_id=w.users["editor"].user_id
    )
    w.extra["assigned"] = task["id"]
    return "GET", f"{API}/tasks/assigned", {}


def _only_the_assignee_sees_it(w: World, role: str, response: httpx.Response) -> None:
    seen = [item["id"] for item in response.json()["items"]]
    assert (w.extra["assigned"] in seen) == (role == "editor"), (role, seen)


async def _spare(w: World, _role: str, _me: Account) -> str:
    return f"{API}/projects/{w.project}/members/{w.spare.user_id}"


async def _change_role(w: World, role: str, me: Account) -> Request:
    return "PATCH", await _spare(w, role, me), {"json": {"role": "editor"}}


async def _remove_member(w: World, role: str, me: Account) -> Request:
    return "DELETE", await _spare(w, role, me), {}


async def _invite(w: World, _role: str, _me: Account) -> Request:
    body = {"email": unique_email("invited"), "role": "viewer"}
    return "POST", f"{API}/projects/{w.project}/invitations", {"json": body}


async def _withdraw(w: World, _role: str, _me: Account) -> Request:
    invitation_id, _ = await w.invitation(unique_email("invited"))
    return "DELETE", f"{API}/projects/{w.project}/invitations/{invitation_id}", {}


async def _accept_the_strangers(w: World, _role: str, _me: Account) -> Request:
    # One invitation, tried by every role: the stranger (first) accepts it; the others are
    # refused for the address, before and after it was used.
    if "token" not in w.extra:
        w.extra["token"] = (await w.invitation(w.users["stranger"].email))[1]
    token = w.extra["token"]
    return "POST", f"{API}/invitations/accept", {"json": {"token": token}}


async def _own_view(w: World, _role: str, me: Account) -> str:
    made = await w.http.post(f"{API}/views", json={"name": "V"}, headers=me.headers)
    assert made.status_code == 201, made.text
    return f"{API}/views/{made.json()['id']}"


def on_view(method: str, **kwargs: Any) -> Build:
    async def build(w: World, role: str, me: Account) -> Request:
        return method, await _own_view(w, role, me), kwargs

    return build


async def _published(w: World, _role: str, _me: Account) -> str:
    made = await w.http.post(f"{API}/projects/{w.project}/publish", headers=w.owner.headers)
    token: str = made.json()["url"].rstrip("/").rsplit("/", 1)[1]
    return token


async def _public_page(w: World, role: str, me: Account) -> Request:
    return "GET", f"/p/{await _published(w, role, me)}", {}


async def _public_json(w: World, role: str, me: Account) -> Request:
    return "GET", f"{API}/public/projects/{await _published(w, role, me)}", {}


def with_me(method: str, path: str, body: Callable[[Account], dict[str, Any]]) -> Build:
    async def build(_w: World, _role: str, me: Account) -> Request:
        return method, f"{API}{path}", {"json": body(me)}

    return build


async def _token_form(_w: World, _role: str, me: Account) -> Request:
    return "POST", f"{API}/auth/token", {"data": {"username": me.email, "password": PASSWORD}}


def _new_account(_me: Account) -> dict[str, Any]:
    return {"email": unique_email("new"), "password": PASSWORD}


REMIND_AT = {"at": "2030-01-07T09:00:00Z"}


async def _reminder_to_delete(w: World, role: str, me: Account) -> Request:
    # A member deletes their own reminder; the others try the owner's (never another's).
    task = await w.task()
    author = me if role in ("owner", "editor", "viewer") else w.owner
    made = await w.http.post(
        f"{API}/tasks/{task}/reminders", json=REMIND_AT, headers=author.headers
    )
    assert made.status_code == 201, made.text
    return "DELETE", f"{API}/tasks/{task}/reminders/{made.json()['id']}", {}


async def _snooze_unknown(_w: World, _role: str, _me: Account) -> Request:
    # Notifications are only ever the caller's own: one that is not theirs (here none) is 404
    # for everyone; test_reminders snoozes a real one.
    return "POST", f"{API}/notifications/{uuid.uuid4()}/snooze", {"json": {"minutes": 10}}


async def stream_head(app: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    """GET a stream up to its `ready` event (or its whole answer if it is not a stream), then
    leave as a client does."""
    return await asyncio.wait_for(
        read_stream(app, path, headers, lambda body: b"event: ready" in body), 10
    )


def _follows_what_each_may_read(w: World, role: str, response: httpx.Response) -> None:
    """The head of each role's stream names the partitions it follows: the owner's for the
    members only (a removed member and a stranger follow their own alone)."""
    owner = w.owner.user_id.replace("-", "")
    followed = owner in response.text
    assert followed == (role in ("owner", "editor", "viewer")), (role, response.text)
    assert "event: ready" in response.text


PDF = b"%PDF-1.4 matrix"
ANNOUNCE = {"filename": "a.pdf", "content_type": "application/pdf", "size": len(PDF)}


async def _announced(w: World) -> tuple[str, dict[str, Any]]:
    """A new task of the project with a file announced by the owner: (task id, the answer)."""
    task = await w.task()
    made = await w.http.post(
        f"{API}/tasks/{task}/attachments", json=ANNOUNCE, headers=w.owner.headers
    )
    assert made.status_code == 201, made.text
    return task, made.json()


def _upload_request(made: dict[str, Any]) -> Request:
    form = made["upload"]
    return "POST", form["url"], {"data": form["fields"], "files": {"file": ("a.pdf", PDF)}}


async def _uploaded(w: World) -> tuple[str, str]:
    task, made = await _announced(w)
    method, url, kwargs = _upload_request(made)
    stored = await w.http.request(method, url, **kwargs)
    assert stored.status_code == 204, stored.text
    return task, made["attachment"]["id"]


async def _ready(w: World) -> tuple[str, str]:
    task, attachment = await _uploaded(w)
    done = await w.http.post(
        f"{API}/tasks/{task}/attachments/{attachment}/complete", headers=w.owner.headers
    )
    assert done.status_code == 200, done.text
    return task, attachment


async def _complete(w: World, _role: str, _me: Account) -> Request:
    task, attachment = await _uploaded(w)
    return "POST", f"{API}/tasks/{task}/attachments/{attachment}/complete", {}


def on_attachment(method: str, suffix: str = "") -> Build:
    async def build(w: World, _role: str, _me: Account) -> Request:
        task, attachment = await _ready(w)
        return method, f"{API}/tasks/{task}/attachments/{attachment}{suffix}", {}

    return build


async def _store_upload(w: World, _role: str, _me: Account) -> Request:
    return _upload_request((await _announced(w))[1])


async def _store_download(w: World, _role: str, _me: Account) -> Request:
    task, attachment = await _ready(w)
    link = await w.http.get(
        f"{API}/tasks/{task}/attachments/{attachment}/download", headers=w.owner.headers
    )
    return "GET", link.json()["url"], {}


MATRIX: dict[tuple[str, str], Case] = {
    # Tasks of the shared project: read by members, written by editors and the owner.
    ("POST", "/api/v1/tasks"): Case(_create_in_project, by_role(201, 201, 403, 422, 422)),
    ("GET", "/api/v1/tasks"): Case(_list_project, alike(200), _members_only_see_tasks),
    ("GET", "/api/v1/tasks/{task_id}"): Case(on_task("GET"), READ),
    ("PATCH", "/api/v1/tasks/{task_id}"): Case(on_task("PATCH", json={"title": "X"}), EDIT),
    ("DELETE", "/api/v1/tasks/{task_id}"): Case(
        on_task("DELETE"), by_role(204, 204, 403, 404, 404)
    ),
    ("POST", "/api/v1/tasks/{task_id}/move"): Case(_move, EDIT),
    ("POST", "/api/v1/tasks/{task_id}/skip"): Case(_skip, EDIT),
    ("GET", "/api/v1/tasks/{task_id}/completions"): Case(on_task("GET", "/completions"), READ),
    ("GET", "/api/v1/tasks/{task_id}/history"): Case(on_task("GET", "/history"), READ),
    ("POST", "/api/v1/tasks/{task_id}/comments"): Case(
        on_task("POST", "/comments", json={"body": "b"}), by_role(201, 201, 403, 404, 404)
    ),
    ("GET", "/api/v1/tasks/{task_id}/comments"): Case(on_task("GET", "/comments"), READ),
    # Files: members list and download them, editors and the owner add, complete and delete.
    ("POST", "/api/v1/tasks/{task_id}/attachments"): Case(
        on_task("POST", "/attachments", json=ANNOUNCE), by_role(201, 201, 403, 404, 404)
    ),
    ("GET", "/api/v1/tasks/{task_id}/attachments"): Case(on_task("GET", "/attachments"), READ),
    ("POST", "/api/v1/tasks/{task_id}/attachments/{attachment_id}/complete"): Case(_complete, EDIT),
    ("GET", "/api/v1/tasks/{task_id}/attachments/{attachment_id}/download"): Case(
        on_attachment("GET", "/download"), READ
    ),
    ("DELETE", "/api/v1/tasks/{task_id}/attachments/{attachment_id}"): Case(
        on_attachment("DELETE"), by_role(204, 204, 403, 404, 404)
    ),
    # The local store's upload form and download link: the signed token is the grant, as a
    # presigned S3 URL is, whoever holds it (they expire within minutes: test_attachments).
    ("POST", "/api/v1/attachment-store/uploads"): Case(_store_upload, alike(204)),
    ("GET", "/api/v1/attachment-store/files/{token}"): Case(_store_download, alike(200)),
    # Reminders: whoever may read the task sets their own; notifications are the caller's own.
    ("POST", "/api/v1/tasks/{task_id}/reminders"): Case(
        on_task("POST", "/reminders", json=REMIND_AT), by_role(201, 201, 201, 404, 404)
    ),
    ("GET", "/api/v1/tasks/{task_id}/reminders"): Case(on_task("GET", "/reminders"), READ),
    ("DELETE", "/api/v1/tasks/{task_id}/reminders/{reminder_id}"): Case(
        _reminder_to_delete, by_role(204, 204, 204, 404, 404)
    ),
    ("GET", "/api/v1/notifications"): Case(plain("GET", "/notifications"), alike(200)),
    # Live updates: everyone has a stream; it follows only the partitions they may read.
    ("GET", "/api/v1/events"): Case(
        plain("GET", "/events"), alike(200), _follows_what_each_may_read, stream=True
    ),
    ("POST", "/api/v1/notifications/read"): Case(
        plain("POST", "/notifications/read", json={"all": True}), alike(200)
    ),
    ("POST", "/api/v1/notifications/{notification_id}/snooze"): Case(_snooze_unknown, alike(404)),
    ("GET", "/api/v1/notifications/settings"): Case(
        plain("GET", "/notifications/settings"), alike(200)
    ),
    ("PUT", "/api/v1/notifications/settings"): Case(
        plain("PUT", "/notifications/settings", json={"digest_hour": 8}), alike(200)
    ),
    # Comments: their author only, while they may still write in the project.
    ("PATCH", "/api/v1/comments/{comment_id}"): Case(
        on_comment("PATCH", json={"body": "c"}), by_role(200, 200, 404, 404, 404)
    ),
    ("DELETE", "/api/v1/comments/{comment_id}"): Case(
        on_comment("DELETE"), by_role(204, 204, 404, 404, 404)
    ),
    # The caller's own partition: bulk changes, stats, labels, Today and the agenda read and write
    # the caller's own tasks only, so a shared task named in a bulk change is not found for anyone
    # but its owner (the rows of the caller's own account are the same for every role).
    ("POST", "/api/v1/tasks/bulk"): Case(_bulk_on_shared_task, by_role(200, 404, 404, 404, 404)),
    ("GET", "/api/v1/tasks/stats"): Case(plain("GET", "/tasks/stats"), alike(200)),
    ("GET", "/api/v1/tasks/labels"): Case(plain("GET", "/tasks/labels"), alike(200)),
    # Across partitions, the caller's own: a task assigned to the editor is theirs to see only.
    ("GET", "/api/v1/tasks/assigned"): Case(
        _assigned_to_me, alike(200), _only_the_assignee_sees_it
    ),
    ("GET", "/api/v1/tasks/today"): Case(plain("GET", "/tasks/today"), alike(200)),
    ("GET", "/api/v1/tasks/agenda"): Case(
        plain("GET", "/tasks/agenda", params={"from": "2026-12-01", "to": "2026-12-07"}), alike(200)
    ),
    # The project: members read it, only the owner changes, publishes or deletes it.
    ("GET", "/api/v1/projects"): Case(plain("GET", "/projects"), alike(200)),
    ("POST", "/api/v1/projects"): Case(plain("POST", "/projects", json={"name": "P"}), alike(201)),
    ("GET", "/api/v1/projects/{project_id}"): Case(on_project("GET"), READ),
    ("PATCH", "/api/v1/projects/{project_id}"): Case(on_project("PATCH", json={"name": "Y"}), OWN),
    ("DELETE", "/api/v1/projects/{project_id}"): Case(
        on_project("DELETE"),
        by_role(204, 403, 403, 404, 404),
        fresh=True,  # the owner deletes the project itself
    ),
    ("POST", "/api/v1/projects/{project_id}/publish"): Case(on_project("POST", "/publish"), OWN),
    ("DELETE", "/api/v1/projects/{project_id}/publish"): Case(
        on_project("DELETE", "/publish"), by_role(204, 403, 403, 404, 404)
    ),
    ("GET", "/api/v1/projects/{project_id}/history"): Case(on_project("GET", "/history"), READ),
    ("GET", "/api/v1/projects/{project_id}/members"): Case(on_project("GET", "/members"), READ),
    ("PATCH", "/api/v1/projects/{project_id}/members/{member_id}"): Case(
        _change_role,
        OWN,
        fresh=True,  # the spare viewer becomes an editor
    ),
    ("DELETE", "/api/v1/projects/{project_id}/members/{member_id}"): Case(
        _remove_member,
        by_role(204, 403, 403, 404, 404),
        fresh=True,  # the spare viewer stops being a member
    ),
    ("POST", "/api/v1/projects/{project_id}/invitations"): Case(
        _invite, by_role(201, 403, 403, 404, 404)
    ),
    ("GET", "/api/v1/projects/{project_id}/invitations"): Case(
        on_project("GET", "/invitations"), OWN
    ),
    ("DELETE", "/api/v1/projects/{project_id}/invitations/{invitation_id}"): Case(
        _withdraw, by_role(204, 403, 403, 404, 404)
    ),
    # Only the invited address's account may accept (here: the stranger's).
    ("POST", "/api/v1/invitations/accept"): Case(
        _accept_the_strangers,
        by_role(403, 403, 403, 403, 200),
        fresh=True,  # the stranger becomes a member
    ),
    # Published pages: anyone with the link, signed in or not.
    ("GET", "/p/{token}"): Case(_public_page, alike(200)),
    ("GET", "/api/v1/public/projects/{token}"): Case(_public_json, alike(200)),
    # The caller's own account and saved views: the same for every role.
    ("GET", "/api/v1/views"): Case(plain("GET", "/views"), alike(200)),
    ("POST", "/api/v1/views"): Case(plain("POST", "/views", json={"name": "V"}), alike(201)),
    ("GET", "/api/v1/views/{view_id}"): Case(on_view("GET"), alike(200)),
    ("PATCH", "/api/v1/views/{view_id}"): Case(on_view("PATCH", json={"name": "W"}), alike(200)),
    ("DELETE", "/api/v1/views/{view_id}"): Case(on_view("DELETE"), alike(204)),
    ("POST", "/api/v1/auth/register"): Case(
        with_me("POST", "/auth/register", _new_account), alike(201)
    ),
    ("POST", "/api/v1/auth/login"): Case(
        with_me("POST", "/auth/login", lambda me: {"email": me.email, "password": PASSWORD}),
        alike(200),
    ),
    ("POST", "/api/v1/auth/token"): Case(_token_form, alike(200)),
    ("POST", "/api/v1/auth/refresh"): Case(
        with_me("POST", "/auth/refresh", lambda me: {"refresh_token": me.refresh_token}),
        alike(200),
        # Rotates each refresh token: presenting the old one again would be reuse, which
        # revokes the whole session (and its access token).
        fresh=True,
    ),
    ("POST", "/api/v1/auth/logout"): Case(
        with_me("POST", "/auth/logout", lambda me: {"refresh_token": me.refresh_token}),
        alike(204),
        fresh=True,  # revokes each account's session, its access token with it
    ),
    ("POST", "/api/v1/auth/password-reset"): Case(
        with_me("POST", "/auth/password-reset", lambda me: {"email": me.email}), alike(202)
    ),
    ("POST", "/api/v1/auth/password-reset/confirm"): Case(
        with_me(
            "POST",
            "/auth/password-reset/confirm",
            lambda _me: {"token": "x" * 43, "new_password": "another stapler horse"},
        ),
        alike(400),
    ),
    ("POST", "/api/v1/auth/verify-email"): Case(
        with_me("POST", "/auth/verify-email", lambda _me: {"token": "x" * 43}), alike(400)
    ),
    ("POST", "/api/v1/auth/verify-email/resend"): Case(
        plain("POST", "/auth/verify-email/resend"), alike(202)
    ),
    ("GET", "/api/v1/users/me"): Case(plain("GET", "/users/me"), alike(200)),
    ("PATCH", "/api/v1/users/me"): Case(
        plain("PATCH", "/users/me", json={"full_name": "M"}), alike(200)
    ),
    ("POST", "/api/v1/users/me/password"): Case(
        with_me(
            "POST",
            "/users/me/password",
            lambda _me: {"current_password": PASSWORD, "new_password": "another stapler horse"},
        ),
        alike(204),
        # Later sign-ins would need the new password, and the accounts' other sessions end.
        fresh=True,
    ),
    ("POST", "/api/v1/users/me/export"): Case(
        with_me("POST", "/users/me/export", lambda _me: {"password": PASSWORD}), alike(200)
    ),
    ("DELETE", "/api/v1/users/me"): Case(
        with_me("DELETE", "/users/me", lambda _me: {"password": PASSWORD}),
        alike(204),
        fresh=True,  # every account is gone, the owner's project with it
    ),
    ("GET", "/health"): Case(lambda *_: _const("GET", "/health"), alike(200)),
    ("GET", "/ready"): Case(lambda *_: _const("GET", "/ready"), alike(200)),
}


async def data_versions(w: World) -> dict[uuid.UUID, int]:
    """Every account's data version: what a live stream compares after a notice (ADR 0019)."""
    ids = [uuid.UUID(a.user_id) for a in (*w.users.values(), w.spare)]
    async with w.app.state.services.session_factory() as session:
        rows = await session.execute(select(User.id, User.tasks_version).where(User.id.in_(ids)))
    return dict(rows.all())


async def task_versions(w: World) -> dict[uuid.UUID, tuple[uuid.UUID, int]]:
    """Every task of the world's accounts, read past every cache: id -> (owner, version)."""
    ids = [uuid.UUID(a.user_id) for a in (*w.users.values(), w.spare)]
    async with w.app.state.services.session_factory() as session:
        rows = await session.execute(
            select(Task.id, Task.owner_id, Task.version).where(Task.owner_id.in_(ids))
        )
    return {task: (owner, version) for task, owner, version in rows}


async def noticed(listener: Listener, owners: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `owners` the feed told `listener` of: at once in process, within a second or
    so through Redis (the PostgreSQL run); it waits only for notices still missing."""
    heard: set[uuid.UUID] = set()
    deadline = asyncio.get_running_loop().time() + 5.0
    while not owners <= heard and (left := deadline - asyncio.get_running_loop().time()) > 0:
        woke = await listener.wait(left)
        if woke is None:
            break
        heard |= {change.owner_id for change in woke[0]}
    return heard & owners


async def _const(method: str, path: str) -> Request:
    return method, path, {}


def endpoints(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app documents: its endpoints."""
    return {
        (method, str(getattr(route, "path", "")))
        for route in flatten(app.routes)
        if getattr(route, "include_in_schema", False)
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }


def test_every_route_has_a_matrix_entry(app: FastAPI) -> None:
    routes = endpoints(app)
    assert sorted(routes - MATRIX.keys()) == [], "routes without an authorization entry"
    assert sorted(MATRIX.keys() - routes) == [], "entries for routes that no longer exist"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=" ".join)
async def test_each_role_gets_the_status_the_matrix_says(
    route: tuple[str, str], app: FastAPI, client: httpx.AsyncClient, shared: Shared
) -> None:
    case = MATRIX[route]
    # `extra` is per case (the accept case keeps its invitation there).
    w = await world(app, client) if case.fresh else replace(shared.world, http=client, extra={})
    got: dict[str, int] = {}
    for role in ROLES:
        me = w.users[role]
        method, path, kwargs = await case.build(w, role, me)
        # Only a write the matrix refuses needs the owner's view to compare: one it lets
        # through and that is refused anyway fails on its status all the same.
        refused = case.expect[role] >= 400
        before = await w.snapshot() if method != "GET" and refused else None
        if case.stream:
            response = await stream_head(w.app, path, me.headers)
        else:
            async with w.app.state.services.feed.listening() as listener:
                versions = await listener.follow(lambda: data_versions(w))
                tasks = await task_versions(w)
                response = await client.request(method, path, headers=me.headers, **kwargs)
                after = await data_versions(w)
                moved = {owner for owner, version in after.items() if versions[owner] != version}
                tasks_after = await task_versions(w)
                changed = {
                    owner
                    for task, (owner, version) in tasks.items() ^ tasks_after.items()
                    if owner in after
                }
                assert changed <= moved, f"{role}'s {method} changed tasks, no version moved"
                unheard = moved - await noticed(listener, moved)
            assert not unheard, f"{role}'s {method} moved a data version no stream is told of"
        got[role] = response.status_code
        if response.status_code >= 400 and before is not None:
            assert await w.snapshot() == before, f"{role}'s refused {method} changed the project"
        if case.check is not None and response.status_code < 400:
            case.check(w, role, response)
    assert got == case.expect
    if not case.fresh:
        await tidy(w)
        built, now = shared.premise, await premise(w)
        if now != built:
            # Later cases get a sound world again, so the failure names this route only.
            shared.world = await world(app, client)
            shared.premise = await premise(shared.world)
        assert now == built, f"{' '.join(route)} changed the shared world: give it fresh=True"
