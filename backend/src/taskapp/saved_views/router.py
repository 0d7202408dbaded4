"""HTTP in, HTTP out: /views (saved views). Rules live in saved_views/service.py."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from taskapp.auth.interface import CurrentPrincipal
from taskapp.deps import SessionDep
from taskapp.http.routes import route_path
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.saved_views import service
from taskapp.saved_views.schemas import (
    SavedViewCreate,
    SavedViewList,
    SavedViewPublic,
    SavedViewUpdate,
)

router = APIRouter(prefix=f"{API_PREFIX}/views", tags=["views"], responses=problem_responses(401))


@router.get("", response_model=SavedViewList)
async def list_views(user: CurrentPrincipal, session: SessionDep) -> SavedViewList:
    views = await service.list_views(session, user.user_id)
    return SavedViewList(items=[SavedViewPublic.model_validate(view) for view in views])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SavedViewPublic,
    responses=problem_responses(413, 422),
)
async def create_view(
    body: SavedViewCreate,
    request: Request,
    response: Response,
    user: CurrentPrincipal,
    session: SessionDep,
) -> SavedViewPublic:
    view = await service.create_view(session, user.user_id, body)
    response.headers["Location"] = route_path(request, "read_view", view_id=view.id)
    return SavedViewPublic.model_validate(view)


@router.get("/{view_id}", response_model=SavedViewPublic, responses=problem_responses(404, 422))
async def read_view(
    view_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> SavedViewPublic:
    return SavedViewPublic.model_validate(await service.get_view(session, user.user_id, view_id))


@router.patch(
    "/{view_id}", response_model=SavedViewPublic, responses=problem_responses(404, 413, 422)
)
async def update_view(
    view_id: uuid.UUID, body: SavedViewUpdate, user: CurrentPrincipal, session: SessionDep
) -> SavedViewPublic:
    view = await service.update_view(session, user.user_id, view_id, body)
    return SavedViewPublic.model_validate(view)


@router.delete(
    "/{view_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 422)
)
async def delete_view(view_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep) -> None:
    await service.delete_view(session, user.user_id, view_id)
