"""Configuration: one pydantic-settings class, every field from a TASKAPP_* environment variable."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from zxcvbn import zxcvbn

# The development default: a guard below refuses it in production.
DEFAULT_SECRET_KEY = "changethis-development-only-secret-key"  # noqa: S105 - refused in production
MIN_PRODUCTION_SECRET_LENGTH = 32
# zxcvbn's estimate of the guesses needed, as a power of ten: 10^30 is about 100 bits. Length
# alone let "kkkk...k" through; zxcvbn scores repeats, sequences, keyboard walks and words.
MIN_PRODUCTION_SECRET_GUESSES_LOG10 = 30
# zxcvbn's own input cap: a prefix this long that is hard enough makes the whole key so.
_SCORED_SECRET_LENGTH = 72


# Documents, images, archives and plain text; never a type a browser renders as a page or runs.
DEFAULT_ATTACHMENT_TYPES = (
    "application/pdf",
    "application/zip",
    "application/json",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "text/markdown",
)

# Refused even if configured: a browser would render or run them (stored XSS from a file).
ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-shockwave-flash",
    }
)


def secret_guesses_log10(secret: str) -> float:
    guesses: float = zxcvbn(secret[:_SCORED_SECRET_LENGTH])["guesses_log10"]
    return guesses


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
    # Where people reach the app (https://tasks.example.com): published project links are built
    # on it. Unset, they follow the request's host, which behind CloudFront is the ALB's origin
    # name rather than the one people use.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+/?$")
    access_token_ttl: Duration = timedelta(minutes=30)
    refresh_token_ttl: Duration = timedelta(days=7)

    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "taskapp"
    jwt_audience: str = "taskapp-api"

    # argon2id cost; the defaults are pwdlib's recommendation, tests lower them for speed.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_cost: int = Field(default=65536, ge=1024)

    # At most this many argon2 computations at once per process (64 MiB each at the default
    # cost); a sign-in that cannot get a slot within the wait answers 503 with Retry-After.
    # One per process: argon2 is CPU-bound, so more only competes with the event loop serving
    # signed-in requests (measured in `make chaos`'s login flood).
    password_hash_concurrency: int = Field(default=1, ge=1)
    password_hash_wait_seconds: float = Field(default=0.5, ge=0)

    # Failed logins per account *and* source: a flood from one source cannot lock the owner
    # out elsewhere. After the free failures each next try waits 1, 2, 4, ... s; at the maximum
    # the pair is blocked until failures leave the window.
    login_max_failures: int = Field(default=10, ge=1)
    login_free_failures: int = Field(default=3, ge=0)
    login_failure_window: Duration = timedelta(minutes=15)
    # Password guesses (logins, current_password) failed from one source, any account.
    source_max_password_failures: int = Field(default=100, ge=1)
    # Registrations attempted from one source, and failed refreshes from one source.
    source_max_registrations: int = Field(default=20, ge=1)
    source_max_refresh_failures: int = Field(default=30, ge=1)
    source_limit_window: Duration = timedelta(hours=1)
    # A refresh token presented again this soon by its session gets the same successor (two
    # tabs refreshing at once) instead of revoking the session as stolen.
    refresh_reuse_grace: Duration = timedelta(seconds=10)

    # Outgoing mail (taskapp/mail). No host: mails are written as .eml files under mail_dir
    # (`make run`), and the log line says where.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_from: str = "taskapp <noreply@taskapp.invalid>"
    # The most one delivery may take (connect, TLS, send); it happens after the response anyway.
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)
    mail_dir: Path = Path("var/mail")
    # Links sent by mail are single-use; a reset link is short-lived.
    password_reset_ttl: Duration = timedelta(minutes=30)
    email_verification_ttl: Duration = timedelta(days=3)
    # An invitation to a shared project (single-use, for the invited address only).
    invitation_ttl: Duration = timedelta(days=7)
    # Mail requests (password resets, verification resends) per address and per source.
    mail_max_per_address: int = Field(default=5, ge=1)
    source_max_mail_requests: int = Field(default=30, ge=1)
    # Invitations (each one mails its address) per inviting account and per invited address
    # within source_limit_window: no account, and no crowd of accounts, can flood an inbox.
    invitations_max_per_account: int = Field(default=30, ge=1)
    invitations_max_per_address: int = Field(default=5, ge=1)

    # The background worker (taskapp/worker, docs/adr/0018): reminders, digests, mail retries.
    # In-process: the job loop runs inside `taskapp serve` (unset: on for SQLite, off otherwise).
    worker_in_process: bool | None = None
    worker_poll_seconds: float = Field(default=5.0, gt=0)
    worker_metrics_port: int = Field(default=9102, ge=1, le=65535)
    # Loopback unless told (a laptop's `taskapp worker` is not for the network); the chart sets
    # 0.0.0.0 so that the kubelet's probes and Prometheus reach it, as the API's --host does.
    worker_metrics_host: str = "127.0.0.1"
    # /healthz answers 503 when the loop has not finished a tick for this long.
    worker_stuck_seconds: float = Field(default=120.0, gt=0)
    mail_max_attempts: int = Field(default=8, ge=1)

    # Live updates (GET /api/v1/events, docs/adr/0019). A comment line this often keeps proxies
    # from closing an idle stream (the ingress and ALB idle timeouts are above it) and is when a
    # revoked session's stream ends at the latest; a stream lasts at most events_max_seconds
    # (the client resumes it with Last-Event-ID, authenticated afresh); retry is the reconnect
    # delay the stream suggests to clients.
    events_heartbeat_seconds: float = Field(default=15.0, gt=0)
    events_max_seconds: float = Field(default=600.0, gt=0)
    events_retry_ms: int = Field(default=2000, ge=0)
    # Files on tasks (taskapp/attachments, docs/adr/0020). With a bucket they live in S3 and
    # move through presigned URLs; without one (`make run`) on local disk under attachments_dir,
    # through the app's own short-lived signed links. The endpoint URL is for S3-compatible
    # servers (moto in tests); unset, boto3 finds AWS's from the region.
    attachments_bucket: str | None = None
    attachments_region: str | None = None
    attachments_endpoint_url: str | None = None
    attachments_dir: Path = Path("var/attachments")
    attachments_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    attachments_max_per_task: int = Field(default=100, ge=1)
    # What the task owner's partition may hold in all (every project's files, its members' too).
    attachments_quota_bytes: int = Field(default=1024 * 1024 * 1024, ge=0)
    # MIME types accepted: none a browser would run or render as a page (HTML, SVG, XML, JS).
    attachments_allowed_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES)
    )
    # An upload URL lives long enough for a slow upload; a download URL only to be followed
    # at once, so a link shared or kept after access is lost soon stops working.
    attachments_upload_ttl: Duration = timedelta(minutes=10)
    attachments_download_ttl: Duration = timedelta(minutes=1)

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

    @field_validator("attachments_allowed_types", mode="before")
    @classmethod
    def _split_types(cls, value: object) -> object:
        if isinstance(value, str):
            value = [kind.strip() for kind in value.split(",") if kind.strip()]
        if isinstance(value, list):
            kinds = [str(kind).lower() for kind in value]
            active = sorted(set(kinds) & ACTIVE_CONTENT_TYPES)
            if active:
                raise ValueError(
                    f"TASKAPP_ATTACHMENTS_ALLOWED_TYPES lists {', '.join(active)}: a browser runs"
                    " or renders these as pages, so they are never accepted as attachments"
                )
            return kinds
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # Accept "https://a, https://b" as well as a list.
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.env != "production":
            return self
        if (
            self.secret_key == DEFAULT_SECRET_KEY
            or len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH
            or secret_guesses_log10(self.secret_key) < MIN_PRODUCTION_SECRET_GUESSES_LOG10
        ):
            raise ValueError(
                "TASKAPP_SECRET_KEY must be set to a random value of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters when TASKAPP_ENV=production; this one "
                "is too short or too easy to guess (repeats, sequences, words). Generate one "
                "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @model_validator(mode="after")
    def _refuse_any_origin_in_production(self) -> Settings:
        # With credentials allowed, "*" would let every site act as the signed-in user.
        if self.env == "production" and "*" in self.cors_origins:
            raise ValueError(
                "TASKAPP_CORS_ORIGINS must list the web app's origins (e.g. "
                "https://app.example.com) when TASKAPP_ENV=production, not '*'"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def runs_worker_in_process(self) -> bool:
        return self.is_sqlite if self.worker_in_process is None else self.worker_in_process


@lru_cache
def get_settings() -> Settings:
    return Settings()
