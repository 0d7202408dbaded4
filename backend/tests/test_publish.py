"""Publishing a project: a revocable, unguessable read-only link; the page is server-rendered,
sanitized, runs no script, is not indexed and shows no account data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from taskapp.main import create_app
from taskapp.projects import page
from taskapp.settings import Settings
from tests.conftest import Account, assert_problem, client_for, create_task, register_and_login

PROJECTS = "/api/v1/projects"
XSS_DESCRIPTION = (
    "# Plan\n\nSee [docs](https://example.com/a) and **bold**.\n\n"
    "<script>alert('d')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n'
    "[click](javascript:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
    "<a href='https://evil.example' onclick='alert(3)'>raw</a>\n"
)
XSS_TITLE = "<script>alert('t')</script><img src=x onerror=alert(4)>"


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


class Times(HTMLParser):
    """Each <time> element as (its datetime attribute, its text), as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[str | None, str]] = []
        self._open: str | None = None
        self._text: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self._open, self._text, self._inside = dict(attrs).get("datetime"), [], True

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "time" and self._inside:
            self.times.append((self._open, "".join(self._text)))
            self._inside = False


def times(html: str) -> list[tuple[str | None, str]]:
    parser = Times()
    parser.feed(html)
    return parser.times


async def published_project(
    client: httpx.AsyncClient, account: Account, **fields: Any
) -> tuple[dict[str, Any], str]:
    created = await client.post(
        PROJECTS, json={"name": "Garden", **fields}, headers=account.headers
    )
    project: dict[str, Any] = created.json()
    response = await client.post(f"{PROJECTS}/{project['id']}/publish", headers=account.headers)
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return project, url


def assert_sanitized(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """XSS_DESCRIPTION made safe: no element that runs or loads anything, no on* handler, and
    its one https link kept, marked rel=noopener noreferrer nofollow. The elements, for more
    checks."""
    tags = elements(html)
    assert not [tag for tag, _ in tags if tag in {"script", "img", "iframe", "object"}]
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]
    links = [attrs for tag, attrs in tags if tag == "a"]
    # The raw <a> stays text; the address in that text, like any bare address, is linked
    # (linkify): a plain https link, no handler.
    assert [link["href"] for link in links] == ["https://example.com/a", "https://evil.example"]
    assert {link["rel"] for link in links} == {"noopener noreferrer nofollow"}
    return tags


def path_of(url: str) -> str:
    return httpx.URL(url).path


async def test_a_published_page_is_sanitized_runs_no_script_and_is_not_indexed(
    client: httpx.AsyncClient, account: Account
) -> None:
    project, url = await published_project(
        client, account, name="Garden <b>&</b>", description=XSS_DESCRIPTION
    )
    assert re.fullmatch(r"http://[^/]+/p/[A-Za-z0-9_-]{43}", url)
    await create_task(
        client, account, title=XSS_TITLE, project_id=project["id"], labels=["<i>x</i>"]
    )
    await create_task(client, account, title="finished", project_id=project["id"], status="done")
    await create_task(client, account, title="elsewhere")

    page = await client.get(path_of(url))  # no Authorization: anyone with the link

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert "unsafe-inline" not in csp
    html = page.text
    tags = assert_sanitized(html)
    assert ("meta", {"name": "robots", "content": "noindex, nofollow"}) in tags
    assert "<strong>bold</strong>" in html
    assert "Garden &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html  # the title, as text
    assert "finished" not in html
    assert "elsewhere" not in html
    assert account.email not in html
    assert account.user_id not in html
    assert project["id"] not in html


async def test_the_json_twin_shows_the_same_without_ids(
    client: httpx.AsyncClient, account: Account
) -> None:
    project, url = await published_project(client, account, description="*hi*", colour="teal")
    await create_task(client, account, title="b", project_id=project["id"], priority="high")
    await create_task(
        client,
        account,
        title="a",
        project_id=project["id"],
        due_date="2030-01-01T09:00:00Z",
        status="in_progress",
    )
    token = path_of(url).rsplit("/", 1)[1]

    response = await client.get(f"/api/v1/public/projects/{token}")

    assert response.status_code == 200
    assert response.headers["x-robots-tag"] == "noindex"
    assert response.json() == {
        "name": "Garden",
        "colour": "teal",
        "description": "*hi*",
        "tasks": [
            {
                "title": "a",
                "status": "in_progress",
                "priority": "medium",
                "due_date": "2030-01-01T09:00:00Z",
                "due_on": None,
                "labels": [],
            },
            {
                "title": "b",
                "status": "pending",
                "priority": "high",
                "due_date": None,
                "due_on": None,
                "labels": [],
            },
        ],
    }
    read = await client.get(f"{PROJECTS}/{project['id']}", headers=account.headers)
    assert read.json()["published_url"] == url


