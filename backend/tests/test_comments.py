"""Comments on tasks (issue 19): Markdown rendered and sanitized on the server, edit and delete by
the author only, keyset pages, deleted with their task, recorded in the task's history."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from typing import Any

import httpx
from sqlalchemy import func, select

from taskapp.comments.models import Comment
from taskapp.db import create_engine
from taskapp.settings import Settings
from tests.conftest import Account, assert_problem, json_object, register_and_login
from tests.conftest import create_task as create

TASKS = "/api/v1/tasks"
COMMENTS = "/api/v1/comments"


async def _comment(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], body: str
) -> dict[str, Any]:
    response = await http.post(
        f"{TASKS}/{task['id']}/comments", json={"body": body}, headers=account.headers
    )
    return json_object(response, 201)


async def test_a_comment_is_posted_listed_edited_and_deleted(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    posted = await _comment(client, account, task, "  Looks **good** ")
    assert posted["body"] == "Looks **good**"
    assert posted["body_html"] == "<p>Looks <strong>good</strong></p>\n"
    assert posted["author_id"] == account.user_id
    assert posted["task_id"] == task["id"]
    assert posted["edited_at"] is None

    edited = await client.patch(
        f"{COMMENTS}/{posted['id']}", json={"body": "Looks *fine*"}, headers=account.headers
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["body_html"] == "<p>Looks <em>fine</em></p>\n"
    assert edited.json()["edited_at"] is not None
    assert edited.json()["created_at"] == posted["created_at"]
    listed = await client.get(f"{TASKS}/{task['id']}/comments", headers=account.headers)
    assert listed.json() == {"items": [edited.json()], "next_cursor": None}

    deleted = await client.delete(f"{COMMENTS}/{posted['id']}", headers=account.headers)
    assert deleted.status_code == 204
    listed = await client.get(f"{TASKS}/{task['id']}/comments", headers=account.headers)
    assert listed.json() == {"items": [], "next_cursor": None}


async def test_scripts_script_links_and_image_handlers_do_not_survive(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    body = (
        "<script>alert(1)</script>\n\n"
        "[click](javascript:alert(2)) [ok](https://example.com)\n\n"
        '<img src=x onerror="alert(3)">\n\n'
        "![pixel](https://tracker.example/p.png)"
    )

    html = (await _comment(client, account, task, body))["body_html"]

    elements = _elements(html)
    assert {tag for tag, _ in elements} == {"p", "a"}  # no script, no img
    attributes = [(tag, name, value) for tag, attrs in elements for name, value in attrs]
    assert attributes == [
        ("a", "href", "https://example.com"),
        ("a", "rel", "noopener noreferrer nofollow"),
    ]  # no handler, no javascript: URL
    assert "&lt;script&gt;" in html  # raw HTML is shown as the text it was


async def test_a_bare_address_in_a_comment_becomes_a_safe_link(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    body = "See https://example.com/guide, or www.example.org; not javascript:alert(1)."

    html = (await _comment(client, account, task, body))["body_html"]

    links = [dict(attrs) for tag, attrs in _elements(html) if tag == "a"]
    assert links == [
        {"href": "https://example.com/guide", "rel": "noopener noreferrer nofollow"},
        {"href": "http://www.example.org", "rel": "noopener noreferrer nofollow"},
    ]
    assert "javascript:alert(1)" in html  # left as the text it was, never a link


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of an HTML fragment with its attributes, as a browser's parser sees them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collector().feed(html)
    return found


async def test_bad_bodies_are_problem_details(client: httpx.AsyncClient, account: Account) -> None:
    task = await create(client, account)
    path = f"{TASKS}/{task['id']}/comments"
    for body in (
        {"body": "   "},
        {"body": "x" * 10_001},
        {"body": "a\x00b"},
        {},
        {"body": "ok", "author_id": "x"},
    ):
        response = await client.post(path, json=body, headers=account.headers)
        assert_problem(response, 422)
        assert response.headers["content-type"] == "application/problem+json"
    listed = await client.get(path, headers=account.headers)
    assert listed.json()["items"] == []


async def test_another_users_task_or_comment_is_not_found_on_every_path(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    comment = await _comment(client, account, task, "mine")
    stranger = await register_and_login(client)
    nobody = str(uuid.uuid4())

    attempts = [
        ("POST", f"{TASKS}/{{}}/comments", task["id"], {"body": "hi"}),
        ("GET", f"{TASKS}/{{}}/comments", task["id"], None),
        ("PATCH", f"{COMMENTS}/{{}}", comment["id"], {"body": "theirs"}),
        ("DELETE", f"{COMMENTS}/{{}}", comment["id"], None),
    ]
    for method, path, owned, body in attempts:
        theirs = await client.request(
            method, path.format(owned), json=body, headers=stranger.headers
        )
        missing = await client.request(
            method, path.format(nobody), json=body, headers=stranger.headers
        )
        found, absent = assert_problem(theirs, 404), assert_problem(missing, 404)
        assert {**found, "instance": None} == {**absent, "instance": None}, method

    listed = await client.get(f"{TASKS}/{task['id']}/comments", headers=account.headers)
    assert [(c["id"], c["body"]) for c in listed.json()["items"]] == [(comment["id"], "mine")]


async def test_comments_page_oldest_first_with_a_signed_cursor(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create(client, account)
    other = await create(client, account)
    posted = [await _comment(client, account, task, f"c{n}") for n in range(5)]
    path = f"{TASKS}/{task['id']}/comments"

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(path, params=params, headers=account.headers)).json()
        seen += [c["body"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        await _comment(client, account, task, f"late{len(seen)}")  # arrives behind the cursor
    assert seen[:5] == [c["body"] for c in posted]
    first = (await client.get(path, params={"limit": 1}, headers=account.headers)).json()
    elsewhere = await client.get(
        f"{TASKS}/{other['id']}/comments",
        params={"cursor": first["next_cursor"]},
        headers=account.headers,
    )
    assert "another task's comments" in assert_problem(elsewhere, 422)["detail"]
    # Each list signs under a salt of its own: a comment cursor means nothing to another list.
    notifications = await client.get(
        "/api/v1/notifications", params={"cursor": first["next_cursor"]}, headers=account.headers
    )
    assert "not issued by this server" in assert_problem(notifications, 422)["detail"]


async def _stored_comments(settings: Settings, task_id: str) -> int:
    engine = create_engine(settings)
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(Comment).where(Comment.task_id == uuid.UUID(task_id))
        )
    await engine.dispose()
    return int(count or 0)


async def test_comments_go_with_their_task_and_are_in_its_history(
    client: httpx.AsyncClient, account: Account, settings: Settings
) -> None:
    task = await create(client, account, title="Plan")
    await _comment(client, account, task, "one")
    await _comment(client, account, task, "two")
    history = await client.get(f"{TASKS}/{task['id']}/history", headers=account.headers)
    assert [(e["kind"], e["changes"], e["actor_id"]) for e in history.json()["items"][:2]] == [
        ("commented", {}, account.user_id)
    ] * 2
    assert await _stored_comments(settings, task["id"]) == 2

    deleted = await client.delete(f"{TASKS}/{task['id']}", headers=account.headers)
    assert deleted.status_code == 204

    assert await _stored_comments(settings, task["id"]) == 0
    gone = await client.get(f"{TASKS}/{task['id']}/comments", headers=account.headers)
    assert_problem(gone, 404)
