"""Revision 0011 (shared projects) only adds tables: the upgrade makes every existing project's
creator its owner (not the Inboxes, never shared), the downgrade keeps every project and task and
drops only the sharing, and upgrading again backfills the owners once more."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from taskapp import migrate
from taskapp.projects.models import Project
from taskapp.tasks.models import Task
from tests.revisions import (
    add_owners,
    connection_on,
    count_if_present,
    migrated_scratch,
    session_on,
    table_names,
)

OWNERS = 3
PROJECTS_EACH = 2


async def _write(url: str) -> None:
    async with session_on(url) as session:
        for owner in await add_owners(session, OWNERS):
            for n in range(PROJECTS_EACH):
                project = Project(owner_id=owner, name=f"P{n}")
                session.add(project)
                await session.flush()
                # Core, with the columns the previous schema has: the model's INSERT would
                # name later ones too (assignee_id, revision 0014).
                await session.execute(
                    insert(Task.metadata.tables["tasks"]).values(
                        owner_id=owner, title=f"T{n}", project_id=project.id, search_text=""
                    )
                )
        await session.commit()


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        projects = (
            await connection.execute(text("SELECT id, owner_id, name, is_inbox FROM projects"))
        ).all()
        tasks = (await connection.execute(text("SELECT id, owner_id, project_id FROM tasks"))).all()
        members = None
        if "project_members" in await table_names(connection):
            rows = await connection.execute(
                text("SELECT project_id, user_id, role FROM project_members")
            )
            members = sorted((str(p), str(u), r) for p, u, r in rows)
        invitations = await count_if_present(connection, "project_invitations")
    return {
        "projects": sorted((str(i), str(o), n, bool(b)) for i, o, n, b in projects),
        "tasks": sorted(tuple(map(str, row)) for row in tasks),
        "members": members,
        "invitations": invitations,
    }


def test_revision_0011_backfills_owners_and_downgrades_and_upgrades_again_keeping_every_project(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0011")
    # Write with the previous release's schema (the revision before 0011, whichever it is).
    migrate.downgrade(url, "0011-1")
    asyncio.run(_write(url))
    before = asyncio.run(_snapshot(url))
    assert before["members"] is None
    assert len(before["projects"]) == OWNERS * (PROJECTS_EACH + 1)  # + each Inbox

    migrate.upgrade(url)
    after = asyncio.run(_snapshot(url))
    owners = sorted(
        (pid, owner, "owner") for pid, owner, _, inbox in before["projects"] if not inbox
    )
    assert after == {**before, "members": owners, "invitations": 0}

    migrate.downgrade(url, "0011-1")
    assert asyncio.run(_snapshot(url)) == before

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == after
