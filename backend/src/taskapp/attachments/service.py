"""Files on tasks (docs/adr/0020): members of the task's project list and download them, its owner
and editors add and delete them; a task the user cannot reach is "not found" (ADR 0017). The
task owner's partition pays for them (the quota), whoever uploads.

The bytes go straight between the client and the store: create answers an upload form, complete
checks (HEAD) what arrived, download answers a short-lived link. Objects are deleted after the
database commit, by `purge_one`, which both the request that deletes and the worker use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import structlog
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from taskapp import changefeed
from taskapp.attachments.models import Attachment, object_key
from taskapp.attachments.names import sanitize_filename
from taskapp.attachments.schemas import (
    AttachmentCreate,
    AttachmentList,
    AttachmentPublic,
    AttachmentUpload,
    DownloadLink,
    UploadForm,
)
from taskapp.attachments.storage import Store
from taskapp.auth.interface import User
from taskapp.db import one_or_404, utcnow
from taskapp.errors import ProblemError, not_found
from taskapp.mail.outbox import backoff
from taskapp.settings import Settings
from taskapp.tasks.interface import Role, require_task

log = structlog.get_logger(__name__)
Outcome = Literal["ok", "retry"]
# How long a claimed purge is left to its worker before another may try it again.
LEASE = timedelta(minutes=2)
# An upload form may still be in use a little past its expiry (clocks, a slow last request).
GRACE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_per_task: int
    quota_bytes: int
    allowed_types: frozenset[str]
    upload_ttl: timedelta
    download_ttl: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            max_bytes=settings.attachments_max_bytes,
            max_per_task=settings.attachments_max_per_task,
            quota_bytes=settings.attachments_quota_bytes,
            allowed_types=frozenset(settings.attachments_allowed_types),
            upload_ttl=settings.attachments_upload_ttl,
            download_ttl=settings.attachments_download_ttl,
        )

    def upload_cutoff(self, now: datetime) -> datetime:
        """Pending uploads created before this can no longer receive their file."""
        return now - self.upload_ttl - GRACE


@dataclass(frozen=True, slots=True)
class Scope:
    """One request's attachment work: the user, their session, the file store and the limits."""

    session: AsyncSession
    store: Store
    limits: Limits
    user_id: uuid.UUID


def public(row: Attachment, task_id: uuid.UUID) -> AttachmentPublic:
    return AttachmentPublic(
        id=row.id,
        task_id=task_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        status="ready" if row.status == "ready" else "pending",
        uploaded_by=row.uploader_id,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


def media_type(raw: str) -> str:
    """`Text/Plain; charset=utf-8` is `text/plain`."""
    return raw.split(";", 1)[0].strip().lower()


def _counted(owner_id: uuid.UUID, cutoff: datetime) -> ColumnElement[bool]:
    # Ready files of living tasks, and uploads still under way (they reserve their size).
    return and_(
        Attachment.owner_id == owner_id,
        Attachment.task_id.is_not(None),
        or_(Attachment.status == "ready", Attachment.created_at >= cutoff),
    )


async def used_bytes(session: AsyncSession, owner_id: uuid.UUID, cutoff: datetime) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(_counted(owner_id, cutoff))
    )
    return int(total or 0)


