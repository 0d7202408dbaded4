from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from taskapp.auth.service import resolve_access_token, unauthorized
from taskapp.db import utcnow
from taskapp.deps import ServicesDep, SessionDep
from taskapp.users.models import User

# OAuth2 password flow in the OpenAPI description, so Swagger's "Authorize" button works.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    session_id: uuid.UUID


async def get_principal(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise unauthorized("Authentication required: send 'Authorization: Bearer <access token>'.")
    user, session_id = await resolve_access_token(session, services.tokens, token, utcnow())
    request.state.user_id = str(user.id)  # for the access log line
    return Principal(user=user, session_id=session_id)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: CurrentPrincipal) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]
