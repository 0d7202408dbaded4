"""`taskapp seed-demo`'s account, read back through the API: every planner view has something in
it, the counts the pages show agree with the rows, and seeding again adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from taskapp import demo
from taskapp.settings import Settings
from tests.conftest import json_object, login

API = "/api/v1"


async def _demo_headers(client: httpx.AsyncClient) -> dict[str, str]:
    signed_in = await login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    return {"Authorization": f"Bearer {json_object(signed_in, 200)['access_token']}"}


async def _all_tasks(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    page = json_object(await client.get(f"{API}/tasks?limit=100", headers=headers), 200)
    assert page["next_cursor"] is None
    items: list[dict[str, Any]] = page["items"]
    return items


def _by_title(tasks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {task["title"]: task for task in tasks}


async def test_the_demo_account_fills_every_view_and_seeding_again_adds_nothing(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    seeded_at = datetime.now(UTC)
    first = await demo.seed(settings)
    # Today in the account's zone (UTC), as the seed and the API read it.
    today = datetime.now(UTC).date()
    assert (first.projects_added, first.tasks_added) == (2, 14)
    headers = await _demo_headers(client)

    projects = json_object(await client.get(f"{API}/projects", headers=headers), 200)["items"]
    assert [(p["name"], p["open_count"], p["done_count"]) for p in projects] == [
        ("Inbox", 2, 0),
        ("Work", 6, 2),  # its subtasks count too, the frozen branch done with the CI pipeline
        ("Home", 3, 1),
    ]

    tasks = await _all_tasks(client, headers)
    titled = _by_title(tasks)
    assert len(tasks) == 14
    stats = json_object(await client.get(f"{API}/tasks/stats", headers=headers), 200)
    assert stats["total"] == 14
    assert stats["by_status"] == {"pending": 10, "in_progress": 1, "done": 3}
    assert stats["overdue"] == 1

    planner = json_object(await client.get(f"{API}/tasks/today", headers=headers), 200)
    assert planner["date"] == today.isoformat()
    assert [t["title"] for t in planner["overdue"]] == ["Book the dentist"]
    assert {t["title"] for t in planner["today"]} == {
        "Review Sam's pull request",
        "Water the plants",
    }
    review = titled["Review Sam's pull request"]
    assert review["due_on"] is None
    # 16:00 today, or the next whole hour when the seed ran later: due today, not yet overdue.
    review_due = datetime.fromisoformat(review["due_date"])
    assert review_due.date() == today
    assert review_due > seeded_at or review_due.time() == time(23, 59)
    assert review_due.time() >= time(16)
    assert review_due.minute in (0, 59)

    week = json_object(
        await client.get(
            f"{API}/tasks/agenda",
            params={"from": today.isoformat(), "to": (today + timedelta(days=13)).isoformat()},
            headers=headers,
        ),
        200,
    )
    days_with_tasks = {
        date.fromisoformat(day["date"]) - today for day in week["days"] if day["tasks"]
    }
    assert {delta.days for delta in days_with_tasks} >= {0, 1, 2, 3, 6, 9, 12}

    release = titled["Ship release 2.0"]
    assert (release["subtask_count"], release["subtask_done_count"]) == (3, 1)
    assert release["labels"] == ["release"]
    subtasks = json_object(
        await client.get(f"{API}/tasks", params={"parent": release["id"]}, headers=headers), 200
    )["items"]
    assert {(t["title"], t["status"], t["project_id"]) for t in subtasks} == {
        ("Freeze the release branch", "done", release["project_id"]),
        ("Write the release notes", "pending", release["project_id"]),
        ("Tag and publish the images", "pending", release["project_id"]),
    }

    # A repeating task rolls on when it is done, as one the user made would.
    plants = titled["Water the plants"]
    assert plants["recurrence"] == "FREQ=DAILY;INTERVAL=3"
    done = await client.patch(
        f"{API}/tasks/{plants['id']}", json={"status": "done"}, headers=headers
    )
    rolled = json_object(done, 200)
    assert (rolled["status"], rolled["due_on"]) == (
        "pending",
        (today + timedelta(days=3)).isoformat(),
    )

    again = await demo.seed(settings)
    assert (again.projects_added, again.tasks_added) == (0, 0)
    assert len(await _all_tasks(client, headers)) == 14
