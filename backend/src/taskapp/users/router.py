from __future__ import annotations

from fastapi import APIRouter, Request, status

from taskapp.auth.interface import (
    AuthServicesDep,
    CurrentPrincipal,
    CurrentUser,
    UserPublic,
    client_source,
)
from taskapp.deps import ServicesDep, SessionDep
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.users import service
from taskapp.users.schemas import PasswordChange, UserUpdate

router = APIRouter(prefix=f"{API_PREFIX}/users", tags=["users"], responses=problem_responses(401))


@router.get("/me", response_model=UserPublic)
async def read_me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.patch("/me", response_model=UserPublic, responses=problem_responses(413, 422))
async def update_me(body: UserUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    user = await service.update_profile(session, user, body.model_dump(exclude_unset=True))
    return UserPublic.model_validate(user)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(413, 422, 429, 503),
    summary="Change the password and end every other session",
)
async def change_password(
    body: PasswordChange,
    request: Request,
    principal: CurrentPrincipal,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> None:
    await service.change_password(
        session,
        services.hasher,
        auth,
        user_id=user.id,
        email=user.email,
        current_password=body.current_password,
        new_password=body.new_password,
        keep_session=principal.session_id,
        source=client_source(request),
    )
