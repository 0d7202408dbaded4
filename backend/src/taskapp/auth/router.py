"""HTTP in, HTTP out: /auth endpoints. Rules live in auth/service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Cookie, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import ValidationError

from taskapp.auth import service
from taskapp.auth.dependencies import client_source
from taskapp.auth.schemas import LoginRequest, RefreshRequest, TokenPair, UserCreate, UserPublic
from taskapp.auth.wiring import AuthServicesDep
from taskapp.db import utcnow
from taskapp.deps import ServicesDep, SessionDep, SettingsDep
from taskapp.errors import ProblemError, validation_errors
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.settings import Settings

REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = f"{API_PREFIX}/auth"

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


async def _no_store(response: Response) -> None:
    # Tokens must never be kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NoStore = Depends(_no_store)


def _token_response(
    response: Response, settings: Settings, tokens: service.IssuedTokens
) -> TokenPair:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=int(settings.refresh_token_ttl.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
    )
    return TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )


def _presented_token(body: RefreshRequest | None, cookie: str | None) -> str:
    token = (body.refresh_token if body else None) or cookie
    if not token:
        raise service.unauthorized(
            "No refresh token: send {'refresh_token': ...} or the refresh_token cookie."
        )
    return token


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    dependencies=[NoStore],
    responses=problem_responses(409, 413, 422, 429, 503),
)
async def register(
    body: UserCreate,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> UserPublic:
    await service.guard_registration(auth.throttle, auth.limits, client_source(request))
    user = await service.register(
        session,
        services.hasher,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        time_zone=body.time_zone,
    )
    return UserPublic.model_validate(user)


@router.post(
    "/login",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429, 503),
)
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
    settings: SettingsDep,
) -> TokenPair:
    try:
        user_id = await service.authenticate(
            session,
            services.hasher,
            auth.throttle,
            auth.limits,
            email=body.email,
            password=body.password,
            source=client_source(request),
        )
    except ProblemError as exc:
        if exc.status in (401, 429):  # a 503 (hashing saturated) is neither
            auth.metrics.event("lockout" if exc.status == 429 else "login_failure")
        raise
    tokens = await service.start_session(session, services.tokens, settings, user_id, utcnow())
    auth.metrics.event("login_success")
    return _token_response(response, settings, tokens)


@router.post(
    "/token",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429, 503),
    summary="Log in with the OAuth2 password form (for Swagger's Authorize)",
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
    settings: SettingsDep,
) -> TokenPair:
    try:
        body = LoginRequest(email=form.username, password=form.password)
    except ValidationError as exc:
        raise ProblemError(
            422,
            "The username must be the account's email address.",
            problem_type="validation-error",
            title="Validation failed",
            errors=validation_errors(
                [{**err, "loc": ("body", "username")} for err in exc.errors()]
            ),
        ) from exc
    return await login(body, request, response, session, services, auth, settings)


@router.post(
    "/refresh",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429),
)
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
    settings: SettingsDep,
    body: Annotated[RefreshRequest | None, Body()] = None,
    refresh_token: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> TokenPair:
    token = _presented_token(body, refresh_token)
    try:
        tokens = await service.rotate(
            session,
            services.tokens,
            settings,
            token,
            utcnow(),
            throttle=auth.throttle,
            limits=auth.limits,
            source=client_source(request),
        )
    except service.RefreshReuseDetectedError:
        auth.metrics.event("refresh_reuse_detected")
        raise
    auth.metrics.event("refresh")
    return _token_response(response, settings, tokens)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422),
)
async def logout(
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
    settings: SettingsDep,
    body: Annotated[RefreshRequest | None, Body()] = None,
    refresh_token: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> None:
    token = _presented_token(body, refresh_token)
    await service.logout(session, services.tokens, token, utcnow())
    auth.metrics.event("logout")
    response.delete_cookie(
        REFRESH_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
    )
