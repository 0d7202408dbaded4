"""HTTP in, HTTP out: /auth endpoints. Rules live in auth/service.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

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
from taskapp.auth.wiring import AuthServices, AuthServicesDep
from taskapp.db import utcnow
from taskapp.deps import Services, ServicesDep, SessionDep
from taskapp.errors import ProblemError, validation_errors
from taskapp.http.links import web_page_link
from taskapp.openapi import API_PREFIX, problem_responses
from taskapp.settings import Settings

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])
F = TypeVar("F", bound=Callable[..., Any])


async def _no_store(response: Response) -> None:
    # Tokens must never be kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NoStore = Depends(_no_store)


@dataclass(frozen=True, slots=True)
class LinkMail:
    """What an endpoint that mails a link needs: the request (the client's address, the link's
    base URL), the session that makes the token, and the services that throttle and send."""

    request: Request
    session: AsyncSession
    services: Services
    auth: AuthServices

    async def guard(self, address: str) -> None:
        await links.guard_mail_request(
            self.auth.throttle,
            self.auth.limits,
            address=address,
            source=client_source(self.request),
        )

    def send(self, template: str, recipient: links.Recipient, page: str, **values: int) -> None:
        # Rendering and delivery happen in the background: an answer never waits on the mail.
        link = web_page_link(self.request, self.services.settings.public_url, page, recipient.token)
        self.services.mailer.send_later(
            template,
            recipient.email,
            {"name": recipient.full_name, "email": recipient.email, "link": link, **values},
        )

    async def send_verification(self, user_id: uuid.UUID) -> None:
        ttl = self.services.settings.email_verification_ttl
        recipient = await links.verification_recipient(self.session, user_id, ttl=ttl, now=utcnow())
        self.send("email_verification", recipient, "verify-email", days=ttl.days or 1)


async def _link_mail(
    request: Request, session: SessionDep, services: ServicesDep, auth: AuthServicesDep
) -> LinkMail:
    return LinkMail(request, session, services, auth)


LinkMailDep = Annotated[LinkMail, Depends(_link_mail)]


def _mail_link_route(path: str, *, problems: tuple[int, ...], summary: str) -> Callable[[F], F]:
    """A route that mails a link: 202 at once, whether or not a mail goes out."""
    return router.post(
        path,
        status_code=status.HTTP_202_ACCEPTED,
        response_model=MailRequested,
        dependencies=[NoStore],
        responses=problem_responses(*problems),
        summary=summary,
    )


@dataclass(frozen=True, slots=True)
class SessionCalls:
    """What the endpoints that start, renew and end sessions share."""

    request: Request
    response: Response
    session: AsyncSession
    services: Services
    auth: AuthServices

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def answer(self, tokens: service.IssuedTokens) -> TokenPair:
        """The token pair, with the refresh token also set as the browser's cookie."""
        settings = self.settings
        self.response.set_cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            max_age=int(settings.refresh_token_ttl.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=settings.is_production,
        )
        user = await self.session.get(User, tokens.user_id)
        if user is None:  # deleted between issuing and answering: the tokens are useless anyway
            raise service.unauthorized("The account no longer exists.")
        return TokenPair(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            user=UserPublic.model_validate(user),
        )


async def _session_calls(
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    auth: AuthServicesDep,
) -> SessionCalls:
    return SessionCalls(request, response, session, services, auth)


SessionCallsDep = Annotated[SessionCalls, Depends(_session_calls)]


async def _presented_token(
    body: Annotated[RefreshRequest | None, Body()] = None,
    refresh_token: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> str:
    token = (body.refresh_token if body else None) or refresh_token
    if not token:
        raise service.unauthorized(
            "No refresh token: send {'refresh_token': ...} or the refresh_token cookie."
        )
    return token


PresentedToken = Annotated[str, Depends(_presented_token)]


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    dependencies=[NoStore],
    responses=problem_responses(409, 413, 422, 429, 503),
)
async def register(body: UserCreate, mail: LinkMailDep) -> UserPublic:
    await service.guard_registration(
        mail.auth.throttle, mail.auth.limits, client_source(mail.request)
    )
    user = await service.register(
        mail.session,
        mail.services.hasher,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        time_zone=body.time_zone,
    )
    await mail.send_verification(user.id)
    return UserPublic.model_validate(user)


@router.post(
    "/login",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429, 503),
)
async def login(body: LoginRequest, calls: SessionCallsDep) -> TokenPair:
    auth, services = calls.auth, calls.services
    try:
        user_id = await service.authenticate(
            calls.session,
            services.hasher,
            auth.throttle,
            auth.limits,
            email=body.email,
            password=body.password,
            source=client_source(calls.request),
        )
    except ProblemError as exc:
        if exc.status in (401, 429):  # a 503 (hashing saturated) is neither
            auth.metrics.event("lockout" if exc.status == 429 else "login_failure")
        raise
    tokens = await service.start_session(
        calls.session, services.tokens, calls.settings, user_id, utcnow()
    )
    auth.metrics.event("login_success")
    return await calls.answer(tokens)


@router.post(
    "/token",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429, 503),
    summary="Log in with the OAuth2 password form (for Swagger's Authorize)",
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], calls: SessionCallsDep
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
    return await login(body, calls)


@router.post(
    "/refresh",
    response_model=TokenPair,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422, 429),
)
async def refresh(token: PresentedToken, calls: SessionCallsDep) -> TokenPair:
    auth = calls.auth
    try:
        tokens = await service.rotate(
            calls.session,
            calls.services.tokens,
            calls.settings,
            token,
            utcnow(),
            throttle=auth.throttle,
            limits=auth.limits,
            source=client_source(calls.request),
        )
    except service.RefreshReuseDetectedError:
        auth.metrics.event("refresh_reuse_detected")
        raise
    auth.metrics.event("refresh")
    return await calls.answer(tokens)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[NoStore],
    responses=problem_responses(401, 413, 422),
)
async def logout(token: PresentedToken, calls: SessionCallsDep) -> None:
    await service.logout(calls.session, calls.services.tokens, token, utcnow())
    calls.auth.metrics.event("logout")
    clear_refresh_cookie(calls.response, calls.settings)


RESET_REQUESTED = MailRequested(
    detail="If an account uses this address, a link to reset its password is on its way."
)


@_mail_link_route(
    "/password-reset",
    problems=(413, 422, 429),
    summary="Mail a password reset link (never telling whether the address has an account)",
)
async def request_password_reset(body: PasswordResetRequest, mail: LinkMailDep) -> MailRequested:
    await mail.guard(body.email)
    ttl = mail.services.settings.password_reset_ttl
    recipient = await links.request_password_reset(
        mail.session, email=body.email, ttl=ttl, now=utcnow()
    )
    if recipient is not None:  # both answers take the same time: the mail is sent later
        minutes = int(ttl.total_seconds() // 60)
        mail.send("password_reset", recipient, "reset-password", minutes=minutes)
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


@_mail_link_route(
    "/verify-email/resend",
    problems=(401, 409, 429),
    summary="Mail a new verification link to the signed-in account's address",
)
async def resend_verification(principal: CurrentPrincipal, mail: LinkMailDep) -> MailRequested:
    await mail.guard(str(principal.user_id))
    await mail.send_verification(principal.user_id)
    return MailRequested(detail="A new verification link is on its way.")
