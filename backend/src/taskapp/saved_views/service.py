"""Saved views: another user's view is "not found"; positions are the owner's order."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.db import one_or_404, utcnow
from taskapp.saved_views.models import SavedView
from taskapp.saved_views.schemas import SavedViewCreate, SavedViewUpdate


async def list_views(session: AsyncSession, owner_id: uuid.UUID) -> list[SavedView]:
    query = (
        select(SavedView)
        .where(SavedView.owner_id == owner_id)
        .order_by(SavedView.position, SavedView.created_at, SavedView.id)
    )
    return list(await session.scalars(query))


async def get_view(session: AsyncSession, owner_id: uuid.UUID, view_id: uuid.UUID) -> SavedView:
    query = select(SavedView).where(SavedView.id == view_id, SavedView.owner_id == owner_id)
    return await one_or_404(session, query, "saved view")


async def create_view(
    session: AsyncSession, owner_id: uuid.UUID, data: SavedViewCreate
) -> SavedView:
    position = data.position
    if position is None:
        last = await session.scalar(
            select(func.max(SavedView.position)).where(SavedView.owner_id == owner_id)
        )
        position = 0 if last is None else last + 1
    now = utcnow()
    view = SavedView(
        owner_id=owner_id,
        name=data.name,
        query=data.query,
        position=position,
        created_at=now,
        updated_at=now,
    )
    session.add(view)
    await session.commit()
    return view


async def update_view(
    session: AsyncSession, owner_id: uuid.UUID, view_id: uuid.UUID, changes: SavedViewUpdate
) -> SavedView:
    view = await get_view(session, owner_id, view_id)
    updates = changes.model_dump(exclude_unset=True)
    if any(getattr(view, field) != value for field, value in updates.items()):
        for field, value in updates.items():
            setattr(view, field, value)
        view.updated_at = utcnow()
        await session.commit()
    return view


async def delete_view(session: AsyncSession, owner_id: uuid.UUID, view_id: uuid.UUID) -> None:
    await session.delete(await get_view(session, owner_id, view_id))
    await session.commit()
