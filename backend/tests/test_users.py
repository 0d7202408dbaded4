"""The signed-in user's profile and password."""

from __future__ import annotations

import httpx

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
