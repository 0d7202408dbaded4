"""Where attachment bytes live, behind one small protocol (docs/adr/0020): S3 in production, a local
folder under `make run`. Either way the bytes never pass through an API request: the client
uploads with a short-lived form and downloads with a short-lived link, and the API only signs,
checks (HEAD) and deletes.

S3: boto3 signs presigned POST forms and GET links locally (pure computation, no request), and
its HEAD and DELETE calls run in a thread, off the event loop. aioboto3 would make those two
calls natively async, at the price of aiobotocore's pin on an exact botocore release (the two
move in lockstep and hold boto3 back); two calls per file do not need it.

Local disk: the "presigned" URLs are this app's own routes (attachments/router.py) with a token
signed by itsdangerous under the app's secret (as cursors are), carrying its own lifetime.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from taskapp.openapi import API_PREFIX
from taskapp.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

LOCAL_UPLOAD_PATH = f"{API_PREFIX}/attachment-store/uploads"
LOCAL_DOWNLOAD_PATH = f"{API_PREFIX}/attachment-store/files"
# Room for the multipart form's own fields and boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class UploadForm:
    """POST `fields` and then the file (as the form's last part, named `file`) to `url`."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class StoredObject:
    size: int
    content_type: str


class Store(Protocol):
    # Origins other than the app's that browsers send files to (for the web app's CSP).
    upload_origins: tuple[str, ...]

    def upload_form(
        self, key: str, *, content_type: str, size: int, expires: timedelta
    ) -> UploadForm:
        """A form that stores exactly `size` bytes of `content_type` at `key`, until `expires`."""
        ...

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires: timedelta
    ) -> str:
        """A link that downloads `key` as an attachment named `filename`, until `expires`."""
        ...

    async def head(self, key: str) -> StoredObject | None:
        """What is stored at `key`, or None."""
        ...

    async def delete(self, key: str) -> None:
        """Remove `key`; nothing there is not an error (deletion is retried)."""
        ...


def disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact name as RFC 6266 `filename*`."""
    # Names are sanitized (names.py): no control characters, quotes or backslashes reach here.
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class S3Store:
    def __init__(self, bucket: str, settings: Settings) -> None:
        self.bucket = bucket
        # SigV4 (presigned POSTs need it outside us-east-1); credentials come from the pod's IRSA
        # role (the default chain).
        # The regional, virtual-hosted name (bucket.s3.<region>.amazonaws.com): the global one
        # answers a new bucket's requests with redirects, which a browser's CORS upload fails.
        region = settings.attachments_region
        endpoint = settings.attachments_endpoint_url or (
            f"https://s3.{region}.amazonaws.com" if region else None
        )
        self.client: S3Client = boto3.client(
            "s3",
            region_name=region,
            endpoint_url=endpoint,
            config=Config(
                signature_version="s3v4",
                retries={"mode": "standard"},
                s3={"addressing_style": "path" if settings.attachments_endpoint_url else "virtual"},
            ),
        )
        # Where browsers post uploads (the web app's CSP allows it): computed, not requested.
        form_url = urlsplit(self.client.generate_presigned_post(self.bucket, "probe")["url"])
        self.upload_origins: tuple[str, ...] = (f"{form_url.scheme}://{form_url.netloc}",)

    def upload_form(
        self, key: str, *, content_type: str, size: int, expires: timedelta
    ) -> UploadForm:
        # The policy makes S3 itself refuse another size or type.
        post: dict[str, Any] = self.client.generate_presigned_post(
            self.bucket,
            key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=int(expires.total_seconds()),
        )
        return UploadForm(url=str(post["url"]), fields=dict(post["fields"]))

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires: timedelta
    ) -> str:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": disposition(filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=int(expires.total_seconds()),
        )

    async def head(self, key: str) -> StoredObject | None:
        try:
            found = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(size=found["ContentLength"], content_type=found["ContentType"])

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)


class LinkExpiredError(Exception):
    pass


class LocalStore:
    """Files under `root`, one per key, with a small JSON sidecar holding the content type."""

    def __init__(self, root: Path, secret_key: str) -> None:
        self.root = root
        self.upload_origins: tuple[str, ...] = ()  # the app's own routes
        self._upload = URLSafeTimedSerializer(secret_key, salt="taskapp.attachments.upload")
        self._download = URLSafeTimedSerializer(secret_key, salt="taskapp.attachments.download")

    def _path(self, key: str) -> Path:
        # Keys are ours ("attachments/<hex>"), never a client's; refuse anything else anyway.
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()) or path == self.root.resolve():
            raise ValueError(f"not a key of this store: {key!r}")
        return path

    def upload_form(
        self, key: str, *, content_type: str, size: int, expires: timedelta
    ) -> UploadForm:
        token = self._upload.dumps(
            {"key": key, "type": content_type, "size": size, "ttl": expires.total_seconds()}
        )
        # Named as S3's form fields are, so the client fills one form for both stores.
        return UploadForm(
            url=LOCAL_UPLOAD_PATH,
            fields={"key": key, "Content-Type": content_type, "token": token},
        )

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires: timedelta
    ) -> str:
        token = self._download.dumps(
            {"key": key, "name": filename, "type": content_type, "ttl": expires.total_seconds()}
        )
        return f"{LOCAL_DOWNLOAD_PATH}/{token}"

    @staticmethod
    def _open(serializer: URLSafeTimedSerializer, token: str) -> dict[str, Any]:
        try:
            payload, signed_at = serializer.loads(token, return_timestamp=True)
        except BadSignature as exc:
            raise LinkExpiredError("the link is not one this server made") from exc
        # The lifetime is inside the signed payload, so each link keeps the one it was made with.
        # The signature holds whole seconds; compare whole seconds (as itsdangerous's own
        # max_age does) so a link made late in a second is not cut short by up to a second.
        if int(time.time()) - signed_at.timestamp() > float(payload["ttl"]):
            raise LinkExpiredError("the link has expired")
        return dict(payload)

    def upload_grant(self, token: str) -> dict[str, Any]:
        """The key, type and exact size an upload token allows (LinkExpiredError if none)."""
        return self._open(self._upload, token)

    def download_grant(self, token: str) -> dict[str, Any]:
        return self._open(self._download, token)

    def store(self, key: str, content_type: str, source: IO[bytes]) -> None:
        """Blocking: write the upload next to its final place, then move it there at once."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        Path(f"{path}.json").write_text(json.dumps({"content_type": content_type}))
        os.replace(out.name, path)

    def file(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def _head(self, key: str) -> StoredObject | None:
        path = self._path(key)
        try:
            size = path.stat().st_size
            meta = json.loads(Path(f"{path}.json").read_text())
        except FileNotFoundError:
            return None
        return StoredObject(size=size, content_type=str(meta["content_type"]))

    async def head(self, key: str) -> StoredObject | None:
        return await asyncio.to_thread(self._head, key)

    def _delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        Path(f"{path}.json").unlink(missing_ok=True)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)


def build_store(settings: Settings) -> S3Store | LocalStore:
    if settings.attachments_bucket:
        return S3Store(settings.attachments_bucket, settings)
    return LocalStore(settings.attachments_dir, settings.secret_key)
