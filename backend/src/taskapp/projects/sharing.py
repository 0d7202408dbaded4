"""Members and invitations of shared projects (issue 19; the role model is ADR 0017).

The project's creator is its owner, the only one: owners manage members, invitations, the
project's settings and publishing; editors write tasks and comments; viewers read. An invitation
is a single-use, expiring link mailed to one address, stored as its SHA-256 only (as auth's
mailed links are), and only an account with that address can accept it. Membership changes need
no cache invalidation: every member's reads of the project go through an uncached membership
check, then the owner's data version (tasks/sharing.py)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp import changefeed
from taskapp.auth.interface import User
from taskapp.db import claim_once
from taskapp.errors import ProblemError, not_found
from taskapp.projects.models import Project, ProjectInvitation
from taskapp.projects.schemas import (
    InvitationCreate,
    InvitationPublic,
    MemberPublic,
    MemberRole,
    Membership,
)
from taskapp.security import token_digest
from taskapp.tasks.interface import ProjectMember, Role, clear_assignments, require_project


def _membership_changed(owner_id: uuid.UUID, member_id: uuid.UUID) -> None:
    """Tell the member's streams (follow the owner, or stop) and the project's (its members
    list), after the request (docs/adr/0019)."""
    changefeed.changed(member_id, "membership")
    changefeed.changed(owner_id, "members")


def _inbox_never_shared() -> ProblemError:
    return ProblemError(409, "The Inbox is never shared.", problem_type="inbox-is-private")


def invalid_invitation(detail: str) -> ProblemError:
    return ProblemError(400, detail, problem_type="invalid-link-token", title="Invalid link")


async def members(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID
) -> list[MemberPublic]:
    """The project's members, its owner first (any member may see them)."""
    access = await require_project(session, user_id, project_id, Role.VIEWER)
    project = await session.get_one(Project, project_id)
    owner = await session.get_one(User, access.owner_id)
    found = [
        MemberPublic(
            user_id=owner.id,
            email=owner.email,
            full_name=owner.full_name,
            role="owner",
            added_at=project.created_at,
        )
    ]
    rows = await session.execute(
        select(ProjectMember, User.email, User.full_name)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id, ProjectMember.user_id != access.owner_id)
        .order_by(ProjectMember.added_at, ProjectMember.user_id)
    )
    for member, email, full_name in rows:
        found.append(
            MemberPublic(
                user_id=member.user_id,
                email=email,
                full_name=full_name,
                role=Role(member.role).value,
                added_at=member.added_at,
            )
        )
    return found


async def _member(
    session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID
) -> ProjectMember:
    member = await session.get(ProjectMember, (project_id, user_id))
    if member is None:
        raise not_found("member")
    return member


async def change_role(
    session: AsyncSession,
    user_id: uuid.UUID,
    project_id: uuid.UUID,
    member_id: uuid.UUID,
    role: MemberRole,
) -> MemberPublic:
    access = await require_project(session, user_id, project_id, Role.OWNER)
    if member_id == access.owner_id:
        raise ProblemError(
            409, "The owner's role cannot change.", problem_type="owner-is-permanent"
        )
    member = await _member(session, project_id, member_id)
    if role == Role.VIEWER.value and member.role != role:
        # A viewer cannot be assigned (they could not complete the task): unassigned at once.
        await clear_assignments(session, access.owner_id, project_id, member_id, user_id)
    member.role = role
    await session.commit()
    _membership_changed(access.owner_id, member_id)
    account = await session.get_one(User, member_id)
    return MemberPublic(
        user_id=member_id,
        email=account.email,
        full_name=account.full_name,
        role=role,
        added_at=member.added_at,
    )


