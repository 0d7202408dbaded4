"""Accounts and sessions: registration, login, rotation, reuse detection, logout, token checks."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy import text

from taskapp.db import create_engine
from taskapp.security import token_digest
from taskapp.settings import Settings
from tests.conftest import (
    PASSWORD,
    TEST_SECRET,
    Account,
    assert_problem,
    login,
    register_and_login,
    serving,
    unique_email,
)


async def _refresh(http: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


async def _logout(http: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await http.post("/api/v1/auth/logout", json={"refresh_token": refresh_token})


async def test_register_returns_the_public_user_with_a_lower_cased_email(
    client: httpx.AsyncClient,
) -> None:
    email = unique_email("MiXeD").replace("example.com", "Example.COM")
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Ada Lovelace"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "email",
        "full_name",
        "is_active",
        "time_zone",
        "week_start",
        "email_verified",
        "created_at",
    }
    assert body["week_start"] is None  # the browser's language decides until the user chooses
    assert body["email"] == email.lower()
    assert body["email_verified"] is False
    assert body["full_name"] == "Ada Lovelace"
    assert body["is_active"] is True
    uuid.UUID(body["id"])
    assert response.headers["cache-control"] == "no-store"


async def test_duplicate_email_in_any_case_is_a_conflict(client: httpx.AsyncClient) -> None:
    email = unique_email()
    first = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert first.status_code == 201
    again = await client.post(
        "/api/v1/auth/register", json={"email": email.upper(), "password": PASSWORD}
    )
    body = assert_problem(again, 409)
    assert "already exists" in body["detail"]


@pytest.mark.parametrize("password", ["short77", "x" * 129])
async def test_password_outside_8_to_128_characters_is_rejected(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": unique_email(), "password": password}
    )
    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["body.password"]


async def test_invalid_email_and_unknown_fields_are_named_in_errors(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": "not-an-email", "password": PASSWORD, "is_active": False},
    )
    body = assert_problem(response, 422)
    assert {error["field"] for error in body["errors"]} == {"body.email", "body.is_active"}


async def test_login_returns_a_bearer_pair_and_sets_the_refresh_cookie(
    client: httpx.AsyncClient,
) -> None:
    email = unique_email()
    await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    response = await login(client, email.upper(), PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "bearer"
    # The account comes along, exactly as GET /users/me answers it: no second round trip.
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert body["user"] == me.json()
    assert body["user"]["email"] == email
    assert body["expires_in"] == 1800
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"refresh_token={body['refresh_token']};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/api/v1/auth" in cookie
    assert "Secure" not in cookie  # development mode over plain http
    assert response.headers["cache-control"] == "no-store"


async def test_refresh_cookie_is_secure_in_production(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(env="production")) as http:
        account = await register_and_login(http)
        response = await _refresh(http, account.refresh_token)
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]


async def test_unknown_email_and_wrong_password_get_the_same_401(
    client: httpx.AsyncClient, account: Account
) -> None:
    wrong_password = await login(client, account.email, "not the password")
    unknown_email = await login(client, unique_email(), "not the password")
    body_a = assert_problem(wrong_password, 401)
    body_b = assert_problem(unknown_email, 401)
    assert {k: v for k, v in body_a.items() if k != "instance"} == {
        k: v for k, v in body_b.items() if k != "instance"
    }
    assert wrong_password.headers["www-authenticate"] == "Bearer"


async def test_unknown_email_costs_as_much_time_as_a_wrong_password(
    make_settings: Callable[..., Settings],
) -> None:
    # Real argon2 cost here, so hashing dominates and a missing dummy hash would show.
    async with serving(make_settings(password_time_cost=2, password_memory_cost=32768)) as http:
        account = await register_and_login(http)

        async def timed(email: str) -> float:
            started = time.perf_counter()
            response = await login(http, email, "wrong password")
            assert response.status_code == 401
            return time.perf_counter() - started

        # Interleaved, so a busy machine slows both kinds alike.
        known_times, unknown_times = [], []
        for _ in range(7):
            known_times.append(await timed(account.email))
            unknown_times.append(await timed(unique_email()))
        known, unknown = statistics.median(known_times), statistics.median(unknown_times)
    # Without the dummy hash an unknown email answers ~50x faster; noise stays well inside 3x.
    assert 1 / 3 < unknown / known < 3, (known, unknown)


async def test_oauth2_password_form_logs_in_for_swagger(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post(
        "/api/v1/auth/token", data={"username": account.email, "password": account.password}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    bad = await client.post(
        "/api/v1/auth/token", data={"username": "not an email", "password": "whatever"}
    )
    body = assert_problem(bad, 422)
    assert body["errors"][0]["field"] == "body.username"


async def test_refresh_rotates_and_the_old_token_is_spent(
    client: httpx.AsyncClient, account: Account
) -> None:
    rotated = await _refresh(client, account.refresh_token)
    assert rotated.status_code == 200
    pair = rotated.json()
    assert pair["refresh_token"] != account.refresh_token
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200
    assert pair["user"] == me.json()  # a page load needs only the refresh to know its user
    # The next rotation from the new token works too.
    again = await _refresh(client, pair["refresh_token"])
    assert again.status_code == 200


async def test_reused_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, account: Account
) -> None:
    first = (await _refresh(client, account.refresh_token)).json()
    second = (await _refresh(client, first["refresh_token"])).json()

    replay = await _refresh(client, account.refresh_token)
    body = assert_problem(replay, 401)
    assert body["type"] == "urn:taskapp:problem:refresh-token-reused"

    newest = await _refresh(client, second["refresh_token"])
    assert_problem(newest, 401)
    access = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert_problem(access, 401)


async def test_a_reuse_within_the_grace_window_gets_the_same_successor(
    client: httpx.AsyncClient, account: Account
) -> None:
    # Two tabs refreshing with one token at the same moment: both get the one successor.
    first, second = await asyncio.gather(
        *(_refresh(client, account.refresh_token) for _ in range(2))
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    pair = first.json()
    # The same tokens (expires_in may read a second less for the later answer).
    assert {k: second.json()[k] for k in ("access_token", "refresh_token")} == {
        k: pair[k] for k in ("access_token", "refresh_token")
    }
    assert pair["refresh_token"] != account.refresh_token
    # The session lives on: the successor's access token works and it rotates again.
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200
    again = await _refresh(client, pair["refresh_token"])
    assert again.status_code == 200


async def test_a_reuse_after_the_grace_window_revokes_the_family(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(refresh_reuse_grace=timedelta(0))) as http:
        account = await register_and_login(http)
        first = await _refresh(http, account.refresh_token)
        assert first.status_code == 200
        replay = await _refresh(http, account.refresh_token)
        assert assert_problem(replay, 401)["type"] == "urn:taskapp:problem:refresh-token-reused"
        successor = await _refresh(http, first.json()["refresh_token"])
        assert_problem(successor, 401)


async def test_reuse_in_one_family_leaves_other_sessions_alone(client: httpx.AsyncClient) -> None:
    account = await register_and_login(client)
    other = await login(client, account.email, account.password)
    first = await _refresh(client, account.refresh_token)
    await _refresh(client, first.json()["refresh_token"])
    replay = await _refresh(client, account.refresh_token)
    assert_problem(replay, 401)
    still_ok = await _refresh(client, other.json()["refresh_token"])
    assert still_ok.status_code == 200


async def test_refresh_and_logout_accept_the_cookie(client: httpx.AsyncClient) -> None:
    account = await register_and_login(client)  # the client keeps the refresh cookie
    rotated = await client.post("/api/v1/auth/refresh")
    assert rotated.status_code == 200
    access = rotated.json()["access_token"]
    logout = await client.post("/api/v1/auth/logout")
    assert logout.status_code == 204
    assert 'refresh_token=""' in logout.headers["set-cookie"]
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {access}"})
    assert_problem(me, 401)
    assert account.email


async def test_refresh_without_any_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/refresh")
    assert_problem(response, 401)


async def test_logout_revokes_the_family_and_its_access_tokens(
    client: httpx.AsyncClient, account: Account
) -> None:
    before = await client.get("/api/v1/users/me", headers=account.headers)
    assert before.status_code == 200
    logout = await _logout(client, account.refresh_token)
    assert logout.status_code == 204
    after = await client.get("/api/v1/users/me", headers=account.headers)
    body = assert_problem(after, 401)
    assert "ended" in body["detail"]
    refresh = await _refresh(client, account.refresh_token)
    assert_problem(refresh, 401)


async def test_logout_with_a_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    response = await _logout(client, "garbage")
    assert_problem(response, 401)


def _claims(account: Account, **overrides: object) -> dict[str, object]:
    decoded = jwt.decode(account.access_token, options={"verify_signature": False})
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        **decoded,
        "jti": str(uuid.uuid4()),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    token_type = overrides.pop("token_type", None)
    if token_type:
        claims["type"] = token_type
    claims.update(overrides)
    return claims


def _sign(claims: dict[str, object], key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


async def test_a_token_we_sign_ourselves_is_accepted(
    client: httpx.AsyncClient, account: Account
) -> None:
    # The control for the forgery tests below: only the altered part makes them fail.
    token = _sign(_claims(account))
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "forge"),
    [
        ("alg none", lambda c: jwt.encode(c, "", algorithm="none")),
        ("wrong key", lambda c: _sign(c, key="another-secret-key-of-decent-length-000000")),
        ("other algorithm", lambda c: _sign(c, algorithm="HS512")),
        ("expired", lambda c: _sign({**c, "exp": int(time.time()) - 10})),
        ("wrong audience", lambda c: _sign({**c, "aud": "someone-else"})),
        ("wrong issuer", lambda c: _sign({**c, "iss": "evil"})),
        ("refresh used as access", lambda c: _sign({**c, "type": "refresh"})),
        ("missing jti", lambda c: _sign({k: v for k, v in c.items() if k != "jti"})),
        ("unknown session", lambda c: _sign({**c, "sid": str(uuid.uuid4())})),
        ("malformed subject", lambda c: _sign({**c, "sub": "not-a-uuid"})),
        ("not a jwt", lambda c: "abc.def.ghi"),
    ],
)
async def test_forged_or_unsuitable_access_tokens_are_rejected(
    client: httpx.AsyncClient,
    account: Account,
    name: str,
    forge: Callable[[dict[str, object]], str],
) -> None:
    token = forge(_claims(account))
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer", name
    assert "token" in body["detail"] or "session" in body["detail"]


async def test_an_access_token_cannot_be_used_to_refresh(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await _refresh(client, account.access_token)
    assert_problem(response, 401)


@pytest.mark.parametrize("send", [_refresh, _logout], ids=["refresh", "logout"])
async def test_a_signed_refresh_token_that_was_never_issued_is_rejected(
    client: httpx.AsyncClient,
    account: Account,
    send: Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]],
) -> None:
    forged = _sign(_claims(account, token_type="refresh"))
    response = await send(client, forged)
    assert_problem(response, 401)


async def test_missing_bearer_token_is_401_with_a_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/tasks")
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization" in body["detail"]


async def test_ten_failures_lock_the_account_from_that_source_even_for_the_right_password(
    client: httpx.AsyncClient, account: Account
) -> None:
    for _ in range(10):
        failed = await login(client, account.email, "wrong password")
        assert failed.status_code == 401
    locked = await login(client, account.email, account.password)
    body = assert_problem(locked, 429)
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "Too many" in body["detail"]
    # Another account is not affected.
    other = await register_and_login(client)
    assert other.access_token


async def test_the_lockout_ends_when_the_window_passes(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(
        make_settings(login_max_failures=2, login_failure_window=timedelta(seconds=1))
    ) as http:
        account = await register_and_login(http)
        for _ in range(2):
            await login(http, account.email, "wrong password")
        locked = await login(http, account.email, account.password)
        assert_problem(locked, 429)
        assert locked.headers["retry-after"] == "1"
        await _sleep(1.1)
        unlocked = await login(http, account.email, account.password)
        assert unlocked.status_code == 200


async def _sleep(seconds: float) -> None:
    import asyncio  # noqa: PLC0415

    await asyncio.sleep(seconds)


async def test_a_successful_login_clears_earlier_failures(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(login_max_failures=3)) as http:
        account = await register_and_login(http)
        for _ in range(2):
            await login(http, account.email, "wrong password")
        ok = await login(http, account.email, account.password)
        assert ok.status_code == 200
        for _ in range(2):
            await login(http, account.email, "wrong password")
        still_ok = await login(http, account.email, account.password)
        assert still_ok.status_code == 200


async def test_refresh_tokens_are_stored_only_as_digests(
    client: httpx.AsyncClient, account: Account, database_url: str
) -> None:
    rotated = (await _refresh(client, account.refresh_token)).json()
    engine = create_engine(Settings(database_url=database_url))
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM refresh_tokens"))).all()
        users = (await conn.execute(text("SELECT * FROM users"))).all()
    await engine.dispose()
    stored = " ".join(str(value) for row in rows for value in row)
    for token in (account.refresh_token, rotated["refresh_token"]):
        assert token not in stored
        assert token_digest(token) in stored
    assert account.password not in " ".join(str(v) for row in users for v in row)
