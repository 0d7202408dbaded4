"""Dates that mean what people mean (issue 18): the user's time zone, due days and due times,
day filters, overdue and stats in the user's zone, sort=due_date over both kinds."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from taskapp.tasks import agenda
from tests.conftest import (
    PASSWORD,
    Account,
    assert_problem,
    client_for,
    create_task,
    invalid_fields,
    login,
    register_and_login,
    unique_email,
)
from tests.test_task_search_and_stats import SEEDED, seed_tasks, task_rows_read

TASKS = "/api/v1/tasks"
ME = "/api/v1/users/me"


async def set_zone(http: httpx.AsyncClient, account: Account, zone: str) -> None:
    response = await http.patch(ME, json={"time_zone": zone}, headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json()["time_zone"] == zone


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


async def titles(http: httpx.AsyncClient, account: Account, **params: Any) -> list[str]:
    response = await http.get(TASKS, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_a_new_user_is_in_utc_and_can_move_to_an_iana_zone(
    client: httpx.AsyncClient, account: Account
) -> None:
    me = await client.get(ME, headers=account.headers)
    assert me.json()["time_zone"] == "UTC"
    await set_zone(client, account, "Europe/Berlin")
    assert (await client.get(ME, headers=account.headers)).json()["time_zone"] == "Europe/Berlin"
    # Only the fields sent change: the name stays.
    named = await client.patch(ME, json={"full_name": "Ada"}, headers=account.headers)
    assert named.json() == {**named.json(), "full_name": "Ada", "time_zone": "Europe/Berlin"}


async def test_a_new_account_takes_the_zone_it_registers_with(client: httpx.AsyncClient) -> None:
    # The web app sends the browser's zone (Intl.DateTimeFormat().resolvedOptions().timeZone).
    email = unique_email()
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "time_zone": "America/Los_Angeles"},
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["time_zone"] == "America/Los_Angeles"
    tokens = await login(client, email, PASSWORD)
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    me = await client.get(ME, headers=headers)
    assert me.json()["time_zone"] == "America/Los_Angeles"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", None])
async def test_registering_with_a_zone_that_is_not_an_iana_name_is_422_and_creates_nothing(
    client: httpx.AsyncClient, zone: str | None
) -> None:
    email = unique_email()
    response = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "time_zone": zone}
    )
    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["body.time_zone"]
    # Nothing was created: the same address registers afterwards, in UTC when no zone is sent.
    again = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert again.status_code == 201, again.text
    assert again.json()["time_zone"] == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "CET+1", "", "../etc/passwd", None])
async def test_a_time_zone_that_is_not_an_iana_name_is_422_naming_the_field(
    client: httpx.AsyncClient, account: Account, zone: str | None
) -> None:
    response = await client.patch(ME, json={"time_zone": zone}, headers=account.headers)
    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["body.time_zone"]
    assert (await client.get(ME, headers=account.headers)).json()["time_zone"] == "UTC"


async def test_a_task_is_due_on_a_day_or_at_a_time_never_both(
    client: httpx.AsyncClient, account: Account
) -> None:
    day = await create_task(client, account, due_on="2027-03-11")
    assert (day["due_on"], day["due_date"]) == ("2027-03-11", None)
    both = await client.post(
        TASKS,
        json={"title": "x", "due_on": "2027-03-11", "due_date": "2027-03-11T09:00:00Z"},
        headers=account.headers,
    )
    errors = assert_problem(both, 422)["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [
        (
            "body",
            "due_on and due_date cannot both be set: a task is due on a day or at a time",
        )
    ]
    # Setting one kind clears the other.
    timed = await client.patch(
        f"{TASKS}/{day['id']}", json={"due_date": "2027-03-11T09:00:00Z"}, headers=account.headers
    )
    assert (timed.json()["due_on"], timed.json()["due_date"]) == (None, "2027-03-11T09:00:00Z")
    back = await client.patch(
        f"{TASKS}/{day['id']}", json={"due_on": "2027-03-12"}, headers=account.headers
    )
    assert (back.json()["due_on"], back.json()["due_date"]) == ("2027-03-12", None)
    read = await client.get(f"{TASKS}/{day['id']}", headers=account.headers)
    assert read.json() == back.json()
    cleared = await client.patch(
        f"{TASKS}/{day['id']}", json={"due_on": None}, headers=account.headers
    )
    assert (cleared.json()["due_on"], cleared.json()["due_date"]) == (None, None)


async def test_a_due_day_is_overdue_once_it_is_before_the_users_local_today(
    client: httpx.AsyncClient,
) -> None:
    # Kiritimati is UTC+14, Pago Pago UTC-11: their dates always differ, whatever the hour.
    ahead = await register_and_login(client)
    behind = await register_and_login(client)
    await set_zone(client, ahead, "Pacific/Kiritimati")
    await set_zone(client, behind, "Pacific/Pago_Pago")
    behind_today = local_today("Pacific/Pago_Pago")
    assert local_today("Pacific/Kiritimati") > behind_today
    for account in (ahead, behind):
        await create_task(client, account, title="behind's today", due_on=str(behind_today))
        await create_task(client, account, title="done", due_on=str(behind_today), status="done")
        await create_task(client, account, title="no due")
    # For the user ahead, the other's today is already past.
    assert await titles(client, ahead, overdue="true") == ["behind's today"]
    assert await titles(client, behind, overdue="true") == []
    assert sorted(await titles(client, behind, overdue="false")) == [
        "behind's today",
        "done",
        "no due",
    ]
    ahead_stats = (await client.get(f"{TASKS}/stats", headers=ahead.headers)).json()
    behind_stats = (await client.get(f"{TASKS}/stats", headers=behind.headers)).json()
    assert (ahead_stats["overdue"], ahead_stats["total"]) == (1, 3)
    assert (behind_stats["overdue"], behind_stats["total"]) == (0, 3)


async def test_stats_stay_exact_through_every_change_of_due_kind(
    client: httpx.AsyncClient, account: Account
) -> None:
    """task_counts follow a task moved between a due day, a due time and none (both write
    paths), so that the totals and overdue match the tasks themselves."""
    yesterday = local_today("UTC") - timedelta(days=1)
    task = await create_task(client, account, due_on=str(yesterday), priority="high")
    steps: list[tuple[dict[str, Any], int]] = [
        ({}, 1),
        ({"due_date": "2020-01-01T00:00:00Z"}, 1),
        ({"due_on": "2999-01-01"}, 0),
        ({"due_on": str(yesterday)}, 1),
        ({"status": "done"}, 0),
        ({"status": "pending", "due_date": None}, 1),
        ({"due_on": None}, 0),
    ]
    for patch, overdue in steps:
        if patch:
            response = await client.patch(
                f"{TASKS}/{task['id']}", json=patch, headers=account.headers
            )
            assert response.status_code == 200, response.text
        stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
        assert stats["overdue"] == overdue, patch
        assert stats["total"] == 1
        assert stats["by_priority"]["high"] == 1
    await client.delete(f"{TASKS}/{task['id']}", headers=account.headers)
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert (stats["total"], stats["overdue"], stats["by_priority"]["high"]) == (0, 0, 0)


async def test_day_filters_read_days_in_the_users_zone(
    client: httpx.AsyncClient, account: Account
) -> None:
    await set_zone(client, account, "Asia/Tokyo")  # UTC+9, no DST
    # 2027-03-10T16:00Z is 01:00 on 11 March in Tokyo; 14:59Z is 23:59 on the 10th.
    await create_task(client, account, title="late utc", due_date="2027-03-10T16:00:00Z")
    await create_task(client, account, title="tokyo 10th", due_date="2027-03-10T14:59:00Z")
    await create_task(client, account, title="day 11th", due_on="2027-03-11")
    await create_task(client, account, title="day 12th", due_on="2027-03-12")
    await create_task(client, account, title="no due")
    only_11 = await titles(
        client, account, due_from="2027-03-11", due_to="2027-03-11", sort="title"
    )
    assert only_11 == ["day 11th", "late utc"]
    assert await titles(client, account, due_to="2027-03-10") == ["tokyo 10th"]
    assert sorted(await titles(client, account, due_from="2027-03-11")) == [
        "day 11th",
        "day 12th",
        "late utc",
    ]
    inverted = await client.get(
        TASKS, params={"due_from": "2027-03-12", "due_to": "2027-03-11"}, headers=account.headers
    )
    assert_problem(inverted, 422)
    # The same query in another zone is another answer (the zone is part of what is cached).
    await set_zone(client, account, "UTC")
    assert await titles(
        client, account, due_from="2027-03-11", due_to="2027-03-11", sort="title"
    ) == ["day 11th"]


async def test_sort_by_due_orders_due_days_and_due_times_together(
    client: httpx.AsyncClient, account: Account
) -> None:
    """A due day sorts as 00:00 UTC of that day; tasks without a due come last, either way."""
    for title, due in [
        ("11th noon", {"due_date": "2027-03-11T12:00:00Z"}),
        ("none", {}),
        ("10th noon", {"due_date": "2027-03-10T12:00:00Z"}),
        ("day 11th", {"due_on": "2027-03-11"}),
        ("day 12th", {"due_on": "2027-03-12"}),
        ("11th 00:00", {"due_date": "2027-03-11T00:00:00Z"}),
    ]:
        await create_task(client, account, title=title, **due)
    ascending = ["10th noon", "day 11th", "11th 00:00", "11th noon", "day 12th", "none"]
    descending = ["day 12th", "11th noon", "11th 00:00", "day 11th", "10th noon", "none"]
    for sort, expected in (("due_date", ascending), ("-due_date", descending)):
        whole = await titles(client, account, sort=sort)
        # Ties (day 11th vs 11th 00:00) are broken by id: compare the rest of the order.
        assert [t for t in whole if t not in {"day 11th", "11th 00:00"}] == [
            t for t in expected if t not in {"day 11th", "11th 00:00"}
        ]
        # Page by page with the keyset cursor: the same order, nothing lost or repeated.
        paged: list[str] = []
        params: dict[str, Any] = {"sort": sort, "limit": 1}
        while True:
            page = await client.get(TASKS, params=params, headers=account.headers)
            assert page.status_code == 200, page.text
            paged += [item["title"] for item in page.json()["items"]]
            if page.json()["next_cursor"] is None:
                break
            params["cursor"] = page.json()["next_cursor"]
        assert paged == whole


# --- Recurring tasks -------------------------------------------------------------------------


async def complete(http: httpx.AsyncClient, account: Account, task: dict[str, Any]) -> Any:
    response = await http.patch(
        f"{TASKS}/{task['id']}", json={"status": "done"}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def completions(http: httpx.AsyncClient, account: Account, task_id: str) -> list[Any]:
    response = await http.get(f"{TASKS}/{task_id}/completions", headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


@pytest.mark.parametrize(
    ("rule", "first", "expected"),
    [
        # every Monday (7 Dec 2026 is a Monday)
        ("FREQ=WEEKLY;BYDAY=MO", "2026-12-07", ["2026-12-14", "2026-12-21"]),
        # every 2 weeks, from a Wednesday
        ("FREQ=WEEKLY;INTERVAL=2", "2026-12-02", ["2026-12-16", "2026-12-30"]),
        # every weekday: Friday to Monday to Tuesday
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-12-04", ["2026-12-07", "2026-12-08"]),
        # monthly on the last day, through February
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "2027-01-31", ["2027-02-28", "2027-03-31"]),
        # a due three weeks behind rolls one step at a time, not to the next future Monday
        ("FREQ=WEEKLY;BYDAY=MO", "2020-01-06", ["2020-01-13", "2020-01-20"]),
    ],
)
async def test_completing_a_recurring_due_day_rolls_it_to_the_next_occurrence(
    client: httpx.AsyncClient, account: Account, rule: str, first: str, expected: list[str]
) -> None:
    task = await create_task(client, account, due_on=first, recurrence=rule.lower())
    assert task["recurrence"] == rule  # stored in its canonical (upper-case) form
    dues = [first]
    for due in expected:
        task = await complete(client, account, task)
        assert (task["status"], task["due_on"], task["completed_at"]) == ("pending", due, None)
        dues.append(due)
    history = await completions(client, account, task["id"])
    assert [item["due_on"] for item in history] == dues[-2::-1]  # newest first
    assert {item["task_id"] for item in history} == {task["id"]}
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert (stats["total"], stats["by_status"]["done"]) == (1, 0)


@pytest.mark.parametrize(
    ("zone", "rule", "first", "expected"),
    [
        # 09:00 in Berlin across the March change (28 Mar 2027): 08:00Z, then 07:00Z.
        (
            "Europe/Berlin",
            "FREQ=WEEKLY;BYDAY=MO",
            "2027-03-22T08:00:00Z",
            ["2027-03-29T07:00:00Z", "2027-04-05T07:00:00Z"],
        ),
        # ... and across the October change (31 Oct 2027): 07:00Z, then 08:00Z.
        (
            "Europe/Berlin",
            "FREQ=WEEKLY;BYDAY=MO",
            "2027-10-25T07:00:00Z",
            ["2027-11-01T08:00:00Z", "2027-11-08T08:00:00Z"],
        ),
        # 09:00 in New York, daily across 14 Mar 2027: 14:00Z, then 13:00Z.
        (
            "America/New_York",
            "FREQ=DAILY",
            "2027-03-13T14:00:00Z",
            ["2027-03-14T13:00:00Z", "2027-03-15T13:00:00Z"],
        ),
    ],
)
async def test_a_recurring_due_time_keeps_its_local_wall_clock_time_across_dst(
    client: httpx.AsyncClient,
    account: Account,
    zone: str,
    rule: str,
    first: str,
    expected: list[str],
) -> None:
    await set_zone(client, account, zone)
    task = await create_task(client, account, due_date=first, recurrence=rule)
    for due in expected:
        task = await complete(client, account, task)
        assert (task["status"], task["due_date"]) == ("pending", due)
        assert datetime.fromisoformat(due).astimezone(ZoneInfo(zone)).hour == 9
    history = await completions(client, account, task["id"])
    assert [item["due_date"] for item in history] == [expected[0], first]


async def test_a_series_that_ends_leaves_its_last_completion_done(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create_task(
        client, account, due_on="2026-12-07", recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261214"
    )
    task = await complete(client, account, task)
    assert (task["status"], task["due_on"]) == ("pending", "2026-12-14")
    task = await complete(client, account, task)
    assert (task["status"], task["due_on"]) == ("done", "2026-12-14")
    assert len(await completions(client, account, task["id"])) == 2


async def skip(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any], version: int | None = None
) -> httpx.Response:
    body = {"version": task["version"] if version is None else version}
    return await http.post(f"{TASKS}/{task['id']}/skip", json=body, headers=account.headers)


async def test_skipping_moves_a_repeating_task_to_its_next_occurrence_and_completes_nothing(
    client: httpx.AsyncClient, account: Account
) -> None:
    await set_zone(client, account, "Europe/Berlin")
    day = await create_task(client, account, due_on="2027-01-04", recurrence="FREQ=WEEKLY")
    # 09:00 in Berlin the Monday before the March change, then 09:00 CEST (07:00Z).
    timed = await create_task(
        client,
        account,
        due_date="2027-03-22T08:00:00Z",
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        status="in_progress",
    )

    skipped = await skip(client, account, day)
    assert skipped.status_code == 200, skipped.text
    assert skipped.headers["ETag"] == f'"{day["version"] + 1}"'
    body = skipped.json()
    assert (body["due_on"], body["status"], body["version"]) == (
        "2027-01-11",
        "pending",
        day["version"] + 1,
    )
    moved = (await skip(client, account, timed)).json()
    assert (moved["due_date"], moved["status"]) == ("2027-03-29T07:00:00Z", "in_progress")

    # Nothing was completed: no completion, no done count; the history says the due moved.
    for task in (day, timed):
        assert await completions(client, account, task["id"]) == []
    stats = (await client.get(f"{TASKS}/stats", headers=account.headers)).json()
    assert (stats["total"], stats["by_status"]["done"]) == (2, 0)
    history = await client.get(f"{TASKS}/{day['id']}/history", headers=account.headers)
    assert history.json()["items"][0]["changes"] == {"due_on": ["2027-01-04", "2027-01-11"]}
    # What a list read answers follows at once (the data version moved).
    listed = await client.get(TASKS, headers=account.headers)
    dues = {item["id"]: item["due_on"] or item["due_date"] for item in listed.json()["items"]}
    assert dues == {day["id"]: "2027-01-11", timed["id"]: "2027-03-29T07:00:00Z"}
    agenda_days = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-01-01", "to": "2027-01-12"},
        headers=account.headers,
    )
    listed_on = {d["date"]: [t["id"] for t in d["tasks"]] for d in agenda_days.json()["days"]}
    assert [on for on, ids in listed_on.items() if day["id"] in ids] == ["2027-01-11"]


async def test_a_skip_with_a_stale_version_is_412_and_skips_once(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create_task(client, account, due_on="2027-01-04", recurrence="FREQ=DAILY")
    assert (await skip(client, account, task)).status_code == 200
    again = await skip(client, account, task)  # a second tap on the page as it was
    assert_problem(again, 412)
    assert again.headers["ETag"] == f'"{task["version"] + 1}"'
    current = await client.get(f"{TASKS}/{task['id']}", headers=account.headers)
    assert current.json()["due_on"] == "2027-01-05"


async def test_what_cannot_be_skipped_is_409_and_unchanged(
    client: httpx.AsyncClient, account: Account
) -> None:
    once = await create_task(client, account, due_on="2027-01-04")
    refused = await skip(client, account, once)
    assert assert_problem(refused, 409)["type"] == "urn:taskapp:problem:not-recurring"

    # The last occurrence of a series cannot be skipped; the one before it can, onto it.
    ending = await create_task(
        client, account, due_on="2026-12-07", recurrence="FREQ=WEEKLY;UNTIL=20261214"
    )
    onto_last = await skip(client, account, ending)
    assert onto_last.json()["due_on"] == "2026-12-14", onto_last.text
    last = await skip(client, account, onto_last.json())
    body = assert_problem(last, 409)
    assert body["type"] == "urn:taskapp:problem:series-ends"
    assert "last occurrence" in body["detail"]
    for task, due in ((once, "2027-01-04"), (ending, "2026-12-14")):
        current = (await client.get(f"{TASKS}/{task['id']}", headers=account.headers)).json()
        assert current["due_on"] == due

    unknown = await client.post(
        f"{TASKS}/{task['id']}/skip", json={"version": 0}, headers=account.headers
    )
    assert invalid_fields(unknown) == ["body.version"]
    extra = await client.post(
        f"{TASKS}/{task['id']}/skip", json={"version": 1, "to": "x"}, headers=account.headers
    )
    assert invalid_fields(extra) == ["body.to"]


async def test_another_users_task_cannot_be_skipped(client: httpx.AsyncClient) -> None:
    owner = await register_and_login(client)
    other = await register_and_login(client)
    task = await create_task(client, owner, due_on="2027-01-04", recurrence="FREQ=DAILY")
    assert_problem(await skip(client, other, task), 404)
    current = await client.get(f"{TASKS}/{task['id']}", headers=owner.headers)
    assert (current.json()["due_on"], current.json()["version"]) == ("2027-01-04", task["version"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": "2027-01-01", "recurrence": "FREQ=HOURLY"}, "at most daily"),
        ({"due_on": "2027-01-01", "recurrence": "FREQ=DAILY;BYHOUR=9,17"}, "BYHOUR"),
        ({"due_on": "2027-01-01", "recurrence": "FREQ=DAILY;COUNT=3"}, "COUNT"),
        ({"due_on": "2027-01-01", "recurrence": "every monday"}, "RRULE"),
        ({"due_on": "2027-01-01", "recurrence": "FREQ=WEEKLY;BYDAY=XX"}, "not a valid RRULE"),
        ({"recurrence": "FREQ=DAILY"}, "needs a due"),
        (
            {"due_on": "2027-01-01", "recurrence": "FREQ=DAILY;UNTIL=20261231"},
            "no occurrence after the task's due",
        ),
        # Past the end of the calendar: no occurrence, not a server error.
        (
            {"due_on": "9999-12-30", "recurrence": "FREQ=YEARLY"},
            "no occurrence after the task's due",
        ),
        (
            {"due_on": "2027-01-01", "recurrence": "FREQ=DAILY;INTERVAL=999999999"},
            "no occurrence after the task's due",
        ),
        (
            {"due_date": "9999-12-31T12:00:00Z", "recurrence": "FREQ=DAILY"},
            "no occurrence after the task's due",
        ),
        # 30 February never comes.
        (
            {"due_on": "2027-01-01", "recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"},
            "no occurrence after the task's due",
        ),
    ],
)
async def test_a_rule_that_cannot_recur_is_422_naming_the_field(
    client: httpx.AsyncClient, account: Account, fields: dict[str, Any], message: str
) -> None:
    response = await client.post(TASKS, json={"title": "x", **fields}, headers=account.headers)
    body = assert_problem(response, 422)
    assert message in " ".join(error["message"] for error in body["errors"]), body
    assert {error["field"] for error in body["errors"]} <= {"body", "body.recurrence"}


async def test_a_recurring_task_keeps_a_due_while_it_recurs(
    client: httpx.AsyncClient, account: Account
) -> None:
    task = await create_task(client, account, due_on="2027-01-04", recurrence="FREQ=WEEKLY")
    cleared = await client.patch(
        f"{TASKS}/{task['id']}", json={"due_on": None}, headers=account.headers
    )
    body = assert_problem(cleared, 422)
    assert [error["field"] for error in body["errors"]] == ["body.recurrence"]
    both = await client.patch(
        f"{TASKS}/{task['id']}", json={"due_on": None, "recurrence": None}, headers=account.headers
    )
    assert (both.json()["due_on"], both.json()["recurrence"]) == (None, None)
    # Without a rule, completing is just completing: no roll, no completion recorded.
    done = await complete(client, account, both.json())
    assert done["status"] == "done"
    assert await completions(client, account, task["id"]) == []


async def test_another_users_completions_are_not_found(client: httpx.AsyncClient) -> None:
    owner = await register_and_login(client)
    other = await register_and_login(client)
    task = await create_task(client, owner, due_on="2027-01-04", recurrence="FREQ=DAILY")
    await complete(client, owner, task)
    response = await client.get(f"{TASKS}/{task['id']}/completions", headers=other.headers)
    assert_problem(response, 404)
    assert len(await completions(client, owner, task["id"])) == 1


# --- Today and the agenda --------------------------------------------------------------------

# 20:00Z on 10 March 2027: still the 10th in Berlin (21:00), already the 11th in Tokyo (05:00).
NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr("taskapp.tasks.agenda.utcnow", lambda: NOW)
    return NOW


def view_titles(tasks: list[dict[str, Any]]) -> list[str]:
    return [task["title"] for task in tasks]


async def test_today_is_the_users_local_day(
    client: httpx.AsyncClient, frozen_clock: datetime
) -> None:
    """The same instant is today for one user and tomorrow for another."""
    berlin = await register_and_login(client)
    tokyo = await register_and_login(client)
    await set_zone(client, berlin, "Europe/Berlin")
    await set_zone(client, tokyo, "Asia/Tokyo")
    for account in (berlin, tokyo):
        for title, fields in [
            ("day 11th", {"due_on": "2027-03-11"}),
            ("11th 10:00Z", {"due_date": "2027-03-11T10:00:00Z"}),  # Berlin 11:00, Tokyo 19:00
            ("10th 16:00Z", {"due_date": "2027-03-10T16:00:00Z"}),  # Berlin 17:00, Tokyo 01:00
            ("day 10th", {"due_on": "2027-03-10"}),
            ("day 9th", {"due_on": "2027-03-09"}),
            ("9th 22:59Z", {"due_date": "2027-03-09T22:59:00Z"}),  # Berlin 23:59 on the 9th
            ("done 9th", {"due_on": "2027-03-09", "status": "done"}),
            ("done 10th", {"due_on": "2027-03-10", "status": "done"}),
            ("no due", {}),
        ]:
            await create_task(client, account, title=title, **fields)

    berlin_view = (await client.get(f"{TASKS}/today", headers=berlin.headers)).json()
    assert (berlin_view["time_zone"], berlin_view["date"]) == ("Europe/Berlin", "2027-03-10")
    # All-day tasks first, then by time; overdue by due.
    assert view_titles(berlin_view["today"]) == ["day 10th", "10th 16:00Z"]
    assert view_titles(berlin_view["overdue"]) == ["day 9th", "9th 22:59Z"]

    tokyo_view = (await client.get(f"{TASKS}/today", headers=tokyo.headers)).json()
    assert (tokyo_view["time_zone"], tokyo_view["date"]) == ("Asia/Tokyo", "2027-03-11")
    assert view_titles(tokyo_view["today"]) == ["day 11th", "10th 16:00Z", "11th 10:00Z"]
    assert view_titles(tokyo_view["overdue"]) == ["day 9th", "9th 22:59Z", "day 10th"]
    # Whole TaskPublic objects, as GET /tasks/{id} returns them.
    first = tokyo_view["today"][0]
    assert first == (await client.get(f"{TASKS}/{first['id']}", headers=tokyo.headers)).json()

    # Tomorrow for Berlin is Tokyo's today: Berlin's Upcoming shows it on the 11th.
    upcoming = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-03-11", "to": "2027-03-24"},
        headers=berlin.headers,
    )
    assert upcoming.status_code == 200, upcoming.text
    days = upcoming.json()["days"]
    assert upcoming.json()["time_zone"] == "Europe/Berlin"
    assert [day["date"] for day in days] == [
        str(date(2027, 3, 11) + timedelta(days=n)) for n in range(14)
    ]
    assert view_titles(days[0]["tasks"]) == ["day 11th", "11th 10:00Z"]
    assert all(day["tasks"] == [] for day in days[1:])


async def test_a_write_and_a_zone_change_show_in_today_at_once(
    client: httpx.AsyncClient, account: Account, frozen_clock: datetime
) -> None:
    """Today is cached like every read: a write or a new zone must not serve the old answer."""
    await create_task(client, account, title="day 11th", due_on="2027-03-11")
    assert (await client.get(f"{TASKS}/today", headers=account.headers)).json()["today"] == []
    await set_zone(client, account, "Asia/Tokyo")
    view = (await client.get(f"{TASKS}/today", headers=account.headers)).json()
    assert view_titles(view["today"]) == ["day 11th"]
    task = view["today"][0]
    await complete(client, account, task)
    assert (await client.get(f"{TASKS}/today", headers=account.headers)).json()["today"] == []


async def test_the_agenda_groups_by_local_day_across_a_dst_change(
    client: httpx.AsyncClient, account: Account
) -> None:
    await set_zone(client, account, "Europe/Berlin")
    # 28 March 2027 has 23 hours in Berlin: 23:30 local is 21:30Z; the next day 00:30 is 22:30Z.
    await create_task(client, account, title="28th late", due_date="2027-03-28T21:30:00Z")
    await create_task(client, account, title="29th early", due_date="2027-03-28T22:30:00Z")
    # 22:30Z on the 27th is 23:30 CET on the 27th (outside); 23:30Z is 00:30 on the 28th.
    await create_task(client, account, title="27th late", due_date="2027-03-27T22:30:00Z")
    await create_task(client, account, title="28th early", due_date="2027-03-27T23:30:00Z")
    await create_task(client, account, title="day 29th", due_on="2027-03-29")
    response = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-03-28", "to": "2027-03-29"},
        headers=account.headers,
    )
    days = {day["date"]: view_titles(day["tasks"]) for day in response.json()["days"]}
    assert days == {
        "2027-03-28": ["28th early", "28th late"],
        "2027-03-29": ["day 29th", "29th early"],
    }


async def test_within_a_day_the_most_urgent_come_first_in_today_and_the_agenda(
    client: httpx.AsyncClient, account: Account, frozen_clock: datetime
) -> None:
    """A busy calendar day shows its first three tasks: those must be the ones that matter.
    All-day tasks, then by time of day; within either, by priority (urgent first)."""
    day = frozen_clock.date().isoformat()  # the account is in UTC
    at_noon = f"{day}T12:00:00Z"
    for title, fields in [
        ("low all day", {"priority": "low"}),
        ("urgent at noon", {"priority": "urgent", "due_date": at_noon}),
        ("medium all day", {"priority": "medium"}),
        ("low at noon", {"priority": "low", "due_date": at_noon}),
        ("urgent all day", {"priority": "urgent"}),
        ("high all day", {"priority": "high"}),
        ("low at nine", {"priority": "low", "due_date": f"{day}T09:00:00Z"}),
    ]:
        due = {} if "due_date" in fields else {"due_on": day}
        await create_task(client, account, title=title, **due, **fields)
    expected = [
        "urgent all day",
        "high all day",
        "medium all day",
        "low all day",
        "low at nine",
        "urgent at noon",
        "low at noon",
    ]
    today_view = (await client.get(f"{TASKS}/today", headers=account.headers)).json()
    assert view_titles(today_view["today"]) == expected
    response = await client.get(
        f"{TASKS}/agenda", params={"from": day, "to": day}, headers=account.headers
    )
    assert view_titles(response.json()["days"][0]["tasks"]) == expected


def repeats_of(agenda_json: dict[str, Any], task_id: str) -> dict[str, str]:
    """day -> the occurrence's due (its due day, or its due time) of one task's repeats."""
    return {
        day["date"]: repeat["due_on"] or repeat["due_date"]
        for day in agenda_json["days"]
        for repeat in day["repeats"]
        if repeat["task_id"] == task_id
    }


async def test_the_agenda_shows_a_repeating_task_on_its_later_occurrences_from_today(
    client: httpx.AsyncClient, frozen_clock: datetime
) -> None:
    """Today is 10 March 2027 in Berlin. A repeating task shows on its own due in `tasks` and on
    each later occurrence in `repeats`, from today on, as completing it would roll it: a due time
    keeps its local time across the DST change of 28 March, a series ends at its UNTIL."""
    account = await register_and_login(client)
    other = await register_and_login(client)
    await set_zone(client, account, "Europe/Berlin")
    weekly = await create_task(
        client, account, title="weekly", due_on="2027-03-11", recurrence="FREQ=WEEKLY"
    )
    # Two days behind: 09:00 in Berlin (08:00Z in winter).
    daily = await create_task(
        client, account, title="daily", due_date="2027-03-08T08:00:00Z", recurrence="FREQ=DAILY"
    )
    ending = await create_task(
        client,
        account,
        title="ending",
        due_on="2027-03-12",
        recurrence="FREQ=WEEKLY;UNTIL=20270320",
    )
    await create_task(
        client, account, title="done", due_on="2027-03-11", recurrence="FREQ=DAILY", status="done"
    )
    await create_task(client, account, title="one-off", due_on="2027-03-15")
    await create_task(client, other, title="theirs", due_on="2027-03-11", recurrence="FREQ=DAILY")

    async def march() -> dict[str, Any]:
        response = await client.get(
            f"{TASKS}/agenda",
            params={"from": "2027-03-01", "to": "2027-03-31"},
            headers=account.headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    body = await march()
    assert repeats_of(body, weekly["id"]) == {
        "2027-03-18": "2027-03-18",
        "2027-03-25": "2027-03-25",
    }
    assert repeats_of(body, ending["id"]) == {"2027-03-19": "2027-03-19"}
    daily_repeats = repeats_of(body, daily["id"])
    assert sorted(daily_repeats) == [f"2027-03-{day:02}" for day in range(10, 32)]
    assert daily_repeats["2027-03-10"] == "2027-03-10T08:00:00Z"
    assert daily_repeats["2027-03-27"] == "2027-03-27T08:00:00Z"
    assert daily_repeats["2027-03-28"] == "2027-03-28T07:00:00Z"  # 09:00 CEST
    # The tasks themselves, whole, as GET /tasks/{id} returns them; nobody else's.
    assert sorted(task["title"] for task in body["repeating"]) == ["daily", "ending", "weekly"]
    for task in body["repeating"]:
        assert task == (await client.get(f"{TASKS}/{task['id']}", headers=account.headers)).json()
    days = {day["date"]: view_titles(day["tasks"]) for day in body["days"]}
    assert days["2027-03-11"] == ["weekly"]
    assert days["2027-03-18"] == []

    # Completing rolls the task onto its next occurrence: the answer follows at once.
    await complete(client, account, weekly)
    body = await march()
    days = {day["date"]: view_titles(day["tasks"]) for day in body["days"]}
    assert days["2027-03-11"] == []
    assert days["2027-03-18"] == ["weekly"]
    assert repeats_of(body, weekly["id"]) == {"2027-03-25": "2027-03-25"}

    # A range before today projects nothing, and an agenda without repeats says so.
    before = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-03-01", "to": "2027-03-09"},
        headers=account.headers,
    )
    assert before.json()["repeating"] == []
    assert all(day["repeats"] == [] for day in before.json()["days"])


async def test_the_agenda_keeps_the_earliest_occurrences_when_there_are_too_many(
    client: httpx.AsyncClient,
    account: Account,
    frozen_clock: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the bound the last days lose their repeats, not some tasks all of theirs."""
    monkeypatch.setattr(agenda, "REPEATS_LIMIT", 5)
    for title in ("a", "b"):
        await create_task(
            client, account, title=title, due_on="2027-03-10", recurrence="FREQ=DAILY"
        )
    response = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-03-11", "to": "2027-03-20"},
        headers=account.headers,
    )
    counts = [len(day["repeats"]) for day in response.json()["days"]]
    assert counts == [2, 2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert sorted(task["title"] for task in response.json()["repeating"]) == ["a", "b"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2027-03-11", "to": "2027-03-10"},
        {"from": "2027-01-01", "to": "2027-03-04"},  # 63 days
        {"from": "2027-01-01"},
        {"from": "soon", "to": "2027-01-02"},
    ],
)
async def test_an_agenda_range_that_is_inverted_or_too_long_is_422(
    client: httpx.AsyncClient, account: Account, params: dict[str, str]
) -> None:
    assert_problem(await client.get(f"{TASKS}/agenda", params=params, headers=account.headers), 422)


