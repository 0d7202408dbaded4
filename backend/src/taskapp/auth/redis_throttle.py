"""Sign-in limits shared by every replica: a sliding window per (limit, key) in a Redis sorted set.

If Redis cannot be reached the in-process counter takes over, so sign-ins keep working (with
per-replica counting) instead of failing.
"""

from __future__ import annotations

import hashlib
import time
import uuid

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from taskapp.auth.throttle import InMemoryThrottle, Limit

log = structlog.get_logger(__name__)


class RedisThrottle:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._fallback = InMemoryThrottle()

    @staticmethod
    def _key(limit: Limit, key: str) -> str:
        # Hashed: keys hold emails and addresses, which need not sit in Redis in clear.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"taskapp:v2:throttle:{limit.name}:{digest}"

    async def retry_after(self, limit: Limit, key: str) -> int | None:
        now = time.time()
        name = self._key(limit, key)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, 0, now - limit.window_seconds)
                pipe.zrange(name, -limit.max_events, -1, withscores=True)
                _, recent = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("throttle_fallback", error=type(exc).__name__)
            return await self._fallback.retry_after(limit, key)
        times = [float(score) for _, score in recent]
        shared = limit.retry_after(times, len(times), now)
        # Counted here while Redis was away: still honoured after it is back.
        local = await self._fallback.retry_after(limit, key)
        waits = [wait for wait in (shared, local) if wait is not None]
        return max(waits) if waits else None

    async def record(self, limit: Limit, key: str) -> None:
        now = time.time()
        name = self._key(limit, key)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(name, {uuid.uuid4().hex: now})
                # Only the newest max_events matter to any decision: memory per key is bounded.
                pipe.zremrangebyrank(name, 0, -limit.max_events - 1)
                pipe.expire(name, max(1, int(limit.window_seconds) + 1))
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("throttle_fallback", error=type(exc).__name__)
            await self._fallback.record(limit, key)

    async def reset(self, limit: Limit, key: str) -> None:
        await self._fallback.reset(limit, key)
        try:
            await self._redis.delete(self._key(limit, key))
        except (RedisError, OSError) as exc:
            log.warning("throttle_fallback", error=type(exc).__name__)
