"""HTTP in, HTTP out: /projects endpoints. Rules live in projects/service.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse

from taskapp.auth.interface import CurrentPrincipal
from taskapp.deps import SessionDep, SettingsDep
from taskapp.http.etags import EntityTags, etag_for
from taskapp.markdown import markdown_html
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.projects import service
from taskapp.projects.schemas import (
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectUpdate,
    PublishLink,
)
from taskapp.tasks.interface import (
    HISTORY_PAGE_LIMIT,
    HistoryCursors,
    TaskHistoryPage,
    history_page,
)

router = APIRouter(
    prefix=f"{API_PREFIX}/projects", tags=["projects"], responses=problem_responses(401)
)

IfMatch = Annotated[
    str | None,
    Header(
        max_length=1024,
        description='ETag from a previous read, e.g. "3"; a stale one gets 412 and changes nothing',
    ),
]
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The project's version"}}
PUBLIC_PAGE_ROUTE = "public_project_page"


def public_url(request: Request, token: str) -> str:
    base: str | None = request.app.state.services.settings.public_url
    if base is None:
        return str(request.url_for(PUBLIC_PAGE_ROUTE, token=token))
    return base.rstrip("/") + str(request.app.url_path_for(PUBLIC_PAGE_ROUTE, token=token))


def _public(request: Request, found: service.ProjectView) -> ProjectPublic:
    project = found.project
    return ProjectPublic(
        id=project.id,
        name=project.name,
        colour=project.colour,  # stored from the Colour literal
        description=project.description,
        # Rendered here, by the published page's sanitizer, so no browser parses untrusted HTML.
        description_html=markdown_html(project.description) if project.description else "",
        archived=project.archived,
        is_inbox=project.is_inbox,
        open_count=found.counts.open,
        done_count=found.counts.done,
        published_url=(
            None if project.publish_token is None else public_url(request, project.publish_token)
        ),
        created_at=project.created_at,
        updated_at=project.updated_at,
        version=project.version,
    )


def _response(request: Request, found: service.ProjectView, status_code: int = 200) -> JSONResponse:
    headers = {"ETag": etag_for(found.project.version)}
    if status_code == 201:
        headers["Location"] = str(request.url_for("read_project", project_id=found.project.id).path)
    return JSONResponse(
        _public(request, found).model_dump(mode="json"), status_code=status_code, headers=headers
    )


@router.get("", response_model=ProjectList)
async def list_projects(
    request: Request, user: CurrentPrincipal, session: SessionDep
) -> ProjectList:
    found = await service.list_projects(session, user.user_id)
    return ProjectList(items=[_public(request, each) for each in found])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectPublic,
    responses={201: {"headers": ETAG_HEADER}, **problem_responses(413, 422)},
)
async def create_project(
    body: ProjectCreate, request: Request, user: CurrentPrincipal, session: SessionDep
) -> JSONResponse:
    return _response(request, await service.create_project(session, user.user_id, body), 201)


@router.get(
    "/{project_id}",
    response_model=ProjectPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 422)},
)
async def read_project(
    project_id: uuid.UUID, request: Request, user: CurrentPrincipal, session: SessionDep
) -> JSONResponse:
    project = await service.get_project(session, user.user_id, project_id)
    return _response(request, await service.view(session, project))


@router.patch(
    "/{project_id}",
    response_model=ProjectPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 409, 412, 413, 422)},
)
async def update_project(
    project_id: uuid.UUID,
    body: ProjectUpdate,
    request: Request,
    user: CurrentPrincipal,
    session: SessionDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    found = await service.update_project(
        session, user.user_id, project_id, body, if_match=EntityTags.parse(if_match)
    )
    return _response(request, found)


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 409, 412, 422),
    description="Deletes the project and every task in it.",
)
async def delete_project(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep, if_match: IfMatch = None
) -> None:
    await service.delete_project(
        session, user.user_id, project_id, if_match=EntityTags.parse(if_match)
    )


@router.post(
    "/{project_id}/publish",
    response_model=PublishLink,
    responses=problem_responses(404, 422),
    description="A new read-only public link (any earlier one stops working).",
)
async def publish_project(
    project_id: uuid.UUID, request: Request, user: CurrentPrincipal, session: SessionDep
) -> PublishLink:
    token = await service.publish(session, user.user_id, project_id)
    return PublishLink(url=public_url(request, token))


@router.delete(
    "/{project_id}/publish",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 422),
    description="Revokes the public link: it answers 404 from now on.",
)
async def unpublish_project(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> Response:
    await service.unpublish(session, user.user_id, project_id)
    return Response(status_code=204)


@router.get(
    "/{project_id}/history",
    response_model=TaskHistoryPage,
    responses=problem_responses(404, 422),
    summary="Who changed what in the project's tasks (deleted ones too), newest first",
)
async def project_history(
    project_id: uuid.UUID,
    user: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=HISTORY_PAGE_LIMIT)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=512, description="next_cursor of the previous page")
    ] = None,
) -> TaskHistoryPage:
    await service.get_project(session, user.user_id, project_id)  # another user's: 404
    return await history_page(
        session,
        HistoryCursors(settings.secret_key),
        user.user_id,
        project_id=project_id,
        limit=limit,
        cursor=cursor,
    )