async def test_the_page_shows_due_days_and_due_times_in_words_and_time_elements(
    client: httpx.AsyncClient, account: Account
) -> None:
    project, url = await published_project(client, account)
    for title, due in (
        ("undated", {}),
        ("later", {"due_date": "2026-12-20T08:30:00Z"}),
        ("on the day", {"due_on": "2026-12-10"}),
        # Given in Berlin: shown in UTC (the page knows no reader's zone), saying so.
        ("at the time", {"due_date": "2026-12-07T23:00:00+01:00"}),
    ):
        await create_task(client, account, title=title, project_id=project["id"], **due)
    token = path_of(url).rsplit("/", 1)[1]

    response = await client.get(path_of(url))

    assert response.status_code == 200
    assert response.headers["content-security-policy"] == page.CSP
    html = response.text
    assert times(html) == [
        ("2026-12-07T22:00:00Z", "Mon 7 Dec 2026, 22:00 UTC"),
        ("2026-12-10", "Thu 10 Dec 2026"),
        ("2026-12-20T08:30:00Z", "Sun 20 Dec 2026, 08:30 UTC"),
    ]
    assert ', due <time datetime="2026-12-10">Thu 10 Dec 2026</time></div>' in html
    # Soonest due first, a due day among the due times (at 00:00 UTC, as sort=due_date has it).
    shown = re.findall(r"<strong>([^<]*)</strong>", html)
    assert shown == ["at the time", "on the day", "later", "undated"]
    twin = await client.get(f"/api/v1/public/projects/{token}")
    assert [(task["title"], task["due_on"]) for task in twin.json()["tasks"]] == [
        ("at the time", None),
        ("on the day", "2026-12-10"),
        ("later", None),
        ("undated", None),
    ]


@pytest.mark.parametrize(
    ("due_date", "due_on", "expected"),
    [
        (None, None, None),
        (None, date(5, 3, 1), ("0005-03-01", "Tue 1 Mar 0005")),
        (
            datetime(2026, 12, 7, 22, 0, 5, 250_000, tzinfo=UTC),
            None,
            ("2026-12-07T22:00:05.250Z", "Mon 7 Dec 2026, 22:00 UTC"),
        ),
    ],
)
def test_a_due_is_words_and_a_valid_time_element_value(
    due_date: datetime | None, due_on: date | None, expected: tuple[str, str] | None
) -> None:
    # HTML's <time datetime> takes four-digit years and at most three digits of a second.
    assert page.due_of(due_date, due_on) == (None if expected is None else page.Due(*expected))


async def test_revoking_or_republishing_ends_the_old_link(
    client: httpx.AsyncClient, account: Account
) -> None:
    project, url = await published_project(client, account)
    again = await client.post(f"{PROJECTS}/{project['id']}/publish", headers=account.headers)
    new_url = again.json()["url"]
    assert new_url != url
    assert_problem(await client.get(path_of(url)), 404)
    assert (await client.get(path_of(new_url))).status_code == 200

    revoked = await client.delete(f"{PROJECTS}/{project['id']}/publish", headers=account.headers)
    assert revoked.status_code == 204
    token = path_of(new_url).rsplit("/", 1)[1]
    assert_problem(await client.get(path_of(new_url)), 404)
    assert_problem(await client.get(f"/api/v1/public/projects/{token}"), 404)
    read = await client.get(f"{PROJECTS}/{project['id']}", headers=account.headers)
    assert read.json()["published_url"] is None
    for wrong in ("short", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert_problem(await client.get(f"/p/{wrong}"), 404)


async def test_another_users_project_cannot_be_published_or_unpublished(
    client: httpx.AsyncClient, account: Account
) -> None:
    other = await register_and_login(client)
    project, url = await published_project(client, other)
    for method in ("POST", "DELETE"):
        response = await client.request(
            method, f"{PROJECTS}/{project['id']}/publish", headers=account.headers
        )
        assert_problem(response, 404)
    assert (await client.get(path_of(url))).status_code == 200  # still theirs, still live


async def test_the_web_app_does_not_swallow_public_pages(
    make_settings: Any, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>spa</title>")
    app: FastAPI = create_app(make_settings(web_dir=dist))
    settings: Settings = app.state.services.settings
    assert settings.web_dir == dist
    async with client_for(app) as http:
        account = await register_and_login(http)
        project, url = await published_project(http, account)
        await http.delete(f"{PROJECTS}/{project['id']}/publish", headers=account.headers)
        for path in (path_of(url), "/p/", "/p/a/b"):
            response = await http.get(path)
            assert response.status_code == 404, path
            assert "spa" not in response.text, path
        assert "spa" in (await http.get("/projects/anything")).text  # a client-side route
    await app.state.services.engine.dispose()


async def test_links_use_the_public_url_when_one_is_set(make_settings: Any) -> None:
    # Behind CloudFront the request's host is the ALB's origin name: TASKAPP_PUBLIC_URL (the
    # chart's config.publicUrl, https://<domain>) is what people can open.
    app: FastAPI = create_app(make_settings(public_url="https://tasks.example.com/"))
    async with client_for(app) as http:
        account = await register_and_login(http)
        _, url = await published_project(http, account)
        assert url.startswith("https://tasks.example.com/p/"), url
        assert (await http.get(path_of(url))).status_code == 200
    await app.state.services.engine.dispose()


def test_the_public_url_must_be_an_origin(make_settings: Any) -> None:
    with pytest.raises(ValueError, match="public_url"):
        make_settings(public_url="tasks.example.com/p")
