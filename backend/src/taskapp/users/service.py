from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.auth.interface import User, revoke_other_sessions
from taskapp.db import utcnow
from taskapp.errors import FieldError, ProblemError
from taskapp.security import PasswordHasher


async def update_profile(session: AsyncSession, user: User, *, full_name: str | None) -> User:
    user.full_name = full_name
    await session.commit()
    return user


async def change_password(
    session: AsyncSession,
    hasher: PasswordHasher,
    user: User,
    *,
    current_password: str,
    new_password: str,
    keep_session: uuid.UUID,
) -> None:
    """Set a new password and end every other session of the user (their tokens stop working)."""
    if not await hasher.verify(current_password, user.password_hash):
        raise ProblemError(
            422,
            "The current password is incorrect.",
            problem_type="validation-error",
            title="Validation failed",
            errors=[
                FieldError(
                    field="body.current_password",
                    message="The current password is incorrect.",
                    type="invalid_password",
                )
            ],
        )
    user.password_hash = await hasher.hash(new_password)
    await revoke_other_sessions(session, user.id, keep_session, utcnow())
    await session.commit()