async def remove(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """The owner removes a member, or a member leaves; the owner (the last, and only, owner)
    cannot leave: deleting the project is how it ends. The removed member's access ends with
    this commit, cached reads included (the check before them is never cached)."""
    need = Role.VIEWER if member_id == user_id else Role.OWNER
    access = await require_project(session, user_id, project_id, need)
    if member_id == access.owner_id:
        raise ProblemError(
            409,
            "The project's last owner cannot leave it; delete the project instead.",
            problem_type="last-owner",
        )
    member = await _member(session, project_id, member_id)
    # Their assignments in the project end with the membership, in the same transaction.
    await clear_assignments(session, access.owner_id, project_id, member_id, user_id)
    await session.delete(member)
    await session.commit()
    # The removed member's open streams re-read what they follow and drop the owner's.
    _membership_changed(access.owner_id, member_id)


def _public(invitation: ProjectInvitation) -> InvitationPublic:
    return InvitationPublic(
        id=invitation.id,
        project_id=invitation.project_id,
        email=invitation.email,
        role=invitation.role,  # stored from MemberRole (a CHECK too)
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@dataclass(frozen=True, slots=True)
class Invited:
    invitation: InvitationPublic
    token: str
    project_name: str
    inviter_name: str


async def invite(
    session: AsyncSession,
    user_id: uuid.UUID,
    project_id: uuid.UUID,
    data: InvitationCreate,
    *,
    ttl: timedelta,
    now: datetime,
) -> Invited:
    """A new invitation (owner only), committed; the caller mails its token afterwards."""
    access = await require_project(session, user_id, project_id, Role.OWNER)
    changefeed.changed(access.owner_id, "members")  # the pending list (ADR 0019)
    project = await session.get_one(Project, project_id)
    if project.is_inbox:
        raise _inbox_never_shared()
    already = await session.scalar(
        select(User.id)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project_id, User.email == data.email)
    )
    inviter = await session.get_one(User, user_id)
    if already is not None or data.email == inviter.email:
        raise ProblemError(
            409, "That address already belongs to a member.", problem_type="already-a-member"
        )
    token = secrets.token_urlsafe(32)
    invitation = ProjectInvitation(
        id=uuid.uuid4(),
        project_id=project_id,
        email=data.email,
        role=data.role,
        token_hash=token_digest(token),
        invited_by=access.owner_id,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invitation)
    await session.commit()
    return Invited(_public(invitation), token, project.name, inviter.full_name or inviter.email)


async def pending(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID, now: datetime
) -> list[InvitationPublic]:
    """Invitations neither accepted nor expired, oldest first (owner only)."""
    await require_project(session, user_id, project_id, Role.OWNER)
    rows = await session.scalars(
        select(ProjectInvitation)
        .where(
            ProjectInvitation.project_id == project_id,
            ProjectInvitation.accepted_at.is_(None),
            ProjectInvitation.expires_at > now,
        )
        .order_by(ProjectInvitation.created_at, ProjectInvitation.id)
    )
    return [_public(each) for each in rows]


async def withdraw(
    session: AsyncSession, user_id: uuid.UUID, project_id: uuid.UUID, invitation_id: uuid.UUID
) -> None:
    """Delete a pending invitation (owner only): its link stops working."""
    access = await require_project(session, user_id, project_id, Role.OWNER)
    changefeed.changed(access.owner_id, "members")  # the pending list (ADR 0019)
    deleted = await session.execute(
        delete(ProjectInvitation).where(
            ProjectInvitation.id == invitation_id,
            ProjectInvitation.project_id == project_id,
            ProjectInvitation.accepted_at.is_(None),
        ),
        execution_options={"synchronize_session": False},
    )
    if deleted.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult
        raise not_found("invitation")
    await session.commit()


async def accept(
    session: AsyncSession, user_id: uuid.UUID, token: str, now: datetime
) -> Membership:
    """Join the project with the invited role. Only the invited address may: a link forwarded to
    (or intercepted by) another account is refused, and it stays usable by the right one. The
    token is claimed atomically (UPDATE .. WHERE accepted_at IS NULL), so it works once."""
    invitation = await session.scalar(
        select(ProjectInvitation).where(ProjectInvitation.token_hash == token_digest(token))
    )
    if invitation is None:
        raise invalid_invitation("This invitation is not valid. Ask for a new one.")
    # The address first: another account learns nothing of the invitation's state.
    account = await session.get_one(User, user_id)
    if account.email != invitation.email:
        raise ProblemError(
            403,
            "This invitation is for another email address; sign in with that address's account.",
            problem_type="invitation-for-another-address",
        )
    if invitation.accepted_at is not None:
        raise invalid_invitation("This invitation was already accepted.")
    if invitation.expires_at <= now:
        raise invalid_invitation("This invitation has expired. Ask for a new one.")
    invited = ProjectInvitation.id == invitation.id
    if not await claim_once(session, invited, ProjectInvitation.accepted_at, now):  # lost a race
        raise invalid_invitation("This invitation was already accepted.")
    project_id = invitation.project_id
    existing = await session.get(ProjectMember, (project_id, user_id))
    owner_id = await session.scalar(select(Project.owner_id).where(Project.id == project_id))
    if owner_id == user_id:
        role = Role.OWNER.value
    elif existing is not None:
        role = existing.role  # an existing member keeps the role the owner gave them since
    else:
        session.add(
            ProjectMember(
                project_id=project_id, user_id=user_id, role=invitation.role, added_at=now
            )
        )
        role = invitation.role
    try:
        await session.commit()
    except IntegrityError:  # accepted twice at once by two requests of this user: one row
        await session.rollback()
        raise invalid_invitation("This invitation was already accepted.") from None
    if owner_id is not None:
        _membership_changed(owner_id, user_id)
    return Membership(project_id=project_id, role=role)
