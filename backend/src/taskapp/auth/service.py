"""Accounts and sessions: registration, login with lockout, refresh rotation, reuse detection."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from opentelemetry.trace import Tracer
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from taskapp.auth.models import AuthSession, RefreshToken, User
from taskapp.auth.throttle import LoginThrottle
from taskapp.errors import ProblemError
from taskapp.perf.driver import declare, fetch_all
from taskapp.security import InvalidTokenError, PasswordHasher, TokenCodec, token_digest
from taskapp.settings import Settings


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: uuid.UUID


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        detail,
        problem_type="unauthorized",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def register(
    session: AsyncSession,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    full_name: str | None,
) -> User:
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise _email_taken()
    user = User(email=email, full_name=full_name, password_hash=await hasher.hash(password))
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:  # a concurrent registration won the race
        await session.rollback()
        raise _email_taken() from exc
    return user


def _email_taken() -> ProblemError:
    return ProblemError(409, "An account with this email already exists.", problem_type="conflict")


async def authenticate(
    session: AsyncSession,
    hasher: PasswordHasher,
    throttle: LoginThrottle,
    *,
    email: str,
    password: str,
) -> User:
    retry_after = await throttle.retry_after(email)
    if retry_after is not None:
        raise ProblemError(
            429,
            "Too many failed logins for this account; try again later.",
            problem_type="too-many-login-attempts",
            headers={"Retry-After": str(retry_after)},
        )
    user = await session.scalar(select(User).where(User.email == email))
    # An unknown email is checked against a dummy hash: both failures take the same time.
    valid = await hasher.verify(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        await throttle.record_failure(email)
        raise unauthorized("Incorrect email or password.")
    await throttle.reset(email)
    return user


async def start_session(
    session: AsyncSession, codec: TokenCodec, settings: Settings, user: User, now: datetime
) -> IssuedTokens:
    auth_session = AuthSession(id=uuid.uuid4(), user_id=user.id, created_at=now, expires_at=now)
    session.add(auth_session)
    tokens = _issue(session, codec, settings, auth_session, now)
    await session.commit()
    return tokens


def _issue(
    session: AsyncSession,
    codec: TokenCodec,
    settings: Settings,
    auth_session: AuthSession,
    now: datetime,
) -> IssuedTokens:
    access_expires = now + settings.access_token_ttl
    refresh_expires = now + settings.refresh_token_ttl
    access = codec.encode(
        subject=auth_session.user_id,
        session_id=auth_session.id,
        token_id=uuid.uuid4(),
        token_type="access",  # noqa: S106 - a token kind, not a secret
        issued_at=now,
        expires_at=access_expires,
    )
    refresh_id = uuid.uuid4()
    refresh = codec.encode(
        subject=auth_session.user_id,
        session_id=auth_session.id,
        token_id=refresh_id,
        token_type="refresh",  # noqa: S106
        issued_at=now,
        expires_at=refresh_expires,
    )
    session.add(
        RefreshToken(
            id=refresh_id,
            session_id=auth_session.id,
            token_hash=token_digest(refresh),
            issued_at=now,
            expires_at=refresh_expires,
        )
    )
    auth_session.expires_at = refresh_expires
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(settings.access_token_ttl.total_seconds()),
        session_id=auth_session.id,
    )


async def rotate(
    session: AsyncSession, codec: TokenCodec, settings: Settings, token: str, now: datetime
) -> IssuedTokens:
    """Exchange a refresh token for a new pair; a used one again means theft: revoke the family."""
    try:
        codec.decode(token, "refresh")
    except InvalidTokenError as exc:
        raise unauthorized("The refresh token is invalid or expired.") from exc
    row = (
        await session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == token_digest(token))
        )
    ).first()
    if row is None:
        raise unauthorized("The refresh token is invalid or expired.")
    refresh, auth_session = row
    if auth_session.revoked_at is not None:
        raise unauthorized("This session has ended; log in again.")
    # Claim the token atomically: of two concurrent refreshes with one token, exactly one wins.
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == refresh.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await _revoke(session, auth_session.id, now, "refresh_token_reuse")
        await session.commit()
        raise RefreshReuseDetectedError()
    tokens = _issue(session, codec, settings, auth_session, now)
    await session.commit()
    return tokens


class RefreshReuseDetectedError(ProblemError):
    def __init__(self) -> None:
        super().__init__(
            401,
            "This refresh token was already used; the session has been revoked. Log in again.",
            problem_type="refresh-token-reused",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def _revoke(session: AsyncSession, session_id: uuid.UUID, now: datetime, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


async def logout(session: AsyncSession, codec: TokenCodec, token: str, now: datetime) -> None:
    try:
        claims = codec.decode(token, "refresh")
    except InvalidTokenError as exc:
        raise unauthorized("The refresh token is invalid or expired.") from exc
    known = await session.scalar(
        select(RefreshToken.session_id).where(RefreshToken.token_hash == token_digest(token))
    )
    if known is None or known != claims.session_id:
        raise unauthorized("The refresh token is invalid or expired.")
    await _revoke(session, known, now, "logout")
    await session.commit()


async def revoke_other_sessions(
    session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID, now: datetime
) -> None:
    await session.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.id != keep,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoked_reason="password_changed")
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class AccessContext:
    """Who is calling, from one indexed lookup: no ORM object is built on the hot path."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    tasks_version: int


# Declared once; executed with new parameters per request (compiled once, too).
_LIVE_SESSION = declare(
    select(User.tasks_version, User.is_active, AuthSession.revoked_at)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.id == bindparam("session_id"), User.id == bindparam("user_id"))
)


async def resolve_access_token(
    read_engine: AsyncEngine, codec: TokenCodec, tracer: Tracer, token: str, now: datetime
) -> AccessContext:
    """The caller behind a bearer token, provided its session is still alive (not only unexpired).
    Decided from the database on every request: revocation never depends on a cache."""
    try:
        claims = codec.decode(token, "access", now=now)
    except InvalidTokenError as exc:
        raise unauthorized("The access token is invalid or expired.") from exc
    # Every authenticated request runs this lookup (one round trip, on the driver on PostgreSQL).
    rows = await fetch_all(
        read_engine,
        _LIVE_SESSION,
        {"session_id": claims.session_id, "user_id": claims.subject},
        tracer,
        "SELECT auth_sessions",
    )
    row = rows[0] if rows else None
    if row is None:
        raise unauthorized("The access token is invalid or expired.")
    tasks_version, is_active, revoked_at = row
    if revoked_at is not None:
        raise unauthorized("This session has ended; log in again.")
    if not is_active:
        raise unauthorized("This account is disabled.")
    return AccessContext(
        user_id=claims.subject, session_id=claims.session_id, tasks_version=tasks_version
    )