async def test_the_longest_agenda_is_62_days(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(
        f"{TASKS}/agenda",
        params={"from": "2027-01-01", "to": "2027-03-03"},
        headers=account.headers,
    )
    assert len(response.json()["days"]) == 62


async def test_today_and_upcoming_read_the_tasks_they_show_not_the_users_others(
    app: FastAPI,
) -> None:
    """EXPLAIN of every statement Today and a 14-day agenda run, over SEEDED tasks (due from 10
    days ago to 9 days ahead, some on due days): PostgreSQL reads about the rows it returns (the
    partial indexes over open tasks), SQLite never scans the table."""
    async with client_for(app) as http:
        account = await register_and_login(http)
        await seed_tasks(app, account.user_id, {}, due_days=True)
        view = await http.get(f"{TASKS}/today", headers=account.headers)
        day = date.fromisoformat(view.json()["date"])
        upcoming = await http.get(
            f"{TASKS}/agenda",
            params={"from": str(day + timedelta(days=1)), "to": str(day + timedelta(14))},
            headers=account.headers,
        )
    assert view.status_code == upcoming.status_code == 200
    shown = len(view.json()["overdue"]) + sum(len(d["tasks"]) for d in upcoming.json()["days"])
    assert 0 < shown < SEEDED / 2
    engine: AsyncEngine = app.state.services.read_engine
    owner, zone = uuid.UUID(account.user_id), ZoneInfo("UTC")
    reads = [
        *agenda.today_reads(engine.dialect.name, owner, zone, day),
        agenda.agenda_read(
            engine.dialect.name, owner, zone, day + timedelta(days=1), day + timedelta(days=14)
        ),
        agenda.repeating_read(engine.dialect.name, owner, zone, day + timedelta(days=14)),
    ]
    for statement, params in reads:
        compiled = statement.statement.compile(dialect=engine.dialect)
        positional = [
            params.get(name, compiled.params[name]) for name in compiled.positiontup or ()
        ]
        async with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                raw = await connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}", tuple(positional)
                )
                document = raw.scalar_one()
                plan = (json.loads(document) if isinstance(document, str) else document)[0]
                returned = int(plan["Plan"]["Actual Rows"])
                read = task_rows_read(plan["Plan"])
                assert read <= 2 * returned + 50, json.dumps(plan)
            else:
                rows = await connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}",
                    tuple(p.hex if isinstance(p, uuid.UUID) else p for p in positional),
                )
                details = [str(row[-1]) for row in rows]
                assert not any(d.startswith("SCAN tasks") for d in details), details


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
async def test_days_at_the_ends_of_the_calendar_are_answered_not_500(
    client: httpx.AsyncClient, account: Account, zone: str
) -> None:
    await set_zone(client, account, zone)
    await create_task(client, account, title="last day", due_on="9999-12-30")
    await create_task(client, account, title="first day", due_on="0001-01-02")
    await create_task(client, account, title="last time", due_date="9999-12-31T23:00:00Z")
    for day in ("0001-01-01", "9999-12-31"):  # PostgreSQL would store them as -/+infinity
        refused = await client.post(
            TASKS, json={"title": "x", "due_on": day}, headers=account.headers
        )
        assert invalid_fields(refused) == ["body.due_on"]
    assert sorted(await titles(client, account, due_from="0001-01-01", due_to="9999-12-31")) == [
        "first day",
        "last day",
        "last time",
    ]
    for params in (
        {"from": "9999-12-01", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-31"},
    ):
        response = await client.get(f"{TASKS}/agenda", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        shown = [task["title"] for day in response.json()["days"] for task in day["tasks"]]
        # 9999-12-31T23:00Z is already in year 10000 in Tokyo: on no listed day there.
        expected = {
            "0001-01-01": ["first day"],
            "9999-12-01": ["last day"] if zone == "Asia/Tokyo" else ["last day", "last time"],
        }
        assert shown == expected[params["from"]]
