"""What auth keeps per app (sign-in limits, metrics): built by main.py onto app.state.auth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from taskapp.auth.metrics import AuthMetrics
from taskapp.auth.redis_throttle import RedisThrottle
from taskapp.auth.throttle import AuthLimits, InMemoryThrottle, Throttle
from taskapp.settings import Settings


@dataclass(frozen=True, slots=True)
class AuthServices:
    throttle: Throttle
    limits: AuthLimits
    metrics: AuthMetrics


def build_auth_services(
    settings: Settings, redis: Redis | None, registry: CollectorRegistry
) -> AuthServices:
    # Shared by replicas through Redis when there is one; otherwise this process only.
    throttle: Throttle = RedisThrottle(redis) if redis else InMemoryThrottle()
    return AuthServices(
        throttle=throttle, limits=AuthLimits.from_settings(settings), metrics=AuthMetrics(registry)
    )


async def get_auth_services(request: Request) -> AuthServices:
    auth: AuthServices = request.app.state.auth
    return auth


AuthServicesDep = Annotated[AuthServices, Depends(get_auth_services)]
