"""The lists ordered by creation time (comments, notifications, task and project history,
tasks assigned to me) take their page size and cursor the same way: one dependency
(cursors.page_request), so the same bad input gets the same 422 from each of them."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Account, assert_problem, create_task, json_object


async def _lists(client: httpx.AsyncClient, account: Account) -> dict[str, int]:
    """Each time-ordered list of `account`, by path, with its largest page."""
    task = await create_task(client, account)
    project = json_object(
        await client.post("/api/v1/projects", json={"name": "Pages"}, headers=account.headers),
        201,
    )
    return {
        f"/api/v1/tasks/{task['id']}/comments": 200,
        "/api/v1/notifications": 100,
        f"/api/v1/tasks/{task['id']}/history": 200,
        f"/api/v1/projects/{project['id']}/history": 200,
        "/api/v1/tasks/assigned": 200,
    }


async def test_every_time_ordered_list_bounds_its_page_size(
    client: httpx.AsyncClient, account: Account
) -> None:
    for path, largest in (await _lists(client, account)).items():
        full = await client.get(path, params={"limit": largest}, headers=account.headers)
        assert full.status_code == 200, (path, full.text)
        for limit in (0, largest + 1):
            refused = await client.get(path, params={"limit": limit}, headers=account.headers)
            errors = assert_problem(refused, 422)["errors"]
            assert [error["field"] for error in errors] == ["query.limit"], (path, limit)


@pytest.mark.parametrize(
    ("cursor", "kind"),
    [
        ("x" * 513, "string_too_long"),  # longer than any cursor these lists sign
        ("x" * 512, "invalid_cursor"),  # as long as one may be, but not one of ours
    ],
)
async def test_every_time_ordered_list_refuses_a_bad_cursor_alike(
    client: httpx.AsyncClient, account: Account, cursor: str, kind: str
) -> None:
    for path in await _lists(client, account):
        refused = await client.get(path, params={"cursor": cursor}, headers=account.headers)
        errors = assert_problem(refused, 422)["errors"]
        assert [(error["field"], error["type"]) for error in errors] == [("query.cursor", kind)], (
            path
        )
