"""The response cache: fresh after every write on every replica, optional at run time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from taskapp.cache import LayeredCache
from taskapp.main import create_app
from taskapp.settings import Settings
from tests.conftest import (
    Account,
    RedisServer,
    assert_problem,
    client_for,
    login,
    register_and_login,
)

TASKS = "/api/v1/tasks"


def cache_counts(app: FastAPI) -> dict[str, float]:
    text = generate_latest(app.state.services.registry).decode()
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name == "cache_requests":
            for sample in family.samples:
                if sample.name == "cache_requests_total":
                    counts[sample.labels["result"]] = sample.value
    return counts


async def close(*apps: FastAPI) -> None:
    for app in apps:
        await app.state.services.cache.close()
        await app.state.services.engine.dispose()


@asynccontextmanager
async def signed_in(
    settings: Settings,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Account]]:
    """An app on these settings, a client of it and a new account signed in; the app's cache
    and engine are closed at the end."""
    app = create_app(settings)
    try:
        async with client_for(app) as http:
            yield app, http, await register_and_login(http)
    finally:
        await close(app)


async def test_repeated_reads_are_served_from_the_cache(
    make_settings: Callable[..., Settings],
) -> None:
    async with signed_in(make_settings()) as (app, http, account):
        task = (await http.post(TASKS, json={"title": "t"}, headers=account.headers)).json()
        before = cache_counts(app)
        for url in (TASKS, f"{TASKS}/{task['id']}", f"{TASKS}/stats"):
            first = await http.get(url, headers=account.headers)
            second = await http.get(url, headers=account.headers)
            assert first.status_code == second.status_code == 200
            assert first.content == second.content
            assert first.headers.get("etag") == second.headers.get("etag")
        after = cache_counts(app)
    assert after["hit"] - before["hit"] == 3
    assert after["miss"] - before["miss"] == 3


async def test_a_cached_task_still_answers_if_none_match(
    make_settings: Callable[..., Settings],
) -> None:
    async with signed_in(make_settings()) as (_app, http, account):
        task = (await http.post(TASKS, json={"title": "t"}, headers=account.headers)).json()
        url = f"{TASKS}/{task['id']}"
        await http.get(url, headers=account.headers)
        cached = await http.get(url, headers=account.if_none_match('"1"'))
        assert cached.status_code == 304


async def read_all(http: httpx.AsyncClient, headers: dict[str, str], task_id: str) -> list[Any]:
    listed = (await http.get(TASKS, headers=headers)).json()
    one = (await http.get(f"{TASKS}/{task_id}", headers=headers)).json()
    stats = (await http.get(f"{TASKS}/stats", headers=headers)).json()
    return [listed, one, stats]


async def test_two_replicas_never_serve_a_read_from_before_a_write(
    make_settings: Callable[..., Settings],
) -> None:
    # Two app instances sharing one database (and, in the PostgreSQL run, one Redis).
    replica_a, replica_b = create_app(make_settings()), create_app(make_settings())
    async with client_for(replica_a) as a, client_for(replica_b) as b:
        account = await register_and_login(a)
        task = (await a.post(TASKS, json={"title": "v0"}, headers=account.headers)).json()
        for step in range(1, 6):
            # Warm both caches, write through the other replica, read again at once.
            await read_all(a, account.headers, task["id"])
            await read_all(b, account.headers, task["id"])
            writer, reader = (b, a) if step % 2 else (a, b)
            patched = await writer.patch(
                f"{TASKS}/{task['id']}",
                json={"title": f"v{step}", "status": "done" if step % 2 else "pending"},
                headers=account.headers,
            )
            assert patched.status_code == 200
            listed, one, stats = await read_all(reader, account.headers, task["id"])
            assert one["title"] == f"v{step}"
            assert listed["items"][0]["title"] == f"v{step}"
            assert stats["by_status"]["done"] == (1 if step % 2 else 0)
        created = await b.post(TASKS, json={"title": "new"}, headers=account.headers)
        assert created.status_code == 201
        assert len((await a.get(TASKS, headers=account.headers)).json()["items"]) == 2
        deleted = await a.delete(f"{TASKS}/{task['id']}", headers=account.headers)
        assert deleted.status_code == 204
        assert_problem(await b.get(f"{TASKS}/{task['id']}", headers=account.headers), 404)
        assert (await b.get(f"{TASKS}/stats", headers=account.headers)).json()["total"] == 1
    await close(replica_a, replica_b)


async def test_an_idempotent_replay_does_not_invalidate(
    make_settings: Callable[..., Settings],
) -> None:
    async with signed_in(make_settings()) as (app, http, account):
        headers = {**account.headers, "Idempotency-Key": "same"}
        await http.post(TASKS, json={"title": "once"}, headers=headers)
        await http.get(TASKS, headers=account.headers)
        before = cache_counts(app)["hit"]
        replay = await http.post(TASKS, json={"title": "once"}, headers=headers)
        assert replay.headers["idempotent-replayed"] == "true"
        await http.get(TASKS, headers=account.headers)
        assert cache_counts(app)["hit"] == before + 1


async def test_redis_stopping_mid_run_degrades_to_the_database_without_errors(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    settings = make_settings(redis_url=redis_server.url, cache_circuit_seconds=0.5)
    async with signed_in(settings) as (app, http, account):
        task = (await http.post(TASKS, json={"title": "t"}, headers=account.headers)).json()
        await read_all(http, account.headers, task["id"])
        assert (await http.get("/ready")).json()["checks"]["cache"] == "ok"

        redis_server.stop()
        for i in range(5):
            started = time.perf_counter()
            listed, one, _stats = await read_all(http, account.headers, task["id"])
            assert time.perf_counter() - started < 1.0
            assert one["id"] == task["id"]
            assert listed["items"]
            created = await http.post(TASKS, json={"title": f"during {i}"}, headers=account.headers)
            assert created.status_code == 201
        ready = await http.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "cache": "degraded"}
        assert cache_counts(app)["error"] > 0
        # Logins keep working too (the lockout counter falls back to this process).
        again = await login(http, account.email, account.password)
        assert again.status_code == 200

        redis_server.start()
        await asyncio.sleep(0.6)  # the circuit closes again
        assert (await http.get("/ready")).json()["checks"]["cache"] == "ok"
        listed, _one, stats = await read_all(http, account.headers, task["id"])
        assert stats["total"] == 6
        assert len(listed["items"]) == 6


@pytest.fixture
async def silent_redis() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never answers: a hung Redis."""
    connections: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in connections:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_hung_redis_costs_one_short_timeout_then_is_skipped(
    make_settings: Callable[..., Settings], silent_redis: str
) -> None:
    settings = make_settings(
        redis_url=silent_redis, cache_timeout_seconds=0.05, cache_circuit_seconds=30
    )
    async with signed_in(settings) as (_app, http, account):
        timings = []
        for _ in range(10):
            started = time.perf_counter()
            response = await http.get(TASKS, headers=account.headers)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        ready = await http.get("/ready")
    assert ready.json()["checks"]["cache"] == "degraded"
    assert max(timings) < 1.0
    assert sum(timings[1:]) / 9 < 0.25  # the open circuit skips Redis entirely


