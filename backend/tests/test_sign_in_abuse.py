"""Sign-in under abuse: argon2 outside any database connection and bounded, limits per source
and per account+source (so a lockout cannot be aimed), shared across replicas through Redis."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from taskapp.auth.wiring import build_auth_services
from taskapp.perf.driver import lending_pool_of
from taskapp.settings import Settings
from tests.conftest import (
    PASSWORD,
    RedisServer,
    app_on,
    assert_problem,
    login,
    register_and_login,
    unique_email,
)

PROBLEM = "urn:taskapp:problem:"


def from_source(application: FastAPI, address: str) -> httpx.AsyncClient:
    """A client whose requests reach the app from `address` (what uvicorn reports as the peer)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application, client=(address, 40000)),
        base_url="http://testserver",
    )


async def guess_wrong(http: httpx.AsyncClient, times: int, email: str | None = None) -> None:
    """`times` sign-ins with a wrong password, each refused with a 401: at `email`, or at a new
    unknown address each time."""
    for _ in range(times):
        assert (await login(http, email or unique_email(), "a wrong guess")).status_code == 401


def assert_throttled(response: httpx.Response, limit: str) -> int:
    body = assert_problem(response, 429)
    assert body["type"] == PROBLEM + limit
    retry_after = int(response.headers["Retry-After"])
    assert retry_after >= 1
    assert f"Retry in {retry_after} s" in body["detail"]
    assert response.headers["Cache-Control"] == "no-store"
    return retry_after


