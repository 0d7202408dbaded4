"""Files on tasks with the local-disk store (`make run`): the whole flow through the API and the
store's own upload and download routes, limits, names, roles, link expiry, and objects deleted
with their task by the worker's purge (docs/adr/0020). test_attachments_s3.py runs the S3 store
against a real S3-compatible server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from sqlalchemy import func, select

from taskapp.attachments.models import Attachment, object_key
from taskapp.attachments.names import MAX_NAME, sanitize_filename
from taskapp.attachments.schemas import AttachmentCreate
from taskapp.attachments.storage import LinkExpiredError, LocalStore
from taskapp.db import utcnow
from taskapp.mail import Mailer
from taskapp.settings import Settings
from taskapp.worker.loop import JobLoop
from tests.conftest import (
    PASSWORD,
    Account,
    app_on,
    assert_problem,
    client_for,
    create_task,
    json_object,
    register_and_login,
)
from tests.test_shared_tasks import share

API = "/api/v1"
PDF = b"%PDF-1.4 a small test document\n" * 10


@pytest.fixture(scope="module")
async def files_app(
    make_settings: Callable[..., Settings], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        attachments_dir=tmp_path_factory.mktemp("attachments"),
        attachments_max_bytes=4096,
        attachments_quota_bytes=10_000,
    )
    async with app_on(settings) as application:
        yield application


APP_FIXTURE = "files_app"  # the app conftest's `http` fixture is a client of


async def announce(
    http: httpx.AsyncClient,
    who: Account,
    task_id: str,
    *,
    name: str = "report.pdf",
    kind: str = "application/pdf",
    size: int = len(PDF),
) -> httpx.Response:
    return await http.post(
        f"{API}/tasks/{task_id}/attachments",
        json={"filename": name, "content_type": kind, "size": size},
        headers=who.headers,
    )


async def upload(http: httpx.AsyncClient, made: dict[str, Any], data: bytes) -> httpx.Response:
    """What a browser does with the upload form: its fields, then the file."""
    form = made["upload"]
    kind = form["fields"]["Content-Type"]
    return await http.post(
        form["url"], data=form["fields"], files={"file": ("ignored", data, kind)}
    )


async def attach(
    http: httpx.AsyncClient, who: Account, task_id: str, data: bytes = PDF, **kw: Any
) -> dict[str, Any]:
    """Announce, upload and complete: a ready attachment."""
    made = await announce(http, who, task_id, size=len(data), **kw)
    assert made.status_code == 201, made.text
    uploaded = await upload(http, made.json(), data)
    assert uploaded.status_code == 204, uploaded.text
    attachment_id = made.json()["attachment"]["id"]
    done = await http.post(
        f"{API}/tasks/{task_id}/attachments/{attachment_id}/complete", headers=who.headers
    )
    return json_object(done, 200)


async def owner_with_task(http: httpx.AsyncClient) -> tuple[Account, dict[str, Any]]:
    """A new account and a task of its own to put files on."""
    owner = await register_and_login(http)
    return owner, await create_task(http, owner)


def stored(application: FastAPI, attachment_id: str) -> Path:
    root: Path = application.state.attachments.root
    return root / object_key(uuid.UUID(attachment_id))


async def rows(application: FastAPI) -> dict[uuid.UUID, uuid.UUID | None]:
    """Every attachment row: its task (None once it is only a deletion job)."""
    async with application.state.services.session_factory() as session:
        found = await session.execute(select(Attachment.id, Attachment.task_id))
        return {row.id: row.task_id for row in found}


def worker(application: FastAPI) -> JobLoop:
    services = application.state.services
    settings: Settings = services.settings
    registry = CollectorRegistry()
    store = application.state.attachments
    return JobLoop(settings, services.session_factory, Mailer(settings, registry), registry, store)


async def test_a_file_is_announced_uploaded_completed_listed_downloaded_and_deleted(
    files_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    made = await announce(http, owner, task["id"])
    assert made.status_code == 201, made.text
    pending = made.json()["attachment"]
    assert pending | {"id": "", "created_at": ""} == {
        "id": "",
        "task_id": task["id"],
        "filename": "report.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "status": "pending",
        "uploaded_by": owner.user_id,
        "created_at": "",
        "completed_at": None,
    }
    form = made.json()["upload"]
    assert form["url"] == f"{API}/attachment-store/uploads"
    assert set(form["fields"]) == {"key", "Content-Type", "token"}
    # Not listed until completed.
    listed = await http.get(f"{API}/tasks/{task['id']}/attachments", headers=owner.headers)
    assert listed.json() == {"items": [], "used_bytes": len(PDF), "quota_bytes": 10_000}
    early = await http.post(
        f"{API}/tasks/{task['id']}/attachments/{pending['id']}/complete", headers=owner.headers
    )
    assert assert_problem(early, 409)["type"].endswith("attachment-not-uploaded")

    uploaded = await upload(http, made.json(), PDF)
    assert uploaded.status_code == 204, uploaded.text
    done = await http.post(
        f"{API}/tasks/{task['id']}/attachments/{pending['id']}/complete", headers=owner.headers
    )
    assert done.status_code == 200
    assert done.json()["status"] == "ready"
    assert done.json()["completed_at"]
    listed = await http.get(f"{API}/tasks/{task['id']}/attachments", headers=owner.headers)
    assert listed.json() == {"items": [done.json()], "used_bytes": len(PDF), "quota_bytes": 10_000}

    link = await http.get(
        f"{API}/tasks/{task['id']}/attachments/{pending['id']}/download", headers=owner.headers
    )
    assert link.status_code == 200
    assert set(link.json()) == {"url", "expires_at"}
    got = await http.get(link.json()["url"])  # no credentials: the link is the grant
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
    )
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"

    gone = await http.delete(
        f"{API}/tasks/{task['id']}/attachments/{pending['id']}", headers=owner.headers
    )
    assert gone.status_code == 204
    assert not stored(files_app, pending["id"]).exists()
    assert uuid.UUID(pending["id"]) not in await rows(files_app)
    listed = await http.get(f"{API}/tasks/{task['id']}/attachments", headers=owner.headers)
    assert listed.json() == {"items": [], "used_bytes": 0, "quota_bytes": 10_000}
    assert_problem(await http.get(link.json()["url"]), 404)


async def test_size_type_and_quota_are_refused_at_creation_with_a_problem(
    http: httpx.AsyncClient,
) -> None:
    owner, task = await owner_with_task(http)
    big = assert_problem(await announce(http, owner, task["id"], size=4097), 413)
    assert big["type"].endswith("attachment-too-large")
    assert big["detail"] == "The file is 4097 bytes; at most 4096 bytes may be attached."
    for kind in ("text/html", "image/svg+xml", "application/x-msdownload"):
        refused = assert_problem(await announce(http, owner, task["id"], kind=kind), 415)
        assert refused["type"].endswith("attachment-type-refused")
        assert kind in refused["detail"]
    # Parameters and case are not a way around the list.
    ok = await announce(http, owner, task["id"], kind="Text/Plain; charset=utf-8", size=4000)
    assert ok.status_code == 201
    assert ok.json()["attachment"]["content_type"] == "text/plain"
    # 4,000 reserved by the pending upload, and two more on another task: 10,000 in all.
    other = await create_task(http, owner)
    for _ in range(2):
        assert (await announce(http, owner, other["id"], size=3000)).status_code == 201
    full = assert_problem(await announce(http, owner, other["id"], size=1), 409)
    assert full["type"].endswith("attachment-quota-exceeded")
    assert full["detail"] == (
        "This file (1 bytes) does not fit in your storage: 10000 of 10000 bytes are used."
        " Delete files to make room."
    )
    assert (full["used_bytes"], full["quota_bytes"]) == (10_000, 10_000)
    # Deleting a file makes room at once.
    pending = ok.json()["attachment"]["id"]
    await http.delete(f"{API}/tasks/{task['id']}/attachments/{pending}", headers=owner.headers)
    assert (await announce(http, owner, other["id"], size=4000)).status_code == 201


@pytest.mark.no_database
@settings(max_examples=200)
@given(data=st.data())
def test_every_content_type_the_schema_allows_passes_validation(data: st.DataObject) -> None:
    """The request schema is what clients and schemathesis generate from; a value it allows must
    not come back as 422 (a stripped min_length once refused " x\n", which the schema allowed)."""
    prop = AttachmentCreate.model_json_schema()["properties"]["content_type"]
    lengths = (prop.get("minLength", 0), prop.get("maxLength", 10_000))
    values = st.from_regex(prop["pattern"], fullmatch=True) if "pattern" in prop else st.text()

    value = data.draw(values.filter(lambda v: lengths[0] <= len(v) <= lengths[1]))

    AttachmentCreate(filename="notes.txt", content_type=value, size=1)


@pytest.mark.parametrize(
    "kind", ["Ñ\x89\n", " text/plain", "text/plain\n", "text", "text/", "a b/c"]
)
def test_a_content_type_that_is_no_media_type_is_refused_naming_the_field(kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        AttachmentCreate(filename="notes.txt", content_type=kind, size=1)
    assert [error["loc"] for error in refused.value.errors()] == [("content_type",)]


def test_names_keep_their_base_name_only_without_controls_quotes_or_leading_dots() -> None:
    assert sanitize_filename("../../etc/passwd") == "passwd"
    assert sanitize_filename("C:\\Users\\me\\notes.txt") == "notes.txt"
    # A right-to-left override would make "invoice\u202efdp.exe" read "invoiceexe.pdf".
    assert sanitize_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert sanitize_filename('a\x00b\x07c\r\n"d".txt') == "abc'd'.txt"
    assert sanitize_filename("Cafe\u0301.txt") == "Caf\u00e9.txt"  # NFC
    assert sanitize_filename("...hidden") == "hidden"
    assert sanitize_filename("../..") == "file"
    long = sanitize_filename("x" * 500 + ".pdf")
    assert len(long) == MAX_NAME
    assert long.endswith("x.pdf")


async def test_a_sanitized_name_is_stored_and_sent_back_with_rfc_6266_filename_star(
    http: httpx.AsyncClient,
) -> None:
    owner, task = await owner_with_task(http)
    ready = await attach(
        http,
        owner,
        task["id"],
        b"hi",
        name="../x/\u202eR\u00e9sum\u00e9 \u201cv2\u201d.txt",
        kind="text/plain",
    )
    assert ready["filename"] == "R\u00e9sum\u00e9 \u201cv2\u201d.txt"
    link = await http.get(
        f"{API}/tasks/{task['id']}/attachments/{ready['id']}/download", headers=owner.headers
    )
    got = await http.get(link.json()["url"])
    assert got.headers["content-disposition"] == (
        'attachment; filename="R_sum_ _v2_.txt"; '
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%9Cv2%E2%80%9D.txt"
    )


async def test_the_upload_form_stores_only_the_signed_key_type_and_exact_size(
    files_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    made = (await announce(http, owner, task["id"])).json()
    fields = made["upload"]["fields"]
    url = made["upload"]["url"]

    async def post(data: dict[str, str], content: bytes) -> httpx.Response:
        return await http.post(url, data=data, files={"file": ("f", content, "application/pdf")})

    bigger = assert_problem(await post(fields, PDF + b"x"), 400)
    assert bigger["detail"] == (
        f"The file is {len(PDF) + 1} bytes; this upload was signed for exactly {len(PDF)}."
    )
    assert_problem(await post({**fields, "Content-Type": "text/html"}, PDF), 403)
    assert_problem(await post({**fields, "key": "attachments/other"}, PDF), 403)
    assert_problem(await post({**fields, "token": fields["token"] + "x"}, PDF), 403)
    assert not stored(files_app, made["attachment"]["id"]).exists()
    # Larger than the API's 1 MiB body limit allows elsewhere, smaller than the file limit here.
    too_large = await http.post(
        url, data=fields, files={"file": ("f", b"x" * (2 * 1024 * 1024), "application/pdf")}
    )
    assert_problem(too_large, 413)
    assert (await post(fields, PDF)).status_code == 204
    assert stored(files_app, made["attachment"]["id"]).read_bytes() == PDF


async def test_viewers_list_and_download_editors_write_strangers_and_removed_members_get_404(
    files_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, editor, viewer, leaver, stranger = [await register_and_login(http) for _ in range(5)]
    project = (
        await http.post(f"{API}/projects", json={"name": "Files"}, headers=owner.headers)
    ).json()["id"]
    for who, role in ((editor, "editor"), (viewer, "viewer"), (leaver, "viewer")):
        await share(files_app, http, owner, project, who, role)
    task = await create_task(http, owner, project_id=project)
    ready = await attach(http, editor, task["id"])
    assert ready["uploaded_by"] == editor.user_id
    base = f"{API}/tasks/{task['id']}/attachments"
    for who in (owner, editor, viewer, leaver):
        assert (await http.get(base, headers=who.headers)).json()["items"] == [ready]
        link = await http.get(f"{base}/{ready['id']}/download", headers=who.headers)
        assert (await http.get(link.json()["url"])).content == PDF
    # The editor's upload counts in the owner's quota.
    assert (await http.get(base, headers=owner.headers)).json()["used_bytes"] == len(PDF)
    assert_problem(await announce(http, viewer, task["id"]), 403)
    assert_problem(await http.delete(f"{base}/{ready['id']}", headers=viewer.headers), 403)
    for path in (base, f"{base}/{ready['id']}/download"):
        assert_problem(await http.get(path, headers=stranger.headers), 404)
    assert_problem(await announce(http, stranger, task["id"]), 404)

    removed = await http.delete(
        f"{API}/projects/{project}/members/{leaver.user_id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert_problem(await http.get(base, headers=leaver.headers), 404)
    assert_problem(await http.get(f"{base}/{ready['id']}/download", headers=leaver.headers), 404)
    # An editor deletes the file: the next link anyone asks for is 404.
    assert (await http.delete(f"{base}/{ready['id']}", headers=editor.headers)).status_code == 204
    assert_problem(await http.get(f"{base}/{ready['id']}/download", headers=viewer.headers), 404)


def test_a_link_lives_at_least_its_lifetime_though_signatures_carry_whole_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStore(tmp_path, "k" * 32)
    clock = [1000.99]  # signed late in a second: the signature says 1000
    monkeypatch.setattr("time.time", lambda: clock[0])
    url = store.download_url(
        "attachments/a",
        filename="a.pdf",
        content_type="application/pdf",
        expires=timedelta(seconds=1),
    )
    token = url.rsplit("/", 1)[1]
    clock[0] = 1001.5  # half a second later, across a second boundary
    assert store.download_grant(token)["key"] == "attachments/a"
    clock[0] = 1002.0  # a whole second past the signature's second
    with pytest.raises(LinkExpiredError):
        store.download_grant(token)


async def test_links_expire_so_a_removed_members_old_link_stops_working(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings(
        attachments_dir=tmp_path,
        attachments_upload_ttl=timedelta(seconds=1),
        attachments_download_ttl=timedelta(seconds=1),
    )
    async with app_on(settings) as short_app, client_for(short_app) as http:
        owner, member = await register_and_login(http), await register_and_login(http)
        project = (
            await http.post(f"{API}/projects", json={"name": "P"}, headers=owner.headers)
        ).json()["id"]
        await share(short_app, http, owner, project, member, "viewer")
        task = await create_task(http, owner, project_id=project)
        ready = await attach(http, owner, task["id"])
        stale_form = (await announce(http, owner, task["id"])).json()
        base = f"{API}/tasks/{task['id']}/attachments"
        link = (await http.get(f"{base}/{ready['id']}/download", headers=member.headers)).json()
        assert (await http.get(link["url"])).content == PDF  # works while fresh
        await http.delete(
            f"{API}/projects/{project}/members/{member.user_id}", headers=owner.headers
        )
        await asyncio.sleep(2.1)  # the signatures carry whole seconds
        expired = assert_problem(await http.get(link["url"]), 403)
        assert expired["detail"] == "the link has expired: ask for a new one."
        assert_problem(await upload(http, stale_form, PDF), 403)
        # The member cannot ask for a new one; the owner can.
        assert_problem(
            await http.get(f"{base}/{ready['id']}/download", headers=member.headers), 404
        )
        fresh = (await http.get(f"{base}/{ready['id']}/download", headers=owner.headers)).json()
        assert (await http.get(fresh["url"])).content == PDF


async def _deleted_files_are_purged_by_the_worker(
    application: FastAPI, http: httpx.AsyncClient, delete: Callable[..., Any]
) -> None:
    owner = await register_and_login(http)
    project = (
        await http.post(f"{API}/projects", json={"name": "P"}, headers=owner.headers)
    ).json()["id"]
    task = await create_task(http, owner, project_id=project)
    child = await create_task(http, owner, project_id=project, parent_id=task["id"])
    ready = [await attach(http, owner, task["id"]), await attach(http, owner, child["id"])]
    pending = (await announce(http, owner, task["id"])).json()["attachment"]
    ids = [uuid.UUID(a["id"]) for a in (*ready, pending)]

    await delete(http, owner, project, task["id"])
    # The rows stay, without their task, until the worker has deleted their objects.
    left = await rows(application)
    assert [left.get(i, "gone") for i in ids] == [None, None, None]
    assert all(stored(application, a["id"]).exists() for a in ready)

    loop = worker(application)
    await loop.tick()
    left = await rows(application)
    assert [i in left for i in ids] == [False, False, True]  # the pending one's form is alive
    assert not any(stored(application, a["id"]).exists() for a in ready)
    sample = loop.registry.get_sample_value(
        "taskapp_jobs_total", {"job": "attachment_purge", "outcome": "ok"}
    )
    assert sample is not None
    assert sample >= 2
    # Once its upload form has expired, the pending one goes too.
    await worker(application).purge_files(utcnow() + timedelta(minutes=12))
    assert ids[2] not in await rows(application)


async def _delete_task(http: httpx.AsyncClient, owner: Account, _project: str, task: str) -> None:
    assert (await http.delete(f"{API}/tasks/{task}", headers=owner.headers)).status_code == 204


async def _delete_project(
    http: httpx.AsyncClient, owner: Account, project: str, _task: str
) -> None:
    gone = await http.delete(f"{API}/projects/{project}", headers=owner.headers)
    assert gone.status_code == 204, gone.text


async def _delete_account(
    http: httpx.AsyncClient, owner: Account, _project: str, _task: str
) -> None:
    gone = await http.request(
        "DELETE", f"{API}/users/me", json={"password": PASSWORD}, headers=owner.headers
    )
    assert gone.status_code == 204, gone.text


@pytest.mark.parametrize(
    "delete", [_delete_task, _delete_project, _delete_account], ids=["task", "project", "account"]
)
async def test_files_go_with_their_task_its_subtasks_project_or_account_through_the_worker(
    files_app: FastAPI, http: httpx.AsyncClient, delete: Callable[..., Any]
) -> None:
    await _deleted_files_are_purged_by_the_worker(files_app, http, delete)


class BrokenStore:
    """The store is away: every delete fails."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def delete(self, key: str) -> None:
        raise ConnectionError("store unreachable")


async def test_a_failed_purge_is_retried_after_a_back_off_and_never_dropped(
    files_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    ready = await attach(http, owner, task["id"])
    real = files_app.state.attachments
    files_app.state.attachments = BrokenStore(real)
    try:
        gone = await http.delete(
            f"{API}/tasks/{task['id']}/attachments/{ready['id']}", headers=owner.headers
        )
    finally:
        files_app.state.attachments = real
    assert gone.status_code == 204  # the file is gone for users; its object is not yet
    assert stored(files_app, ready["id"]).exists()
    async with files_app.state.services.session_factory() as session:
        row = await session.scalar(
            select(Attachment).where(Attachment.id == uuid.UUID(ready["id"]))
        )
        assert row is not None
        assert row.task_id is None
        assert row.purge_attempts == 1
        assert row.purge_after is not None
        assert row.purge_after > utcnow()
    loop = worker(files_app)
    await loop.tick()  # still backing off
    assert stored(files_app, ready["id"]).exists()
    await loop.purge_files(utcnow() + timedelta(minutes=1))
    assert not stored(files_app, ready["id"]).exists()
    async with files_app.state.services.session_factory() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(Attachment.id == uuid.UUID(ready["id"]))
        )
    assert count == 0
