"""HTTP in, HTTP out: the account's data export and its deletion, both confirmed by password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import StreamingResponse

from taskapp.account import service
from taskapp.account.schemas import PasswordConfirmation
from taskapp.auth.interface import (
    AccessContext,
    AuthServicesDep,
    CurrentPrincipal,
    check_current_password,
    clear_refresh_cookie,
    client_source,
)
from taskapp.db import utcnow
from taskapp.deps import ServicesDep, SessionDep
from taskapp.errors import ProblemError
from taskapp.openapi import API_PREFIX, problem_responses

router = APIRouter(
    prefix=f"{API_PREFIX}/users", tags=["users"], responses=problem_responses(401, 403)
)


async def _password_confirmed(
    body: PasswordConfirmation,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> AccessContext:
    source = client_source(request)
    try:
        await check_current_password(
            session,
            services.hasher,
            auth,
            user_id=principal.user_id,
            password=body.password,
            source=source,
        )
    except ProblemError as exc:
        if exc.status != 422:  # 429 and 503 stay what they are
            raise
        raise ProblemError(
            403, "The password is incorrect.", problem_type="wrong-password"
        ) from exc
    return principal


# The signed-in user, once the body's password is confirmed (403 wrong, throttled like a
# password change: 429 after too many tries).
PasswordConfirmed = Annotated[AccessContext, Depends(_password_confirmed)]


@router.post(
    "/me/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Everything the account owns, as a JSON attachment: "
            "{format, version, exported_at, profile, projects, saved_views, tasks}",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problem_responses(413, 422, 429, 503),
    },
    summary="Download all my data (JSON), confirmed by password",
)
async def export_my_data(principal: PasswordConfirmed, services: ServicesDep) -> StreamingResponse:
    now = utcnow()
    return StreamingResponse(
        service.export_document(services.session_factory, principal.user_id, now),
        media_type="application/json",
        headers={
            "Content-Disposition": (f'attachment; filename="taskapp-export-{now:%Y-%m-%d}.json"'),
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(413, 422, 429, 503),
    summary="Delete my account and everything it owns, confirmed by password",
)
async def delete_me(
    principal: PasswordConfirmed, response: Response, session: SessionDep, services: ServicesDep
) -> None:
    await service.delete_account(session, principal.user_id)
    clear_refresh_cookie(response, services.settings)
