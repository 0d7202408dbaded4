"""Configuration: one pydantic-settings class, every field from a TASKAPP_* environment variable."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The development default: a guard below refuses it in production.
DEFAULT_SECRET_KEY = "changethis-development-only-secret-key"  # noqa: S105 - refused in production
MIN_PRODUCTION_SECRET_LENGTH = 32


def _seconds_or_iso(value: object) -> object:
    # "1800" from the environment means seconds; ISO 8601 durations ("PT30M") work too.
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


Duration = Annotated[timedelta, BeforeValidator(_seconds_or_iso)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKAPP_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///var/taskapp.db"
    redis_url: str | None = None
    secret_key: str = DEFAULT_SECRET_KEY
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    access_token_ttl: Duration = timedelta(minutes=30)
    refresh_token_ttl: Duration = timedelta(days=7)

    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "taskapp"
    jwt_audience: str = "taskapp-api"

    # argon2id cost; the defaults are pwdlib's recommendation, tests lower them for speed.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_cost: int = Field(default=65536, ge=1024)

    login_max_failures: int = Field(default=10, ge=1)
    login_failure_window: Duration = timedelta(minutes=15)

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    idempotency_ttl: Duration = timedelta(hours=24)
    # A fixed pool: overflow connections opened and closed about 11 times a second under load,
    # each costing both sides milliseconds (docs/adr/0006); waiters are served in order (db.py).
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)

    cache_ttl: Duration = timedelta(seconds=60)  # 0 disables the response cache
    cache_timeout_seconds: float = Field(default=0.05, gt=0)  # per Redis call
    cache_circuit_seconds: float = Field(default=5.0, ge=0)  # stay away this long after an error
    # In-process layer in front of Redis (0 turns it off); bounded by the bytes it holds.
    cache_local_ttl: Duration = timedelta(seconds=5)
    cache_local_max_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    # How long `taskapp serve` keeps an idle client connection open. Longer than any load
    # balancer's idle timeout (AWS ALB: 60 s), or the balancer reuses a connection the server is
    # closing and answers 502; the ingress chart's alb.idleTimeoutSeconds stays below it.
    keepalive_seconds: int = Field(default=75, ge=1)
    # On SIGTERM: stop accepting, let in-flight requests finish for at most this long, then exit.
    shutdown_grace_seconds: float = Field(default=25.0, gt=0)
    metrics_refresh_seconds: float = Field(default=15.0, gt=0)
    web_dir: Path | None = None
    log_level: str = "INFO"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # Accept "https://a, https://b" as well as a list.
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.env == "production" and (
            self.secret_key == DEFAULT_SECRET_KEY
            or len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH
        ):
            raise ValueError(
                "TASKAPP_SECRET_KEY must be set to a random value of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters when TASKAPP_ENV=production "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
