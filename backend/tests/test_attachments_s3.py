"""The S3 store against a real S3-compatible server started here (moto in server mode, over HTTP):
presigned POST uploads, HEAD on completion, presigned GET downloads, deletes, and the worker's
purge of a deleted task's objects.

moto (5.1) accepts what AWS refuses: it checks neither a presigned POST's policy (size range,
Content-Type, expiry) nor a presigned GET's expiry (seen: a 100-byte file under a
content-length-range of 1-10, and a GET two seconds after a one-second link, both accepted).
So these tests read the policy and the link for what AWS enforces, and prove the server's own
second line: a file that does not match is refused at completion and deleted. Expiry itself is
proven on the local store (test_attachments.py), which enforces it."""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from fastapi import FastAPI
from moto.server import ThreadedMotoServer

from taskapp.attachments.models import object_key
from taskapp.attachments.storage import S3Store
from taskapp.db import utcnow
from taskapp.http.headers import API_CSP, html_csp
from taskapp.main import create_app
from taskapp.settings import Settings
from tests.conftest import (
    app_on,
    assert_problem,
    client_for,
)
from tests.test_attachments import (
    PDF,
    announce,
    attach,
    owner_with_task,
    rows,
    upload,
    worker,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

API = "/api/v1"
BUCKET = "taskapp-test-assets"
REGION: Literal["eu-west-1"] = "eu-west-1"
# The brief's ports for this suite's S3 server; the first free one is taken.
PORTS = range(5001, 5010)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port for the S3 server in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # Credentials for the default chain, as IRSA provides them in the cluster (moto takes any).
    saved = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_ACCESS_KEY_ID"] = "test-access-key"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "test-secret-key"
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def s3(s3_endpoint: str) -> S3Client:
    client: S3Client = boto3.client("s3", region_name=REGION, endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


@pytest.fixture(scope="module")
async def s3_app(
    make_settings: Callable[..., Settings], s3: S3Client, s3_endpoint: str
) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        attachments_bucket=BUCKET,
        attachments_region=REGION,
        attachments_endpoint_url=s3_endpoint,
        attachments_max_bytes=4096,
    )
    async with app_on(settings) as application:
        assert isinstance(application.state.attachments, S3Store)
        yield application


APP_FIXTURE = "s3_app"  # the app conftest's `http` fixture is a client of


def head(s3: S3Client, attachment_id: str) -> dict[str, Any] | None:
    try:
        found = s3.head_object(Bucket=BUCKET, Key=object_key(uuid.UUID(attachment_id)))
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "404":
            raise
        return None
    return {"size": found["ContentLength"], "type": found["ContentType"]}


async def test_a_file_goes_to_s3_by_presigned_post_and_comes_back_by_presigned_get(
    s3: S3Client, s3_endpoint: str, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    made = await announce(http, owner, task["id"])
    assert made.status_code == 201, made.text
    form = made.json()["upload"]
    attachment_id = made.json()["attachment"]["id"]
    assert form["url"] == f"{s3_endpoint}/{BUCKET}"
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    # What S3 enforces: this key, this type, exactly this size, for ten minutes.
    assert {"bucket": BUCKET} in policy["conditions"]
    assert {"key": object_key(uuid.UUID(attachment_id))} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", len(PDF), len(PDF)] in policy["conditions"]
    expires = policy["expiration"]
    assert expires[:16] == (utcnow() + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")

    # Over real HTTP, to the S3 server (the API never sees the bytes).
    async with httpx.AsyncClient() as browser:
        stored = await upload(browser, made.json(), PDF)
        assert stored.status_code == 204, stored.text
        assert head(s3, attachment_id) == {"size": len(PDF), "type": "application/pdf"}
        done = await http.post(
            f"{API}/tasks/{task['id']}/attachments/{attachment_id}/complete",
            headers=owner.headers,
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "ready"
        link = await http.get(
            f"{API}/tasks/{task['id']}/attachments/{attachment_id}/download",
            headers=owner.headers,
        )
        url = link.json()["url"]
        query = parse_qs(urlsplit(url).query)
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/attachments/")
        assert query["X-Amz-Expires"] == ["60"]
        assert query["response-content-disposition"] == [
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        ]
        got = await browser.get(url)
        assert got.status_code == 200
        assert got.content == PDF
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["content-type"] == "application/pdf"

    gone = await http.delete(
        f"{API}/tasks/{task['id']}/attachments/{attachment_id}", headers=owner.headers
    )
    assert gone.status_code == 204
    assert head(s3, attachment_id) is None  # deleted after the commit, by the request itself


async def test_a_file_other_than_the_one_announced_is_refused_at_completion_and_deleted(
    s3: S3Client, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    made = await announce(http, owner, task["id"])
    attachment_id = made.json()["attachment"]["id"]
    async with httpx.AsyncClient() as browser:
        # AWS would refuse this by the policy's content-length-range; moto stores it.
        stored = await upload(browser, made.json(), PDF * 2)
    assert stored.status_code == 204
    assert head(s3, attachment_id) == {"size": 2 * len(PDF), "type": "application/pdf"}
    done = await http.post(
        f"{API}/tasks/{task['id']}/attachments/{attachment_id}/complete", headers=owner.headers
    )
    refused = assert_problem(done, 422)
    assert refused["detail"] == (
        f"The uploaded file ({2 * len(PDF)} bytes, application/pdf) is not the one announced"
        f" ({len(PDF)} bytes, application/pdf); it was deleted."
    )
    assert head(s3, attachment_id) is None
    listed = await http.get(f"{API}/tasks/{task['id']}/attachments", headers=owner.headers)
    assert listed.json()["items"] == []
    assert listed.json()["used_bytes"] == 0


async def test_a_deleted_tasks_objects_are_deleted_from_s3_by_the_worker(
    s3_app: FastAPI, s3: S3Client, http: httpx.AsyncClient
) -> None:
    owner, task = await owner_with_task(http)
    async with httpx.AsyncClient() as browser:
        # `attach` uploads through the client it is given: here the real HTTP one for S3.
        ready = await attach(_Split(http, browser), owner, task["id"])  # type: ignore[arg-type]
    assert head(s3, ready["id"]) is not None
    assert (
        await http.delete(f"{API}/tasks/{task['id']}", headers=owner.headers)
    ).status_code == 204
    assert head(s3, ready["id"]) is not None  # never from inside the deleting transaction
    await worker(s3_app).tick()
    assert head(s3, ready["id"]) is None
    assert uuid.UUID(ready["id"]) not in await rows(s3_app)


class _Split:
    """API calls to the app, absolute URLs (the S3 server) over the network."""

    def __init__(self, api: httpx.AsyncClient, network: httpx.AsyncClient) -> None:
        self.api = api
        self.network = network

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        client = self.network if url.startswith("http") else self.api
        return await client.post(url, **kwargs)


async def test_the_web_app_may_send_files_to_the_bucket_and_nowhere_else(
    make_settings: Callable[..., Settings], s3_endpoint: str, tmp_web_dir: Path
) -> None:
    # The browser posts uploads straight to the bucket: its origin is in connect-src (XHR) and
    # form-action, added to 'self' only; the API's own responses keep default-src 'none'.
    (tmp_web_dir / "sw.js").write_text("self.addEventListener('install', () => {})")
    application = create_app(
        make_settings(
            attachments_bucket=BUCKET,
            attachments_region=REGION,
            attachments_endpoint_url=s3_endpoint,
            web_dir=tmp_web_dir,
        )
    )
    try:
        async with client_for(application) as http:
            page = await http.get("/")
            worker_script = await http.get("/sw.js")
            api = await http.get("/health")
    finally:
        await application.state.services.engine.dispose()
    policy = page.headers["content-security-policy"]
    assert f"connect-src 'self' {s3_endpoint};" in policy
    assert f"form-action 'self' {s3_endpoint};" in policy
    assert policy == html_csp((s3_endpoint,))
    assert worker_script.headers["content-security-policy"] == policy
    assert api.headers["content-security-policy"] == API_CSP


def test_on_aws_forms_and_links_use_the_buckets_regional_virtual_hosted_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-access-key")  # signing needs a key; no request
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    # The origin the web app's CSP must allow; the frontend chart builds the same name from the
    # cluster facts (deploy/tests/test_images.py). The global name would redirect a new bucket's
    # uploads, which a browser's CORS request cannot follow.
    store = S3Store("taskapp-dev-assets-1", Settings(attachments_region="eu-west-1"))
    origin = "https://taskapp-dev-assets-1.s3.eu-west-1.amazonaws.com"
    assert store.upload_origins == (origin,)
    form = store.upload_form("k", content_type="text/plain", size=1, expires=timedelta(minutes=1))
    assert form.url == f"{origin}/"
    link = store.download_url(
        "k", filename="a.txt", content_type="text/plain", expires=timedelta(minutes=1)
    )
    assert link.startswith(f"{origin}/k?")
