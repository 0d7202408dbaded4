"""The signed-in user's profile and password."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Account, assert_problem, login


async def _change_password(
    http: httpx.AsyncClient, account: Account, current: str, new: str
) -> httpx.Response:
    return await http.post(
        "/api/v1/users/me/password",
        json={"current_password": current, "new_password": new},
        headers=account.headers,
    )


async def test_me_returns_the_public_profile(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get("/api/v1/users/me", headers=account.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == account.email
    assert body["id"] == account.user_id
    assert "password_hash" not in body
    assert "password" not in response.text


async def test_patch_me_changes_and_clears_the_full_name(
    client: httpx.AsyncClient, account: Account
) -> None:
    named = await client.patch(
        "/api/v1/users/me", json={"full_name": "  Grace Hopper "}, headers=account.headers
    )
    assert named.status_code == 200
    assert named.json()["full_name"] == "Grace Hopper"
    cleared = await client.patch(
        "/api/v1/users/me", json={"full_name": None}, headers=account.headers
    )
    assert cleared.json()["full_name"] is None


async def test_the_week_start_is_the_browsers_until_chosen_and_null_gives_it_back(
    client: httpx.AsyncClient, account: Account
) -> None:
    me = "/api/v1/users/me"
    assert (await client.get(me, headers=account.headers)).json()["week_start"] is None
    chosen = await client.patch(me, json={"week_start": "sunday"}, headers=account.headers)
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["week_start"] == "sunday"
    # Only the fields sent change, and another session reads it (the profile, not the browser).
    await client.patch(me, json={"full_name": "Ada"}, headers=account.headers)
    other = await login(client, account.email, account.password)
    other_headers = {"Authorization": f"Bearer {other.json()['access_token']}"}
    assert other.json()["user"]["week_start"] == "sunday"
    assert (await client.get(me, headers=other_headers)).json()["week_start"] == "sunday"
    cleared = await client.patch(me, json={"week_start": None}, headers=account.headers)
    assert cleared.json()["week_start"] is None
    assert cleared.json()["full_name"] == "Ada"


@pytest.mark.parametrize("value", ["Monday", "friday", "", 1, ["sunday"]])
async def test_a_week_start_that_is_not_a_day_it_knows_is_422_naming_the_field(
    client: httpx.AsyncClient, account: Account, value: object
) -> None:
    me = "/api/v1/users/me"
    await client.patch(me, json={"week_start": "saturday"}, headers=account.headers)
    response = await client.patch(
        me, json={"week_start": value, "full_name": "Not saved"}, headers=account.headers
    )
    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["body.week_start"]
    unchanged = (await client.get(me, headers=account.headers)).json()
    assert (unchanged["week_start"], unchanged["full_name"]) == ("saturday", None)


async def test_patch_me_cannot_change_the_email_or_activation(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.patch(
        "/api/v1/users/me",
        json={"full_name": "x", "email": "evil@example.com", "is_active": False},
        headers=account.headers,
    )
    body = assert_problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"body.email", "body.is_active"}


async def test_password_change_ends_every_other_session(
    client: httpx.AsyncClient, account: Account
) -> None:
    other = (await login(client, account.email, account.password)).json()
    changed = await _change_password(client, account, account.password, "a brand new password")
    assert changed.status_code == 204
    # This session goes on; the other one is over, access and refresh alike.
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200
    other_access = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {other['access_token']}"}
    )
    assert_problem(other_access, 401)
    other_refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}
    )
    assert_problem(other_refresh, 401)
    old = await login(client, account.email, account.password)
    assert_problem(old, 401)
    new = await login(client, account.email, "a brand new password")
    assert new.status_code == 200


async def test_password_change_needs_the_current_password(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await _change_password(client, account, "not it at all", "a brand new password")
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "body.current_password"
    still = await login(client, account.email, account.password)
    assert still.status_code == 200


async def test_new_password_follows_the_length_rule(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await _change_password(client, account, account.password, "short")
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "body.new_password"
