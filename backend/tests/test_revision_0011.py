"""Revision 0011 (shared projects) only adds tables: the upgrade makes every existing project's
creator its owner (not the Inboxes, never shared), the downgrade keeps every project and task and
drops only the sharing, and upgrading again backfills the owners once more."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, inspect, text

from taskapp import migrate
from taskapp.auth.interface import User
from taskapp.db import create_engine, create_session_factory
from taskapp.projects.models import Project
from taskapp.settings import Settings
from taskapp.tasks.models import Task
from tests.conftest import scratch_database_url

OWNERS = 3
PROJECTS_EACH = 2


async def _write(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        for _ in range(OWNERS):
            owner = uuid.uuid4()
            session.add(User(id=owner, email=f"{owner.hex}@example.com", password_hash="x"))
            await session.flush()
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
    await engine.dispose()


async def _snapshot(url: str) -> dict[str, Any]:
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as connection:
        projects = (
            await connection.execute(text("SELECT id, owner_id, name, is_inbox FROM projects"))
        ).all()
        tasks = (await connection.execute(text("SELECT id, owner_id, project_id FROM tasks"))).all()
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        members = invitations = None
        if "project_members" in tables:
            rows = await connection.execute(
                text("SELECT project_id, user_id, role FROM project_members")
            )
            members = sorted((str(p), str(u), r) for p, u, r in rows)
        if "project_invitations" in tables:
            invitations = await connection.scalar(text("SELECT count(*) FROM project_invitations"))
    await engine.dispose()
    return {
        "projects": sorted((str(i), str(o), n, bool(b)) for i, o, n, b in projects),
        "tasks": sorted(tuple(map(str, row)) for row in tasks),
        "members": members,
        "invitations": invitations,
    }


def test_revision_0011_backfills_owners_and_downgrades_and_upgrades_again_keeping_every_project(
    database_url: str, tmp_path: Path
) -> None:
    url = scratch_database_url(database_url, tmp_path, "revision_0011")
    migrate.upgrade(url)
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
