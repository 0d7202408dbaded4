"""Accounts and sessions: registration, throttled login, refresh rotation, reuse detection."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from opentelemetry.trace import Tracer
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from taskapp.auth.models import AuthSession, RefreshToken, User
from taskapp.auth.throttle import AuthLimits, Throttle, enforce
from taskapp.auth.wiring import AuthServices
from taskapp.db import claim_once
from taskapp.errors import ProblemError, invalid_field
from taskapp.perf.driver import declare, fetch_all
from taskapp.security import InvalidTokenError, PasswordHasher, TokenCodec, token_digest
from taskapp.settings import Settings


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: uuid.UUID
    user_id: uuid.UUID


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        detail,
        problem_type="unauthorized",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def guard_registration(throttle: Throttle, limits: AuthLimits, source: str) -> None:
    """Count a registration from `source`; 429 once it has made too many in the window."""
    await enforce(throttle, limits.register_source, source)
    await throttle.record(limits.register_source, source)


async def register(
    session: AsyncSession,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    full_name: str | None,
    time_zone: str | None = None,
) -> User:
    # argon2 runs before the first statement: no database connection is held while it does.
    password_hash = await hasher.hash(password)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise _email_taken()
    user = User(
        email=email, full_name=full_name, password_hash=password_hash, time_zone=time_zone or "UTC"
    )
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
    throttle: Throttle,
    limits: AuthLimits,
    *,
    email: str,
    password: str,
    source: str,
) -> uuid.UUID:
    """The id of the account these credentials open, or 401 (or 429 when throttled).

    Failures count per source and per account+source, never per account alone: a flood of
    guesses from one address cannot lock the owner out from another."""
    pair = f"{email}\n{source}"
    await enforce(throttle, limits.password_source, source)
    await enforce(throttle, limits.login_account_source, pair)
    row = (
        await session.execute(
            select(User.id, User.password_hash, User.is_active).where(User.email == email)
        )
    ).first()
    # Hand the connection back before argon2 runs (read only: nothing is lost).
    await session.rollback()
    check = await hasher.verify(password, row.password_hash if row else None)
    if row is None or not check.valid or not row.is_active:
        await throttle.record(limits.password_source, source)
        await throttle.record(limits.login_account_source, pair)
        raise unauthorized("Incorrect email or password.")
    await throttle.reset(limits.login_account_source, pair)
    if check.new_hash is not None:
        await _store_hash(session, row.id, check.new_hash)
    user_id: uuid.UUID = row.id
    return user_id


async def _store_hash(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def check_current_password(
    session: AsyncSession,
    hasher: PasswordHasher,
    auth: AuthServices,
    *,
    user_id: uuid.UUID,
    password: str,
    source: str,
) -> None:
    """422 unless `password` is the account's; throttled per source and per account."""
    throttle, limits, account = auth.throttle, auth.limits, str(user_id)
    await enforce(throttle, limits.password_source, source)
    await enforce(throttle, limits.password_change_account, account)
    password_hash = await session.scalar(select(User.password_hash).where(User.id == user_id))
    await session.rollback()  # no connection held while argon2 runs
    check = await hasher.verify(password, password_hash)
    if not check.valid:
        await throttle.record(limits.password_source, source)
        await throttle.record(limits.password_change_account, account)
        raise invalid_field(
            "body.current_password", "The current password is incorrect.", "invalid_password"
        )
    await throttle.reset(limits.password_change_account, account)


async def start_session(
    session: AsyncSession, codec: TokenCodec, settings: Settings, user_id: uuid.UUID, now: datetime
) -> IssuedTokens:
    auth_session = AuthSession(id=uuid.uuid4(), user_id=user_id, created_at=now, expires_at=now)
    session.add(auth_session)
    tokens = _issue(session, codec, settings, auth_session, uuid.uuid4(), now)
    await session.commit()
    return tokens


def _successor_id(refresh_id: uuid.UUID) -> uuid.UUID:
    """The id of the token a rotation of `refresh_id` issues: derived, so that a retry inside
    the grace window re-creates the very same successor (HMAC signatures are deterministic)."""
    return uuid.uuid5(refresh_id, "successor")


def _encode(
    codec: TokenCodec,
    settings: Settings,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    refresh_id: uuid.UUID,
    issued_at: datetime,
    now: datetime,
) -> IssuedTokens:
    access_expires = issued_at + settings.access_token_ttl
    access = codec.encode(
        subject=user_id,
        session_id=session_id,
        token_id=uuid.uuid5(refresh_id, "access"),
        token_type="access",  # noqa: S106 - a token kind, not a secret
        issued_at=issued_at,
        expires_at=access_expires,
    )
    refresh = codec.encode(
        subject=user_id,
        session_id=session_id,
        token_id=refresh_id,
        token_type="refresh",  # noqa: S106
        issued_at=issued_at,
        expires_at=issued_at + settings.refresh_token_ttl,
    )
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        expires_in=max(0, int((access_expires - now).total_seconds())),
        session_id=session_id,
        user_id=user_id,
    )


