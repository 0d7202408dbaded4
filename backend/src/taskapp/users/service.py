from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp import changefeed
from taskapp.auth.interface import (
    AuthServices,
    User,
    check_current_password,
    refuse_email_as_password,
    revoke_other_sessions,
)
from taskapp.db import utcnow
from taskapp.errors import invalid_field
from taskapp.security import PasswordHasher


async def update_profile(session: AsyncSession, user: User, changes: dict[str, Any]) -> User:
    """Apply the fields present in a PATCH. A new time zone moves the user's "today" and due
    days, which cached task reads were computed in: it bumps the data version (ADR 0004) so
    they go stale at once. Any change is a `profile` notice (ADR 0019): the user's other tabs
    and devices take the new zone and week start, teammates the new name."""
    before = (user.full_name, user.week_start, user.time_zone)
    if "full_name" in changes:
        user.full_name = changes["full_name"]
    if "week_start" in changes:
        user.week_start = changes["week_start"]
    if "time_zone" in changes and changes["time_zone"] != user.time_zone:
        user.time_zone = changes["time_zone"]
        # In SQL (tasks_version + 1), not read-modify-write: a task write committing meanwhile
        # must not be lost, or two data states would share one cache key.
        user.tasks_version = User.tasks_version + 1
        changefeed.changed(user.id)
    if (user.full_name, user.week_start, user.time_zone) != before:
        changefeed.changed(user.id, "profile")
    await session.commit()
    return user


async def change_password(
    session: AsyncSession,
    hasher: PasswordHasher,
    auth: AuthServices,
    *,
    user_id: uuid.UUID,
    email: str,
    current_password: str,
    new_password: str,
    keep_session: uuid.UUID,
    source: str,
) -> None:
    """Set a new password and end every other session of the user (their tokens stop working).

    Both argon2 runs happen with no database connection held."""
    try:
        refuse_email_as_password(new_password, email)
    except ValueError as exc:
        raise invalid_field("body.new_password", str(exc), "password_is_email") from exc
    await check_current_password(
        session, hasher, auth, user_id=user_id, password=current_password, source=source
    )
    password_hash = await hasher.hash(new_password)
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await revoke_other_sessions(session, user_id, keep_session, utcnow())
    await session.commit()
