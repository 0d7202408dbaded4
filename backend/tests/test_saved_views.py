"""Saved views (/views): named filters of the task list, in the owner's order; the query is
validated by the list's own parser, so a view never holds a query GET /tasks refuses."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Account, assert_problem, create_task, invalid_fields, register_and_login

VIEWS = "/api/v1/views"
TASKS = "/api/v1/tasks"


async def test_create_list_update_delete_in_position_order(
    client: httpx.AsyncClient, account: Account
) -> None:
    first = await client.post(
        VIEWS,
        json={"name": "Urgent at home", "query": "?priority=urgent&label=home"},
        headers=account.headers,
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert first.headers["location"] == f"{VIEWS}/{body['id']}"
    assert (body["name"], body["query"], body["position"]) == (
        "Urgent at home",
        "priority=urgent&label=home",
        0,
    )
    second = (await client.post(VIEWS, json={"name": "All"}, headers=account.headers)).json()
    assert (second["query"], second["position"]) == ("", 1)
    top = (
        await client.post(
            VIEWS,
            json={"name": "Due soon", "query": "sort=due_date", "position": 0},
            headers=account.headers,
        )
    ).json()

    listed = (await client.get(VIEWS, headers=account.headers)).json()["items"]
    assert [view["name"] for view in listed] == ["Urgent at home", "Due soon", "All"]

    moved = await client.patch(
        f"{VIEWS}/{second['id']}",
        json={"position": 0, "name": "Everything"},
        headers=account.headers,
    )
    assert moved.status_code == 200
    assert (moved.json()["name"], moved.json()["position"]) == ("Everything", 0)
    deleted = await client.delete(f"{VIEWS}/{top['id']}", headers=account.headers)
    assert deleted.status_code == 204
    listed = (await client.get(VIEWS, headers=account.headers)).json()["items"]
    assert [view["name"] for view in listed] == ["Urgent at home", "Everything"]
    read = await client.get(f"{VIEWS}/{body['id']}", headers=account.headers)
    assert read.json() == listed[0]


async def test_a_query_the_list_refuses_is_refused_naming_the_field(
    client: httpx.AsyncClient, account: Account
) -> None:
    for query in (
        "priority=top",
        "sort=colour",
        "colour=red",
        "limit=500",
        "project=not-a-uuid",
        "due_after=2030-01-02T00:00:00Z&due_before=2030-01-01T00:00:00Z",
        "cursor=abc",
    ):
        created = await client.post(
            VIEWS, json={"name": "v", "query": query}, headers=account.headers
        )
        problem = assert_problem(created, 422)
        assert [error["field"] for error in problem["errors"]] == ["body.query"], query
    view = (await client.post(VIEWS, json={"name": "v"}, headers=account.headers)).json()
    patched = await client.patch(
        f"{VIEWS}/{view['id']}", json={"query": "status=later"}, headers=account.headers
    )
    assert invalid_fields(patched) == ["body.query"]


async def test_a_saved_query_lists_what_the_list_shows(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create_task(client, account, title="a", priority="urgent", labels=["home"])
    await create_task(client, account, title="b", priority="urgent")
    view = (
        await client.post(
            VIEWS,
            json={"name": "v", "query": "priority=urgent&label=home"},
            headers=account.headers,
        )
    ).json()
    listed = await client.get(f"{TASKS}?{view['query']}", headers=account.headers)
    assert [item["title"] for item in listed.json()["items"]] == ["a"]


async def test_another_users_view_is_not_found(client: httpx.AsyncClient, account: Account) -> None:
    other = await register_and_login(client)
    theirs = (await client.post(VIEWS, json={"name": "mine"}, headers=other.headers)).json()
    path = f"{VIEWS}/{theirs['id']}"
    for method, json in [("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)]:
        response = await client.request(method, path, json=json, headers=account.headers)
        assert_problem(response, 404)
    assert (await client.get(VIEWS, headers=account.headers)).json()["items"] == []
    assert (await client.get(path, headers=other.headers)).json()["name"] == "mine"


# Names and values around what the list accepts: valid ones, near misses and strangers.
PARAMS = st.sampled_from(
    ["status", "priority", "label", "q", "sort", "limit", "overdue", "due_before", "project", "x"]
)
VALUES = st.sampled_from(
    [
        "pending",
        "done",
        "urgent",
        "low",
        "home",
        "",
        " ",
        "-created_at",
        "title",
        "due",
        "0",
        "50",
        "201",
        "true",
        "maybe",
        "2030-01-01T00:00:00Z",
        "2030-01-01",
        "8f4e2b4c-5d1a-4a47-9a55-7f3c0f1e2d3a",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=st.lists(st.tuples(PARAMS, VALUES), max_size=4))
async def test_a_view_is_saved_exactly_when_the_list_accepts_its_query(
    client: httpx.AsyncClient, account: Account, pairs: list[tuple[str, str]]
) -> None:
    query = urlencode(pairs)
    listed = await client.get(f"{TASKS}?{query}", headers=account.headers)
    saved = await client.post(VIEWS, json={"name": "v", "query": query}, headers=account.headers)
    assert listed.status_code in {200, 422}
    assert saved.status_code == (201 if listed.status_code == 200 else 422), (query, saved.text)
