"""Mailed single-use links: password reset and email verification.

A link carries a random token (`secrets`, 256 bits); only its SHA-256 is stored, with its purpose
and expiry. Redeeming claims the row atomically (UPDATE ... WHERE used_at IS NULL), so a link
works once even when opened twice at the same moment. The mail itself goes out after the commit,
in the background (taskapp/mail): no request waits on SMTP or fails because of it.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.models import AccountToken, AuthSession, User
from taskapp.auth.passwords import matches_email
from taskapp.auth.throttle import AuthLimits, Throttle, enforce
from taskapp.db import claim_once
from taskapp.errors import ProblemError, invalid_field
from taskapp.security import PasswordHasher, token_digest

Purpose = Literal["password_reset", "email_verification"]
PASSWORD_RESET: Purpose = "password_reset"  # noqa: S105 - a purpose, not a secret
EMAIL_VERIFICATION: Purpose = "email_verification"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a link is mailed to, and the token the link carries."""

    email: str
    full_name: str | None
    token: str


async def issue(
    session: AsyncSession, user_id: uuid.UUID, purpose: Purpose, ttl: timedelta, now: datetime
) -> str:
    """A new token for `purpose`, stored hashed and committed; returns the token itself."""
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.commit()
    return token


async def guard_mail_request(
    throttle: Throttle, limits: AuthLimits, *, address: str, source: str
) -> None:
    """Count a request for a mailed link; 429 past the limits. Every request counts, whether the
    address has an account or not, so the limit reveals nothing either."""
    await enforce(throttle, limits.mail_source, source)
    await enforce(throttle, limits.mail_address, address)
    await throttle.record(limits.mail_source, source)
    await throttle.record(limits.mail_address, address)


async def check_invitation_quota(
    throttle: Throttle, limits: AuthLimits, *, inviter: uuid.UUID, address: str
) -> None:
    """429 when `inviter` has sent, or `address` has been sent, too many invitations lately.
    Checked before the invitation is made; count_invitation records it once it was."""
    await enforce(throttle, limits.invitation_account, str(inviter))
    await enforce(throttle, limits.invitation_address, address.casefold())


async def count_invitation(
    throttle: Throttle, limits: AuthLimits, *, inviter: uuid.UUID, address: str
) -> None:
    await throttle.record(limits.invitation_account, str(inviter))
    await throttle.record(limits.invitation_address, address.casefold())


async def request_password_reset(
    session: AsyncSession, *, email: str, ttl: timedelta, now: datetime
) -> Recipient | None:
    """A reset token for the active account with this address, or None when there is none."""
    row = (
        await session.execute(
            select(User.id, User.full_name).where(User.email == email, User.is_active.is_(True))
        )
    ).first()
    if row is None:
        await session.rollback()
        return None
    token = await issue(session, row.id, PASSWORD_RESET, ttl, now)
    return Recipient(email=email, full_name=row.full_name, token=token)


def invalid_link(detail: str) -> ProblemError:
    return ProblemError(400, detail, problem_type="invalid-link-token", title="Invalid link")


def _refuse_unusable(expires_at: datetime | None, used_at: datetime | None, now: datetime) -> None:
    if expires_at is None:
        raise invalid_link("This link is not valid. Ask for a new one.")
    if used_at is not None:
        raise invalid_link("This link was already used. Ask for a new one.")
    if expires_at <= now:
        raise invalid_link("This link has expired. Ask for a new one.")


async def _claim(session: AsyncSession, token: str, purpose: Purpose, now: datetime) -> uuid.UUID:
    """Burn the token in the session's transaction; its user's id, or 400 saying what is wrong
    (the transaction rolled back)."""
    try:
        return await _burn(session, token, purpose, now)
    except ProblemError:
        await session.rollback()
        raise


async def _burn(session: AsyncSession, token: str, purpose: Purpose, now: datetime) -> uuid.UUID:
    row = (
        await session.execute(
            select(
                AccountToken.id,
                AccountToken.user_id,
                AccountToken.expires_at,
                AccountToken.used_at,
            ).where(AccountToken.token_hash == token_digest(token), AccountToken.purpose == purpose)
        )
    ).first()
    _refuse_unusable(row.expires_at if row else None, row.used_at if row else None, now)
    assert row is not None  # noqa: S101 - _refuse_unusable raised otherwise (for mypy)
    if not await claim_once(session, AccountToken.id == row.id, AccountToken.used_at, now):
        # A concurrent redeem won.
        raise invalid_link("This link was already used. Ask for a new one.")
    user_id: uuid.UUID = row.user_id
    return user_id


async def reset_password(
    session: AsyncSession, hasher: PasswordHasher, *, token: str, new_password: str, now: datetime
) -> None:
    """Set the password the link's owner chose, burn the link (and any other reset link of
    theirs), and end every session of the account: whoever held one must log in again."""
    row = (
        await session.execute(
            select(User.email, AccountToken.expires_at, AccountToken.used_at)
            .join(AccountToken, AccountToken.user_id == User.id)
            .where(
                AccountToken.token_hash == token_digest(token),
                AccountToken.purpose == PASSWORD_RESET,
            )
        )
    ).first()
    await session.rollback()  # no connection held while argon2 runs
    # A dead link is refused before argon2 runs: guessing links costs the server nothing.
    _refuse_unusable(row.expires_at if row else None, row.used_at if row else None, now)
    assert row is not None  # noqa: S101 - refused above otherwise (for mypy)
    if matches_email(new_password, row.email):
        message = "The password must not be the email address or its local part."
        raise invalid_field("body.new_password", message, "password_is_email")
    password_hash = await hasher.hash(new_password)
    user_id = await _claim(session, token, PASSWORD_RESET, now)
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == PASSWORD_RESET,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason="password_reset")
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def verification_recipient(
    session: AsyncSession, user_id: uuid.UUID, *, ttl: timedelta, now: datetime
) -> Recipient:
    """A verification token for the account; 409 when its address is verified already."""
    row = (
        await session.execute(
            select(User.email, User.full_name, User.email_verified_at).where(User.id == user_id)
        )
    ).one()
    if row.email_verified_at is not None:
        await session.rollback()
        raise ProblemError(409, "This email address is verified already.", problem_type="conflict")
    token = await issue(session, user_id, EMAIL_VERIFICATION, ttl, now)
    return Recipient(email=row.email, full_name=row.full_name, token=token)


async def verify_email(session: AsyncSession, *, token: str, now: datetime) -> None:
    """Mark the link owner's address verified (once; a second verification keeps the first time)."""
    user_id = await _claim(session, token, EMAIL_VERIFICATION, now)
    await session.execute(
        update(User)
        .where(User.id == user_id, User.email_verified_at.is_(None))
        .values(email_verified_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