def _issue(
    session: AsyncSession,
    codec: TokenCodec,
    settings: Settings,
    auth_session: AuthSession,
    refresh_id: uuid.UUID,
    now: datetime,
) -> IssuedTokens:
    tokens = _encode(codec, settings, auth_session.user_id, auth_session.id, refresh_id, now, now)
    refresh_expires = now + settings.refresh_token_ttl
    session.add(
        RefreshToken(
            id=refresh_id,
            session_id=auth_session.id,
            token_hash=token_digest(tokens.refresh_token),
            issued_at=now,
            expires_at=refresh_expires,
        )
    )
    auth_session.expires_at = refresh_expires
    return tokens


async def rotate(
    session: AsyncSession,
    codec: TokenCodec,
    settings: Settings,
    token: str,
    now: datetime,
    *,
    throttle: Throttle,
    limits: AuthLimits,
    source: str,
) -> IssuedTokens:
    """Exchange a refresh token for a new pair; failures count against `source`."""
    await enforce(throttle, limits.refresh_source, source)
    try:
        return await _rotate(session, codec, settings, token, now)
    except ProblemError:
        await throttle.record(limits.refresh_source, source)
        raise


async def _rotate(
    session: AsyncSession, codec: TokenCodec, settings: Settings, token: str, now: datetime
) -> IssuedTokens:
    """A used token again means theft (revoke the family), unless it comes within the grace
    window and its successor is still unused: then it gets that same successor (two tabs)."""
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
    if not await claim_once(session, RefreshToken.id == refresh.id, RefreshToken.used_at, now):
        issued_at = await _retry_within_grace(session, settings, refresh.id, now)
        if issued_at is not None:
            # Read before the rollback expires them.
            successor = _successor_id(refresh.id)
            user_id, session_id = auth_session.user_id, auth_session.id
            await session.rollback()
            return _encode(codec, settings, user_id, session_id, successor, issued_at, now)
        await _revoke(session, auth_session.id, now, "refresh_token_reuse")
        await session.commit()
        raise RefreshReuseDetectedError()
    tokens = _issue(session, codec, settings, auth_session, _successor_id(refresh.id), now)
    await session.commit()
    return tokens


async def _retry_within_grace(
    session: AsyncSession, settings: Settings, refresh_id: uuid.UUID, now: datetime
) -> datetime | None:
    """When a used token comes back within the grace window and its successor is still unused
    (two tabs refreshing at once): the time that successor was issued, to issue it again."""
    used_at = await session.scalar(
        select(RefreshToken.used_at).where(RefreshToken.id == refresh_id)
    )
    if used_at is None or now - used_at > settings.refresh_reuse_grace:
        return None
    successor_used = (
        await session.execute(
            select(RefreshToken.used_at).where(RefreshToken.id == _successor_id(refresh_id))
        )
    ).first()
    if successor_used is None or successor_used.used_at is not None:
        return None  # the successor moved on already: this is not a concurrent retry
    return used_at


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
    # IANA name: read in the same lookup, so Today/due days cost no extra round trip.
    time_zone: str = "UTC"


# Declared once; executed with new parameters per request (compiled once, too).
_LIVE_SESSION = declare(
    select(User.tasks_version, User.is_active, AuthSession.revoked_at, User.time_zone)
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
    tasks_version, is_active, revoked_at, time_zone = row
    if revoked_at is not None:
        raise unauthorized("This session has ended; log in again.")
    if not is_active:
        raise unauthorized("This account is disabled.")
    return AccessContext(
        user_id=claims.subject,
        session_id=claims.session_id,
        tasks_version=tasks_version,
        time_zone=time_zone,
    )


async def session_alive(
    read_engine: AsyncEngine, tracer: Tracer, session_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    """Whether the session behind a long-lived request (a live stream) may go on: the lookup
    every request makes (not revoked, account active), without the access token's expiry, which
    the stream's bounded lifetime covers (docs/adr/0019)."""
    rows = await fetch_all(
        read_engine,
        _LIVE_SESSION,
        {"session_id": session_id, "user_id": user_id},
        tracer,
        "SELECT auth_sessions",
    )
    return bool(rows) and rows[0][2] is None and bool(rows[0][1])
