"""HTTP in, HTTP out: comments on tasks. Rules live in comments/service.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from taskapp.auth.interface import CurrentPrincipal
from taskapp.comments import service
from taskapp.comments.schemas import CommentPage, CommentPublic, CommentWrite
from taskapp.cursors import PageRequest, page_request
from taskapp.deps import SessionDep
from taskapp.openapi import API_PREFIX, problem_responses

router = APIRouter(prefix=API_PREFIX, tags=["comments"], responses=problem_responses(401))


@router.post(
    "/tasks/{task_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentPublic,
    responses=problem_responses(403, 404, 413, 422),
)
async def add_comment(
    task_id: uuid.UUID, body: CommentWrite, user: CurrentPrincipal, session: SessionDep
) -> CommentPublic:
    return await service.add(session, user.user_id, task_id, body.body)


@router.get(
    "/tasks/{task_id}/comments",
    response_model=CommentPage,
    responses=problem_responses(404, 422),
)
async def list_comments(
    task_id: uuid.UUID,
    user: CurrentPrincipal,
    session: SessionDep,
    asked: Annotated[PageRequest, Depends(page_request(service.CURSORS, service.PAGE_LIMIT))],
) -> CommentPage:
    return await service.thread(session, asked, user.user_id, task_id)


@router.patch(
    "/comments/{comment_id}",
    response_model=CommentPublic,
    responses=problem_responses(403, 404, 413, 422),
)
async def edit_comment(
    comment_id: uuid.UUID, body: CommentWrite, user: CurrentPrincipal, session: SessionDep
) -> CommentPublic:
    """Your own comment only (anyone else's is 404); `edited_at` records the change."""
    return await service.edit(session, user.user_id, comment_id, body.body)


@router.delete(
    "/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 422),
)
async def delete_comment(
    comment_id: uuid.UUID, user: CurrentPrincipal, session: SessionDep
) -> None:
    await service.remove(session, user.user_id, comment_id)
