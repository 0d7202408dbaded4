"""HTTP in, HTTP out: /auth endpoints. Rules live in auth/service.py."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Cookie, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth import links, service
from taskapp.auth.cookies import COOKIE_PATH, REFRESH_COOKIE, clear_refresh_cookie
from taskapp.auth.dependencies import CurrentPrincipal, client_source
from taskapp.auth.models import User
from taskapp.auth.schemas import (
    EmailVerification,
    LoginRequest,
    MailRequested,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserPublic,
)
from taskapp.auth.wiring import AuthServicesDep
from taskapp.db import utcnow
from taskapp.deps import Services, ServicesDep, SessionDep, SettingsDep
from taskapp.errors import ProblemError, validation_errors
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.settings import Settings

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


async def _no_store(response: Response) -> None:
    # Tokens must never be kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NoStore = Depends(_no_store)


async def _token_response(
    response: Response, session: AsyncSession, settings: Settings, tokens: service.IssuedTokens
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
    user = await session.get(User, tokens.user_id)
    if user is None:  # deleted between issuing and answering: the tokens are useless anyway
        raise service.unauthorized("The account no longer exists.")
    return TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        user=UserPublic.model_validate(user),
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
    await _mail_verification(request, session, services, user.id)
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
    return await _token_response(response, session, settings, tokens)


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
    return await _token_response(response, session, settings, tokens)


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
    clear_refresh_cookie(response, settings)


def _link(request: Request, settings: Settings, page: str, token: str) -> str:
    """The web app's page for a mailed token, on the public URL when one is configured."""
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return f"{base}/{page}?{urlencode({'token': token})}"


async def _mail_verification(
    request: Request, session: AsyncSession, services: Services, user_id: uuid.UUID
) -> None:
    settings = services.settings
    recipient = await links.verification_recipient(
        session, user_id, ttl=settings.email_verification_ttl, now=utcnow()
    )
    services.mailer.send_later(
        "email_verification",
        recipient.email,
        {
            "name": recipient.full_name,
            "email": recipient.email,
            "link": _link(request, settings, "verify-email", recipient.token),
            "days": settings.email_verification_ttl.days or 1,
        },
    )


RESET_REQUESTED = MailRequested(
    detail="If an account uses this address, a link to reset its password is on its way."
)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MailRequested,
    dependencies=[NoStore],
    responses=problem_responses(413, 422, 429),
    summary="Mail a password reset link (never telling whether the address has an account)",
)
async def request_password_reset(
    body: PasswordResetRequest,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> MailRequested:
    settings = services.settings
    await links.guard_mail_request(
        auth.throttle, auth.limits, address=body.email, source=client_source(request)
    )
    recipient = await links.request_password_reset(
        session, email=body.email, ttl=settings.password_reset_ttl, now=utcnow()
    )
    if recipient is not None:
        # Rendering and delivery happen in the background: both answers take the same time.
        services.mailer.send_later(
            "password_reset",
            recipient.email,
            {
                "name": recipient.full_name,
                "email": recipient.email,
                "link": _link(request, settings, "reset-password", recipient.token),
                "minutes": int(settings.password_reset_ttl.total_seconds() // 60),
            },
        )
    return RESET_REQUESTED


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[NoStore],
    responses=problem_responses(400, 413, 422, 503),
    summary="Set a new password with a mailed link's token; every session of the account ends",
)
async def confirm_password_reset(
    body: PasswordResetConfirm, session: SessionDep, services: ServicesDep
) -> None:
    await links.reset_password(
        session, services.hasher, token=body.token, new_password=body.new_password, now=utcnow()
    )


@router.post(
    "/verify-email",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[NoStore],
    responses=problem_responses(400, 413, 422),
    summary="Confirm the account's email address with a mailed link's token",
)
async def verify_email(body: EmailVerification, session: SessionDep) -> None:
    await links.verify_email(session, token=body.token, now=utcnow())


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=MailRequested,
    dependencies=[NoStore],
    responses=problem_responses(401, 409, 429),
    summary="Mail a new verification link to the signed-in account's address",
)
async def resend_verification(
    principal: CurrentPrincipal,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> MailRequested:
    await links.guard_mail_request(
        auth.throttle, auth.limits, address=str(principal.user_id), source=client_source(request)
    )
    await _mail_verification(request, session, services, principal.user_id)
    return MailRequested(detail="A new verification link is on its way.")
