from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from taskapp.auth.models import User
from taskapp.auth.service import AccessContext, resolve_access_token, unauthorized
from taskapp.db import utcnow
from taskapp.deps import Services, SessionDep

# OAuth2 password flow in the OpenAPI description, so Swagger's "Authorize" button works.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_principal(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> AccessContext:
    if not token:
        raise unauthorized("Authentication required: send 'Authorization: Bearer <access token>'.")
    # Read from app state rather than through ServicesDep: every authenticated request solves this
    # dependency, and each sub-dependency FastAPI resolves has a cost (docs/adr/0006).
    services: Services = request.app.state.services
    principal = await resolve_access_token(
        services.read_engine, services.tokens, services.tracer, token, utcnow()
    )
    request.state.user_id = str(principal.user_id)  # for the access log line
    return principal


CurrentPrincipal = Annotated[AccessContext, Depends(get_principal)]


async def get_current_user(principal: CurrentPrincipal, session: SessionDep) -> User:
    """The full account row, for the endpoints that read or change the profile."""
    user = await session.get(User, principal.user_id)
    if user is None:  # deleted between the two statements of this request
        raise unauthorized("The access token is invalid or expired.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def client_source(request: Request) -> str:
    """The address sign-in limits count against: the peer uvicorn reports, which is the
    X-Forwarded-For client only behind proxies listed in --forwarded-allow-ips (docs/api.md)."""
    return request.client.host if request.client else "unknown"