async def test_the_lockout_is_shared_by_replicas_through_redis(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    settings = make_settings(redis_url=redis_server.url, login_max_failures=3)
    replica_a, replica_b = create_app(settings), create_app(settings)
    async with client_for(replica_a) as a, client_for(replica_b) as b:
        account = await register_and_login(a)
        for http in (a, b, a):
            await login(http, account.email, "wrong password")
        locked = await login(b, account.email, account.password)
        assert_problem(locked, 429)
        assert 0 < int(locked.headers["retry-after"]) <= 900
    await close(replica_a, replica_b)


async def test_the_redis_lockout_ends_with_its_window(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    settings = make_settings(
        redis_url=redis_server.url,
        login_max_failures=2,
        login_failure_window=timedelta(seconds=1),
    )
    async with signed_in(settings) as (_app, http, account):
        for _ in range(2):
            await login(http, account.email, "wrong password")
        assert_problem(
            await login(http, account.email, account.password),
            429,
        )
        await asyncio.sleep(1.1)
        ok = await login(http, account.email, account.password)
        assert ok.status_code == 200


async def test_cache_ttl_zero_disables_caching(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(cache_ttl=timedelta(0))
    async with signed_in(settings) as (app, http, account):
        await http.get(TASKS, headers=account.headers)
        await http.get(TASKS, headers=account.headers)
        assert (await http.get("/ready")).json()["checks"]["cache"] == "disabled"
    assert cache_counts(app) == {"hit": 0, "miss": 0, "error": 0}


async def test_entries_expire_after_their_ttl(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    for redis_url in (None, redis_server.url):
        settings = make_settings(redis_url=redis_url, cache_ttl=timedelta(seconds=1))
        async with signed_in(settings) as (app, http, account):
            await http.get(TASKS, headers=account.headers)
            await asyncio.sleep(1.2)
            misses = cache_counts(app)["miss"]
            await http.get(TASKS, headers=account.headers)
            assert cache_counts(app)["miss"] == misses + 1, redis_url


async def test_the_in_process_layer_answers_repeats_without_redis(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    """A repeat within the local TTL never reaches Redis: it still hits with Redis stopped, and
    a write (new data version) still misses the layer, so nothing stale is served."""
    settings = make_settings(redis_url=redis_server.url, cache_local_ttl=timedelta(seconds=30))
    async with signed_in(settings) as (app, http, account):
        task = (await http.post(TASKS, json={"title": "t"}, headers=account.headers)).json()
        warm = await read_all(http, account.headers, task["id"])
        redis_server.stop()
        before = cache_counts(app)
        assert await read_all(http, account.headers, task["id"]) == warm
        after = cache_counts(app)
        assert after["hit"] - before["hit"] == 3
        assert after.get("error", 0) == before.get("error", 0)

        patched = await http.patch(
            f"{TASKS}/{task['id']}", json={"title": "changed"}, headers=account.headers
        )
        assert patched.status_code == 200
        listed, one, _stats = await read_all(http, account.headers, task["id"])
        assert one["title"] == listed["items"][0]["title"] == "changed"
        redis_server.start()


async def test_the_in_process_layer_expires_and_can_be_turned_off(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    for local_ttl, expected_kind in ((timedelta(seconds=0.3), "expired"), (timedelta(0), "off")):
        settings = make_settings(redis_url=redis_server.url, cache_local_ttl=local_ttl)
        async with signed_in(settings) as (app, http, account):
            await http.get(TASKS, headers=account.headers)
            await asyncio.sleep(0.4)
            redis_server.stop()
            try:
                errors = cache_counts(app).get("error", 0)
                response = await http.get(TASKS, headers=account.headers)
                assert response.status_code == 200
                # Nothing local left to answer from: the read went to Redis (down) and then to
                # the database.
                assert cache_counts(app)["error"] == errors + 1, expected_kind
            finally:
                redis_server.start()


async def test_the_in_process_layer_is_bounded_by_bytes(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    app = create_app(make_settings(redis_url=redis_server.url, cache_local_max_bytes=1000))
    cache = app.state.services.cache
    assert isinstance(cache, LayeredCache)
    for index in range(10):
        await cache.set(f"taskapp:test:{index}", b"x" * 300)
    await cache.set("taskapp:test:huge", b"y" * 5000)  # larger than the bound: Redis only
    redis_server.stop()
    try:
        kept = [await cache.get(f"taskapp:test:{index}") for index in range(10)]
        assert sum(len(value) for value in kept if value is not None) <= 1000
        assert kept[-1] == b"x" * 300  # the most recent survive
        assert await cache.get("taskapp:test:huge") is None
    finally:
        redis_server.start()
    await close(app)
