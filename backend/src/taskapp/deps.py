"""Process-wide core services and the request dependencies built on them, declared once as aliases.

Core only: nothing here names a domain. Each domain builds what it keeps per app (auth's login
throttle, tasks' cursor codec) with its own factory, which main.py puts on app.state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from opentelemetry.trace import NoOpTracer, Tracer
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from taskapp.cache import ResponseCache
from taskapp.changefeed import ChangeFeed
from taskapp.mail import Mailer
from taskapp.security import PasswordHasher, TokenCodec
from taskapp.settings import Settings


@dataclass(slots=True)
class Services:
    settings: Settings
    engine: AsyncEngine
    # Same pool, autocommit: one round trip per read-only query (no BEGIN/ROLLBACK around it).
    read_engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    hasher: PasswordHasher
    tokens: TokenCodec
    # One registry per app (several apps in one process, as in tests, never collide); every
    # layer registers its own metrics on it.
    registry: CollectorRegistry
    cache: ResponseCache
    redis: Redis | None
    mailer: Mailer
    # Change notices after writes, and the live streams' subscriptions (docs/adr/0019).
    feed: ChangeFeed
    # For the spans the code opens itself; a no-op until setup_tracing installs a real one.
    tracer: Tracer = field(default_factory=NoOpTracer)


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(services: ServicesDep) -> AsyncIterator[AsyncSession]:
    async with services.session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
