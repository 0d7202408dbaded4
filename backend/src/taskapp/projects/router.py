"""HTTP in, HTTP out: /projects endpoints. Rules live in projects/service.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.responses import JSONResponse

from taskapp.auth.interface import (
    AuthServicesDep,
    CurrentPrincipal,
    check_invitation_quota,
    count_invitation,
)
from taskapp.db import utcnow
from taskapp.deps import ServicesDep, SessionDep
from taskapp.http.etags import EntityTags, etag_for
from taskapp.http.links import web_page_link
from taskapp.http.routes import route_path
from taskapp.markdown import markdown_html
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.projects import service, sharing
from taskapp.projects.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationList,
    InvitationPublic,
    MemberList,
    MemberPublic,
    Membership,
    MemberUpdate,
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectUpdate,
    PublishLink,
)
from taskapp.tasks.interface import (
    Access,
    HistoryRequestDep,
    Role,
    TaskHistoryPage,
    require_project,
)

router = APIRouter(
    prefix=f"{API_PREFIX}/projects", tags=["projects"], responses=problem_responses(401)
)
invitations_router = APIRouter(
    prefix=f"{API_PREFIX}/invitations", tags=["projects"], responses=problem_responses(401)
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
        role=found.role.value,
        published_url=(
            None if project.publish_token is None else public_url(request, project.publish_token)
        ),
        created_at=project.created_at,
        updated_at=project.updated_at,
        version=project.version,
    )


async def _viewed_project(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> Access:
    return await require_project(session, user.user_id, project_id, Role.VIEWER)


async def _owned_project(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> None:
    await require_project(session, user.user_id, project_id, Role.OWNER)


# The path's project as a member sees it (404 for anyone else); OwnerOnly adds 403 for members.
ViewedProject = Annotated[Access, Depends(_viewed_project)]
OwnerOnly = Depends(_owned_project)


def _response(request: Request, found: service.ProjectView, status_code: int = 200) -> JSONResponse:
    headers = {"ETag": etag_for(found.project.version)}
    if status_code == 201:
        headers["Location"] = route_path(request, "read_project", project_id=found.project.id)
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
    project_id: uuid.UUID, request: Request, access: ViewedProject, session: SessionDep
) -> JSONResponse:
    project = await service.get_project(session, access.owner_id, project_id)
    return _response(request, await service.view(session, project, access.role))


@router.patch(
    "/{project_id}",
    response_model=ProjectPublic,
    dependencies=[OwnerOnly],
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(403, 404, 409, 412, 413, 422)},
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
    dependencies=[OwnerOnly],
    responses=problem_responses(403, 404, 409, 412, 422),
    description="Deletes the project and every task in it (owner only).",
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
    dependencies=[OwnerOnly],
    responses=problem_responses(403, 404, 422),
    description="A new read-only public link (any earlier one stops working; owner only).",
)
async def publish_project(
    project_id: uuid.UUID, request: Request, user: CurrentPrincipal, session: SessionDep
) -> PublishLink:
    token = await service.publish(session, user.user_id, project_id)
    return PublishLink(url=public_url(request, token))


@router.delete(
    "/{project_id}/publish",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[OwnerOnly],
    responses=problem_responses(403, 404, 422),
    description="Revokes the public link: it answers 404 from now on (owner only).",
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
    project_id: uuid.UUID, access: ViewedProject, asked: HistoryRequestDep
) -> TaskHistoryPage:
    # A member reads the owner's history of the project.
    return await asked.page(access.owner_id, project_id=project_id)


# Members and invitations (ADR 0017): owners manage them, any member sees who is in.


@router.get(
    "/{project_id}/members",
    response_model=MemberList,
    responses=problem_responses(404, 422),
    summary="The project's members, its owner first (any member)",
)
async def list_members(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> MemberList:
    return MemberList(items=await sharing.members(session, user.user_id, project_id))


@router.patch(
    "/{project_id}/members/{member_id}",
    response_model=MemberPublic,
    responses=problem_responses(403, 404, 409, 413, 422),
    summary="Change a member's role (owner only)",
)
async def change_member_role(
    project_id: uuid.UUID,
    member_id: uuid.UUID,
    body: MemberUpdate,
    user: CurrentPrincipal,
    session: SessionDep,
) -> MemberPublic:
    return await sharing.change_role(session, user.user_id, project_id, member_id, body.role)


@router.delete(
    "/{project_id}/members/{member_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 409, 422),
    summary="Remove a member (owner), or leave (the member themself; the owner cannot)",
)
async def remove_member(
    project_id: uuid.UUID, member_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> None:
    await sharing.remove(session, user.user_id, project_id, member_id)


@router.post(
    "/{project_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationPublic,
    responses=problem_responses(403, 404, 409, 413, 422, 429),
    summary="Invite an address as editor or viewer (owner only); the link is mailed to it",
)
async def invite(
    project_id: uuid.UUID,
    body: InvitationCreate,
    request: Request,
    user: CurrentPrincipal,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> InvitationPublic:
    settings = services.settings
    # Every invitation mails its address: limited per inviter and per address (429), counted only
    # once made, so a refused or failed request uses none of the quota.
    inviter, address = user.user_id, str(body.email)
    await check_invitation_quota(auth.throttle, auth.limits, inviter=inviter, address=address)
    invited = await sharing.invite(
        session, user.user_id, project_id, body, ttl=settings.invitation_ttl, now=utcnow()
    )
    await count_invitation(auth.throttle, auth.limits, inviter=inviter, address=address)
    services.mailer.send_later(
        "invitation",
        body.email,
        {
            "inviter": invited.inviter_name,
            "project": invited.project_name,
            "role": body.role,
            "link": web_page_link(
                request, settings.public_url, "invitations/accept", invited.token
            ),
            "days": settings.invitation_ttl.days or 1,
        },
    )
    return invited.invitation


@router.get(
    "/{project_id}/invitations",
    response_model=InvitationList,
    responses=problem_responses(403, 404, 422),
    summary="Pending invitations (owner only)",
)
async def list_invitations(
    project_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> InvitationList:
    return InvitationList(items=await sharing.pending(session, user.user_id, project_id, utcnow()))


@router.delete(
    "/{project_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 422),
    summary="Withdraw a pending invitation (owner only): its link stops working",
)
async def withdraw_invitation(
    project_id: uuid.UUID, invitation_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> None:
    await sharing.withdraw(session, user.user_id, project_id, invitation_id)


@invitations_router.post(
    "/accept",
    response_model=Membership,
    responses=problem_responses(400, 403, 413, 422),
    summary="Join a project with a mailed invitation's token (the invited address's account only)",
)
async def accept_invitation(
    body: InvitationAccept, user: CurrentPrincipal, session: SessionDep
) -> Membership:
    return await sharing.accept(session, user.user_id, body.token, utcnow())
