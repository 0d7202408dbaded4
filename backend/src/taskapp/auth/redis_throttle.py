"""Login lockout shared by every replica: a sliding window per email in a Redis sorted set.

If Redis cannot be reached the in-process counter takes over, so logins keep working (with
per-replica counting) instead of failing.
"""

from __future__ import annotations

import math
import time
import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from taskapp.auth.throttle import InMemoryLoginThrottle
from taskapp.settings import Settings

log = structlog.get_logger(__name__)


class RedisLoginThrottle:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._max_failures = settings.login_max_failures
        self._window = settings.login_failure_window.total_seconds()
        self._fallback = InMemoryLoginThrottle(settings)

    @staticmethod
    def _key(email: str) -> str:
        return f"taskapp:v1:login-failures:{email}"

    async def retry_after(self, email: str) -> int | None:
        now = time.time()
        key = self._key(email)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(key, 0, now - self._window)
                pipe.zrange(key, -self._max_failures, -1, withscores=True)
                _, recent = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("login_throttle_fallback", error=type(exc).__name__)
            return await self._fallback.retry_after(email)
        if len(recent) < self._max_failures:
            return await self._fallback.retry_after(email)
        oldest_counted = float(recent[0][1])
        return max(1, math.ceil(oldest_counted + self._window - now))

    async def record_failure(self, email: str) -> None:
        now = time.time()
        key = self._key(email)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(key, {uuid.uuid4().hex: now})
                pipe.expire(key, math.ceil(self._window))
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("login_throttle_fallback", error=type(exc).__name__)
            await self._fallback.record_failure(email)

    async def reset(self, email: str) -> None:
        await self._fallback.reset(email)
        try:
            await self._redis.delete(self._key(email))
        except (RedisError, OSError) as exc:
            log.warning("login_throttle_fallback", error=type(exc).__name__)