async def create(scope: Scope, task_id: uuid.UUID, body: AttachmentCreate) -> AttachmentUpload:
    session, store, limits, user_id = scope.session, scope.store, scope.limits, scope.user_id
    access = await require_task(session, user_id, task_id, Role.EDITOR)
    kind = media_type(body.content_type)
    if kind not in limits.allowed_types:
        raise ProblemError(
            415,
            f"Files of type {kind} cannot be attached. Allowed: "
            f"{', '.join(sorted(limits.allowed_types))}.",
            problem_type="attachment-type-refused",
            title="Unsupported file type",
        )
    if body.size > limits.max_bytes:
        raise ProblemError(
            413,
            f"The file is {body.size} bytes; at most {limits.max_bytes} bytes may be attached.",
            problem_type="attachment-too-large",
            title="File too large",
        )
    now = utcnow()
    cutoff = limits.upload_cutoff(now)
    # The owner's row locked (PostgreSQL) so that two uploads at once cannot both fit the quota.
    await session.execute(select(User.id).where(User.id == access.owner_id).with_for_update())
    on_task = await session.scalar(
        select(func.count())
        .select_from(Attachment)
        .where(
            Attachment.task_id == task_id,
            or_(Attachment.status == "ready", Attachment.created_at >= cutoff),
        )
    )
    if (on_task or 0) >= limits.max_per_task:
        raise ProblemError(
            409,
            f"This task already has {limits.max_per_task} files, the most it may have.",
            problem_type="too-many-attachments",
            title="Too many files",
        )
    used = await used_bytes(session, access.owner_id, cutoff)
    if used + body.size > limits.quota_bytes:
        whose = "the project owner's" if access.shared else "your"
        raise ProblemError(
            409,
            f"This file ({body.size} bytes) does not fit in {whose} storage: {used} of"
            f" {limits.quota_bytes} bytes are used. Delete files to make room.",
            problem_type="attachment-quota-exceeded",
            title="Storage quota exceeded",
            extensions={"used_bytes": used, "quota_bytes": limits.quota_bytes},
        )
    row = Attachment(
        id=uuid.uuid4(),
        task_id=task_id,
        owner_id=access.owner_id,
        uploader_id=user_id,
        filename=sanitize_filename(body.filename),
        content_type=kind,
        size=body.size,
        status="pending",
        created_at=now,
        purge_attempts=0,
    )
    session.add(row)
    await session.commit()
    form = store.upload_form(row.key, content_type=kind, size=body.size, expires=limits.upload_ttl)
    return AttachmentUpload(
        attachment=public(row, task_id),
        upload=UploadForm(url=form.url, fields=form.fields, expires_at=now + limits.upload_ttl),
    )


async def _row(
    session: AsyncSession, task_id: uuid.UUID, attachment_id: uuid.UUID, *, ready: bool
) -> Attachment:
    query = select(Attachment).where(Attachment.id == attachment_id, Attachment.task_id == task_id)
    if ready:
        query = query.where(Attachment.status == "ready")
    return await one_or_404(session, query, "attachment")


async def listing(scope: Scope, task_id: uuid.UUID) -> AttachmentList:
    session, limits = scope.session, scope.limits
    access = await require_task(session, scope.user_id, task_id, Role.VIEWER)
    rows = await session.scalars(
        select(Attachment)
        .where(Attachment.task_id == task_id, Attachment.status == "ready")
        .order_by(Attachment.created_at, Attachment.id)
    )
    return AttachmentList(
        items=[public(row, task_id) for row in rows],
        used_bytes=await used_bytes(session, access.owner_id, limits.upload_cutoff(utcnow())),
        quota_bytes=limits.quota_bytes,
    )


async def _discard(session: AsyncSession, store: Store, limits: Limits, row: Attachment) -> None:
    """Detach the row from its task (it stops counting and showing), commit, then delete its
    object at once; whatever fails here, or may still arrive through a live upload form, the
    worker's purge deletes later."""
    attachment_id = row.id
    row.task_id = None
    await session.commit()
    now = utcnow()
    if await purge_one(session, store, attachment_id, now, limits.upload_cutoff(now)) is None:
        try:  # a pending upload: its row waits for its form to expire
            await store.delete(object_key(attachment_id))
        except Exception as exc:
            log.warning("attachment_delete_failed", attachment=str(attachment_id), error=repr(exc))


