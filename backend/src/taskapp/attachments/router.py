"""HTTP in, HTTP out: files on tasks (rules in attachments/service.py), and the local store's two
routes that stand in for S3's presigned POST and GET under `make run` (no bucket configured)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from taskapp.attachments import service
from taskapp.attachments.schemas import (
    AttachmentCreate,
    AttachmentList,
    AttachmentPublic,
    AttachmentUpload,
    DownloadLink,
)
from taskapp.attachments.storage import (
    LOCAL_DOWNLOAD_PATH,
    LOCAL_UPLOAD_PATH,
    LinkExpiredError,
    LocalStore,
    Store,
    disposition,
)
from taskapp.auth.interface import CurrentPrincipal
from taskapp.deps import SessionDep, SettingsDep
from taskapp.errors import ProblemError, not_found
from taskapp.openapi import API_PREFIX, problem_responses

router = APIRouter(prefix=API_PREFIX, tags=["attachments"], responses=problem_responses(401))
store_router = APIRouter(tags=["attachments"])


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.attachments
    return store


StoreDep = Annotated[Store, Depends(get_store)]


async def _scope(
    user: CurrentPrincipal, session: SessionDep, settings: SettingsDep, store: StoreDep
) -> service.Scope:
    return service.Scope(session, store, service.Limits.of(settings), user.user_id)


ScopeDep = Annotated[service.Scope, Depends(_scope)]
PATH = "/tasks/{task_id}/attachments"


@router.post(
    PATH,
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentUpload,
    responses=problem_responses(403, 404, 409, 413, 415, 422),
)
async def create_attachment(
    task_id: uuid.UUID, body: AttachmentCreate, scope: ScopeDep
) -> AttachmentUpload:
    """A pending attachment and the form to upload its file with (until `expires_at`); then
    `complete` it. Its size counts in the task owner's quota from now on."""
    return await service.create(scope, task_id, body)


@router.get(PATH, response_model=AttachmentList, responses=problem_responses(404, 422))
async def list_attachments(task_id: uuid.UUID, scope: ScopeDep) -> AttachmentList:
    return await service.listing(scope, task_id)


@router.post(
    PATH + "/{attachment_id}/complete",
    response_model=AttachmentPublic,
    responses=problem_responses(403, 404, 409, 422),
)
async def complete_attachment(
    task_id: uuid.UUID, attachment_id: uuid.UUID, scope: ScopeDep
) -> AttachmentPublic:
    """Checks the uploaded file (its size and type must be those announced) and lists it."""
    return await service.complete(scope, task_id, attachment_id)


@router.get(
    PATH + "/{attachment_id}/download",
    response_model=DownloadLink,
    responses=problem_responses(404, 422),
)
async def download_attachment(
    task_id: uuid.UUID, attachment_id: uuid.UUID, scope: ScopeDep
) -> DownloadLink:
    """A link to follow at once (it expires within a minute); it downloads the file as an
    attachment, never shown inline."""
    return await service.download(scope, task_id, attachment_id)


@router.delete(
    PATH + "/{attachment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 422),
)
async def delete_attachment(task_id: uuid.UUID, attachment_id: uuid.UUID, scope: ScopeDep) -> None:
    await service.remove(scope, task_id, attachment_id)


def _local(store: Store) -> LocalStore:
    if not isinstance(store, LocalStore):  # files are in S3: these routes do not exist
        raise not_found("file store")
    return store


def _refused(exc: LinkExpiredError) -> ProblemError:
    # 403, as S3 answers an expired or forged signature.
    return ProblemError(403, f"{exc}: ask for a new one.", problem_type="link-refused")


@store_router.post(
    LOCAL_UPLOAD_PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 403, 404, 413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        # The form is exactly what the upload's creation answered, and a file.
                        "additionalProperties": False,
                        "required": ["key", "Content-Type", "token", "file"],
                        "properties": {
                            "key": {"type": "string"},
                            "Content-Type": {"type": "string"},
                            "token": {"type": "string"},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    },
)
async def local_upload(request: Request, store: StoreDep) -> Response:
    """The local store's upload (no bucket configured): the `upload` form of a new attachment,
    checked as S3 checks its presigned POST policy (key, type, exact size, expiry)."""
    local = _local(store)
    async with request.form(max_files=1, max_fields=8) as form:
        token, key, kind, file = (
            form.get(name) for name in ("token", "key", "Content-Type", "file")
        )
        if not isinstance(token, str) or not isinstance(file, UploadFile):
            raise ProblemError(400, "The form needs the upload's fields and then a `file` part.")
        try:
            grant = local.upload_grant(token)
        except LinkExpiredError as exc:
            raise _refused(exc) from None
        if key != grant["key"] or kind != grant["type"]:
            raise ProblemError(
                403, "The form's key or Content-Type is not the one this upload was signed for."
            )
        if file.size != grant["size"]:
            raise ProblemError(
                400,
                f"The file is {file.size} bytes; this upload was signed for exactly"
                f" {grant['size']}.",
                problem_type="upload-size-mismatch",
            )
        await asyncio.to_thread(local.store, str(key), str(kind), file.file)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@store_router.get(
    LOCAL_DOWNLOAD_PATH + "/{token}",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        **problem_responses(403, 404),
    },
)
async def local_download(token: str, store: StoreDep) -> FileResponse:
    """The local store's download link: the file as an attachment (never rendered inline)."""
    local = _local(store)
    try:
        grant = local.download_grant(token)
    except LinkExpiredError as exc:
        raise _refused(exc) from None
    path = local.file(str(grant["key"]))
    if path is None:
        raise not_found("file")
    return FileResponse(
        path,
        media_type=str(grant["type"]),
        headers={
            "Content-Disposition": disposition(str(grant["name"])),
            "Cache-Control": "private, no-store",
        },
    )