class HashSpy:
    """Wraps the app's argon2 (pwdlib) to see what holds while it runs: database connections
    checked out, how many hashes run at once; `gate` can hold a computation inside."""

    def __init__(self, application: FastAPI) -> None:
        hasher = application.state.services.hasher
        self._inner = hasher._hash
        hasher._hash = self
        self._pool = application.state.services.engine.pool
        # Its idle leases are checked out of the pool but held by no request (perf/lending.py).
        self._lending = lending_pool_of(application.state.services.engine)
        self._lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.connections_held: list[int] = []
        self.entered = threading.Event()
        self.gate: threading.Event | None = None

    def _around(self, func: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            idle_leases = self._lending.idle if self._lending is not None else 0
            self.connections_held.append(self._pool.checkedout() - idle_leases)
        self.entered.set()
        try:
            if self.gate is not None:
                self.gate.wait(5)
            else:
                time.sleep(0.05)  # long enough for concurrent calls to overlap
            return func(*args)
        finally:
            with self._lock:
                self.running -= 1

    def hash(self, password: str) -> str:
        return str(self._around(self._inner.hash, password))

    def verify(self, password: str, password_hash: str) -> bool:
        return bool(self._around(self._inner.verify, password, password_hash))

    def verify_and_update(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        result: tuple[bool, str | None] = self._around(
            self._inner.verify_and_update, password, password_hash
        )
        return result


@asynccontextmanager
async def app_and_source(
    settings: Settings, address: str
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app of its own on `settings` and a client whose requests come from `address`."""
    async with app_on(settings) as application, from_source(application, address) as http:
        yield application, http


@asynccontextmanager
async def spied_hashing(
    settings: Settings, address: str
) -> AsyncIterator[tuple[HashSpy, httpx.AsyncClient]]:
    """An app on `settings` with a HashSpy on its argon2, and a client from `address`."""
    async with app_and_source(settings, address) as (application, http):
        yield HashSpy(application), http


async def test_argon2_runs_with_no_database_connection_held(
    make_settings: Callable[..., Settings],
) -> None:
    async with spied_hashing(make_settings(), "10.0.0.1") as (spy, http):
        account = await register_and_login(http)  # register (hash) + login (verify)
        await login(http, account.email, "not the password")  # a failed verify
        await login(http, unique_email(), "not the password")  # an unknown email (dummy verify)
        changed = await http.post(
            "/api/v1/users/me/password",
            json={"current_password": PASSWORD, "new_password": "another fine passphrase"},
            headers=account.headers,
        )
        assert changed.status_code == 204, changed.text
        assert len(spy.connections_held) == 6  # register, 3 logins, change: verify + hash
        assert spy.connections_held == [0] * 6


async def test_concurrent_hashing_is_bounded_by_the_setting(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(password_hash_concurrency=2, password_hash_wait_seconds=30)
    async with spied_hashing(settings, "10.0.0.2") as (spy, http):
        responses = await asyncio.gather(
            *(login(http, unique_email(), "not the password") for _ in range(8))
        )
        assert [r.status_code for r in responses] == [401] * 8
        assert spy.peak == 2


async def test_saturated_hashing_answers_503_at_once(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(password_hash_concurrency=1, password_hash_wait_seconds=0.05)
    async with spied_hashing(settings, "10.0.0.3") as (spy, http):
        spy.gate = threading.Event()
        held = asyncio.create_task(login(http, unique_email(), "not the password"))
        assert await asyncio.to_thread(spy.entered.wait, 5)
        started = time.perf_counter()
        refused = await asyncio.gather(
            *(login(http, unique_email(), "not the password") for _ in range(3))
        )
        elapsed = time.perf_counter() - started
        spy.gate.set()
        assert (await held).status_code == 401
        for response in refused:
            body = assert_problem(response, 503)
            assert body["type"] == PROBLEM + "password-hashing-busy"
            assert response.headers["Retry-After"] == "1"
        assert elapsed < 1.0


@pytest.mark.parametrize(
    ("limit", "guesses", "guess_other_accounts", "problem", "attacker_ip", "owner_ip"),
    [
        # The account's own limit counts per account and source: it cannot be aimed at the owner.
        pytest.param(
            {"login_max_failures": 5},
            5,
            False,
            "too-many-login-attempts",
            "198.51.100.7",
            "203.0.113.9",
            id="guesses-at-one-account-do-not-lock-the-owner-out-elsewhere",
        ),
        pytest.param(
            {"source_max_password_failures": 3},
            3,
            True,
            "too-many-password-guesses-from-source",
            "198.51.100.8",
            "203.0.113.10",
            id="one-source-guessing-many-accounts-is-limited",
        ),
    ],
)
async def test_guesses_from_one_source_are_refused_there_and_the_owner_signs_in_elsewhere(
    make_settings: Callable[..., Settings],
    limit: dict[str, int],
    guesses: int,
    guess_other_accounts: bool,
    problem: str,
    attacker_ip: str,
    owner_ip: str,
) -> None:
    settings = make_settings(**limit)
    async with (
        app_on(settings) as application,
        from_source(application, attacker_ip) as attacker,
        from_source(application, owner_ip) as owner,
    ):
        account = await register_and_login(owner)
        await guess_wrong(attacker, guesses, None if guess_other_accounts else account.email)
        assert_throttled(await login(attacker, account.email, PASSWORD), problem)
        assert (await login(owner, account.email, PASSWORD)).status_code == 200


async def test_failures_past_the_free_ones_wait_progressively_longer(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(login_max_failures=10, login_free_failures=2)
    async with app_and_source(settings, "10.0.0.4") as (_, http):
        account = await register_and_login(http)
        await guess_wrong(http, 2, account.email)
        # The third try at once: wait 1 s (2^0) after the last failure.
        assert (
            assert_throttled(await login(http, account.email, PASSWORD), "too-many-login-attempts")
            == 1
        )
        await asyncio.sleep(1.05)
        await guess_wrong(http, 1, account.email)
        # Now 3 failures: 2^1 = 2 s.
        assert (
            assert_throttled(await login(http, account.email, PASSWORD), "too-many-login-attempts")
            == 2
        )


async def test_registrations_from_one_source_are_limited(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(source_max_registrations=2)
    async with app_and_source(settings, "10.0.0.5") as (application, http):
        for _ in range(2):
            await register_and_login(http)
        response = await http.post(
            "/api/v1/auth/register", json={"email": unique_email(), "password": PASSWORD}
        )
        assert_throttled(response, "too-many-registrations-from-source")
        async with from_source(application, "10.0.0.6") as other:
            await register_and_login(other)


async def test_failed_refreshes_from_one_source_are_limited(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(source_max_refresh_failures=2)
    async with app_and_source(settings, "10.0.0.7") as (_, http):
        account = await register_and_login(http)
        for _ in range(2):
            garbage = await http.post("/api/v1/auth/refresh", json={"refresh_token": "forged"})
            assert garbage.status_code == 401
        response = await http.post(
            "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
        )
        assert_throttled(response, "too-many-refresh-failures-from-source")


async def test_wrong_current_passwords_are_limited_per_account(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(login_max_failures=3)
    async with app_and_source(settings, "10.0.0.8") as (_, http):
        account = await register_and_login(http)

        async def change(current: str) -> httpx.Response:
            return await http.post(
                "/api/v1/users/me/password",
                json={"current_password": current, "new_password": "another fine passphrase"},
                headers=account.headers,
            )

        for _ in range(3):
            assert (await change("a wrong guess")).status_code == 422
        assert_throttled(await change(PASSWORD), "too-many-password-change-attempts")


async def test_source_limits_are_shared_by_replicas_through_redis(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    settings = make_settings(redis_url=redis_server.url, source_max_password_failures=2)
    async with app_and_source(settings, "198.51.100.9") as (_, http):
        await guess_wrong(http, 2)
        assert_throttled(
            await login(http, unique_email(), "a wrong guess"),
            "too-many-password-guesses-from-source",
        )
        # Another replica: its own process state, the same Redis. It sees the same count.
        other_redis = Redis.from_url(redis_server.url)
        try:
            replica = build_auth_services(settings, other_redis, CollectorRegistry())
            limit = replica.limits.password_source
            assert await replica.throttle.retry_after(limit, "198.51.100.9") is not None
            assert await replica.throttle.retry_after(limit, "203.0.113.1") is None
        finally:
            await other_redis.aclose()


@pytest.mark.parametrize("limit_setting", ["source_max_password_failures", "login_max_failures"])
async def test_limits_keep_counting_in_process_while_redis_is_down(
    make_settings: Callable[..., Settings], redis_server: RedisServer, limit_setting: str
) -> None:
    # Redis is down (the fixture's server stopped): calls fail over to the in-process counters.
    redis_server.stop()
    settings = make_settings(redis_url=redis_server.url, **{limit_setting: 2})
    async with app_and_source(settings, "10.0.0.9") as (_, http):
        email = unique_email()
        await guess_wrong(http, 2, email)
        assert (await login(http, email, "a wrong guess")).status_code == 429