async def complete(scope: Scope, task_id: uuid.UUID, attachment_id: uuid.UUID) -> AttachmentPublic:
    session, store, limits = scope.session, scope.store, scope.limits
    access = await require_task(session, scope.user_id, task_id, Role.EDITOR)
    row = await _row(session, task_id, attachment_id, ready=False)
    if row.status == "ready":
        return public(row, task_id)  # completing twice is harmless
    stored = await store.head(row.key)
    if stored is None:
        raise ProblemError(
            409,
            "Nothing has been uploaded for this attachment yet: upload the file with the form"
            " its creation answered, then complete it.",
            problem_type="attachment-not-uploaded",
            title="Not uploaded",
        )
    if stored.size != row.size or media_type(stored.content_type) != row.content_type:
        await _discard(session, store, limits, row)
        raise ProblemError(
            422,
            f"The uploaded file ({stored.size} bytes, {stored.content_type}) is not the one"
            f" announced ({row.size} bytes, {row.content_type}); it was deleted.",
            problem_type="attachment-mismatch",
            title="Upload does not match",
        )
    now = utcnow()
    # Conditional: a purge that claimed the row first (its form expired) wins.
    done = await session.execute(
        update(Attachment)
        .where(
            Attachment.id == row.id,
            Attachment.task_id == task_id,
            Attachment.status == "pending",
            Attachment.purge_after.is_(None),
        )
        .values(status="ready", completed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise not_found("attachment")
    changefeed.changed(access.owner_id, "attachments")  # the task's other viewers (ADR 0019)
    await session.refresh(row)
    return public(row, task_id)


async def download(scope: Scope, task_id: uuid.UUID, attachment_id: uuid.UUID) -> DownloadLink:
    session, store, limits = scope.session, scope.store, scope.limits
    await require_task(session, scope.user_id, task_id, Role.VIEWER)
    row = await _row(session, task_id, attachment_id, ready=True)
    url = store.download_url(
        row.key,
        filename=row.filename,
        content_type=row.content_type,
        expires=limits.download_ttl,
    )
    return DownloadLink(url=url, expires_at=utcnow() + limits.download_ttl)


async def remove(scope: Scope, task_id: uuid.UUID, attachment_id: uuid.UUID) -> None:
    session, store, limits = scope.session, scope.store, scope.limits
    access = await require_task(session, scope.user_id, task_id, Role.EDITOR)
    await _discard(session, store, limits, await _row(session, task_id, attachment_id, ready=False))
    changefeed.changed(access.owner_id, "attachments")


def _purgeable(now: datetime, cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        or_(
            # A file whose task is gone, or that was deleted.
            and_(Attachment.task_id.is_(None), Attachment.status == "ready"),
            # An upload never completed (or deleted before it was) whose form has expired.
            and_(Attachment.status == "pending", Attachment.created_at < cutoff),
        ),
        or_(Attachment.purge_after.is_(None), Attachment.purge_after <= now),
    )


async def purge_one(
    session: AsyncSession, store: Store, attachment_id: uuid.UUID, now: datetime, cutoff: datetime
) -> Outcome | None:
    """Delete the object and then the row, if the row is due for it and this caller wins the
    claim (None otherwise). The claim is a lease, as the mail outbox's (ADR 0018): a caller that
    dies after it leaves the row to be retried once the lease is over."""
    attempts = (
        await session.execute(
            update(Attachment)
            .where(Attachment.id == attachment_id, _purgeable(now, cutoff))
            .values(purge_after=now + LEASE, purge_attempts=Attachment.purge_attempts + 1)
            .returning(Attachment.purge_attempts)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    await session.commit()
    if attempts is None:
        return None
    try:
        await store.delete(object_key(attachment_id))
    except Exception as exc:  # the store is away: tried again after a back-off, never given up
        log.warning("attachment_purge_failed", attachment=str(attachment_id), error=repr(exc))
        await session.execute(
            update(Attachment)
            .where(Attachment.id == attachment_id)
            .values(purge_after=utcnow() + backoff(attempts))
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        return "retry"
    await session.execute(
        delete(Attachment)
        .where(Attachment.id == attachment_id)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return "ok"


async def purge_due(
    factory: async_sessionmaker[AsyncSession],
    store: Store,
    limits: Limits,
    now: datetime,
    batch: int = 100,
) -> list[Outcome]:
    """The worker's job: purge what is due, oldest first; per row it claimed, the outcome."""
    cutoff = limits.upload_cutoff(now)
    async with factory() as session:
        due = list(
            await session.scalars(
                select(Attachment.id)
                .where(_purgeable(now, cutoff))
                .order_by(Attachment.created_at)
                .limit(batch)
            )
        )
    outcomes: list[Outcome] = []
    for attachment_id in due:
        async with factory() as session:
            outcome = await purge_one(session, store, attachment_id, now, cutoff)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
