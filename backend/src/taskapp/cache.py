"""Response cache: Redis when configured (shared by replicas), in-process otherwise.

Correctness never depends on the cache: every key embeds the owner's data version, which lives in
the database and is bumped in the same transaction as each write, so a read after a write can
only miss. Redis being down or slow costs a short timeout once, then a circuit keeps requests
away from it for a few seconds; reads fall through to the database.

Because a key can never name stale data, each replica may also keep recent entries in memory in
front of Redis (LayeredCache): a hit there skips a network round trip (ADR 0004).
"""

from __future__ import annotations

import time
from typing import Literal, Protocol

import structlog
from cachetools import TTLCache
from prometheus_client import CollectorRegistry, Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from taskapp.settings import Settings

log = structlog.get_logger(__name__)
CacheState = Literal["ok", "degraded", "disabled"]
CACHE_RESULTS = ("hit", "miss", "error")


def lookup_counter(registry: CollectorRegistry) -> Counter:
    """`cache_requests` by result; every result exists from the start (zeros, not gaps)."""
    counter = Counter("cache_requests", "Cache lookups", ["result"], registry=registry)
    for result in CACHE_RESULTS:
        counter.labels(result=result)
    return counter


class ResponseCache(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes) -> None: ...
    async def state(self) -> CacheState: ...
    async def close(self) -> None: ...


class NoCache:
    """TASKAPP_CACHE_TTL=0: every read goes to the database (used by the benchmark, too)."""

    async def get(self, key: str) -> bytes | None:
        return None

    async def set(self, key: str, value: bytes) -> None:
        return None

    async def state(self) -> CacheState:
        return "disabled"

    async def close(self) -> None:
        return None


class InMemoryCache:
    """One process (the embedded default): a bounded TTL dictionary."""

    def __init__(self, ttl_seconds: float, lookups: Counter, max_entries: int = 10_000) -> None:
        self._entries: TTLCache[str, bytes] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        self._lookups = lookups

    async def get(self, key: str) -> bytes | None:
        value = self._entries.get(key)
        self._lookups.labels(result="miss" if value is None else "hit").inc()
        return value

    async def set(self, key: str, value: bytes) -> None:
        self._entries[key] = value

    async def state(self) -> CacheState:
        return "ok"

    async def close(self) -> None:
        self._entries.clear()


class RedisCache:
    """Shared by every replica. Errors are counted, logged once per outage, and never raised."""

    def __init__(self, redis: Redis, settings: Settings, lookups: Counter) -> None:
        self._redis = redis
        self._ttl = max(1, round(settings.cache_ttl.total_seconds()))
        self._circuit_seconds = settings.cache_circuit_seconds
        self._open_until = 0.0
        self._lookups = lookups

    def _available(self) -> bool:
        return time.monotonic() >= self._open_until

    def _trip(self, exc: Exception) -> None:
        if self._available():
            log.warning(
                "cache_unavailable", error=type(exc).__name__, retry_in=self._circuit_seconds
            )
        self._open_until = time.monotonic() + self._circuit_seconds

    async def get(self, key: str) -> bytes | None:
        if not self._available():
            self._lookups.labels(result="error").inc()
            return None
        try:
            raw = await self._redis.get(key)
        except (RedisError, OSError) as exc:
            self._trip(exc)
            self._lookups.labels(result="error").inc()
            return None
        value = raw.encode() if isinstance(raw, str) else raw
        self._lookups.labels(result="miss" if value is None else "hit").inc()
        return value

    async def set(self, key: str, value: bytes) -> None:
        if not self._available():
            return
        try:
            await self._redis.set(key, value, ex=self._ttl)
        except (RedisError, OSError) as exc:
            self._trip(exc)

    async def state(self) -> CacheState:
        if not self._available():
            return "degraded"
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            self._trip(exc)
            return "degraded"
        return "ok"

    async def close(self) -> None:
        await self._redis.aclose()


class LayeredCache:
    """A small in-process TTL layer in front of Redis, bounded by the bytes it holds.

    Its TTL is short so that an operator flushing Redis sees the effect within seconds; entries
    cannot go stale otherwise, since every key carries the owner's data version.
    """

    def __init__(
        self, remote: RedisCache, ttl_seconds: float, max_bytes: int, lookups: Counter
    ) -> None:
        self._remote = remote
        self._max_bytes = max_bytes
        self._local: TTLCache[str, bytes] = TTLCache(
            maxsize=max_bytes, ttl=ttl_seconds, getsizeof=len
        )
        self._lookups = lookups

    async def get(self, key: str) -> bytes | None:
        value = self._local.get(key)
        if value is not None:
            self._lookups.labels(result="hit").inc()
            return value
        value = await self._remote.get(key)  # counts its own hit, miss or error
        if value is not None:
            self._remember(key, value)
        return value

    async def set(self, key: str, value: bytes) -> None:
        self._remember(key, value)
        await self._remote.set(key, value)

    def _remember(self, key: str, value: bytes) -> None:
        if len(value) <= self._max_bytes:  # TTLCache refuses a single value larger than the bound
            self._local[key] = value

    async def state(self) -> CacheState:
        return await self._remote.state()

    async def close(self) -> None:
        self._local.clear()
        await self._remote.close()


def redis_client(settings: Settings) -> Redis | None:
    """Short timeouts and no retries: a slow Redis must cost milliseconds, not seconds."""
    if not settings.redis_url:
        return None
    return Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.cache_timeout_seconds,
        socket_connect_timeout=settings.cache_timeout_seconds,
        retry_on_timeout=False,
        health_check_interval=0,
    )


def build_cache(
    settings: Settings, registry: CollectorRegistry, redis: Redis | None
) -> ResponseCache:
    lookups = lookup_counter(registry)
    if settings.cache_ttl.total_seconds() <= 0:
        return NoCache()
    if redis is not None:
        remote = RedisCache(redis, settings, lookups)
        local_ttl = min(settings.cache_local_ttl, settings.cache_ttl).total_seconds()
        if local_ttl <= 0 or settings.cache_local_max_bytes <= 0:
            return remote
        return LayeredCache(remote, local_ttl, settings.cache_local_max_bytes, lookups)
    return InMemoryCache(settings.cache_ttl.total_seconds(), lookups)
