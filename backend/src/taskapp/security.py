"""Password hashing (argon2id, off the event loop, bounded) and JSON Web Tokens."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import unicodedata
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import jwt
from cachetools import LRUCache
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from taskapp.errors import ProblemError
from taskapp.settings import Settings

_T = TypeVar("_T")
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    # Set when the stored hash should be replaced: older argon2 parameters, or a password that
    # only matched in the form it was typed before passwords were normalized.
    new_hash: str | None = None


@functools.cache
def _argon2_threads(workers: int) -> ThreadPoolExecutor:
    """One pool per process (per size), never shut down: an app per test would otherwise leave
    a pool behind each time, whose threads exit when it is collected, and a thread exiting while
    the garbage collector runs made the suite hang in greenlet's thread-state clean-up."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")


def normalize_password(password: str) -> str:
    """NFC: the same characters typed on another keyboard (composed or not) hash alike."""
    return unicodedata.normalize("NFC", password)


class PasswordHasher:
    """argon2id hashing off the event loop, at most `password_hash_concurrency` at a time.

    argon2 takes 64 MiB and a core for ~0.1-0.3 s per call: unbounded, a login flood grows
    memory past any limit and starves every other request. A call that cannot get a slot within
    `password_hash_wait_seconds` fails fast with a 503 instead of queueing without bound.
    """

    def __init__(self, settings: Settings) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.password_time_cost,
                    memory_cost=settings.password_memory_cost,
                ),
            )
        )
        self._slots = asyncio.Semaphore(settings.password_hash_concurrency)
        # Threads of their own, as many as slots. Not at a lower CPU priority: a niced thread
        # holding the GIL (pwdlib's Python around argon2) made the event loop wait on it under
        # load; the test suite stalled for minutes on the shared 2-core machine.
        self._threads = _argon2_threads(settings.password_hash_concurrency)
        self._wait = settings.password_hash_wait_seconds
        # Verified against when the email is unknown, so both failures cost the same time.
        self._dummy_hash = self._hash.hash(uuid.uuid4().hex)

    async def _run(self, func: Callable[..., _T], *args: Any) -> _T:
        try:
            async with asyncio.timeout(self._wait):
                await self._slots.acquire()
        except TimeoutError:
            raise ProblemError(
                503,
                "Too many sign-ins are being checked right now; retry in a moment.",
                problem_type="password-hashing-busy",
                headers={"Retry-After": "1"},
            ) from None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, func, *args)
        finally:
            self._slots.release()

    async def hash(self, password: str) -> str:
        return await self._run(self._hash.hash, normalize_password(password))

    async def verify(self, password: str, password_hash: str | None) -> Verification:
        if password_hash is None:
            await self._run(self._hash.verify, password, self._dummy_hash)
            return Verification(valid=False)
        return await self._run(self._verify, password, password_hash)

    def _verify(self, password: str, password_hash: str) -> Verification:
        normalized = normalize_password(password)
        valid, updated = self._hash.verify_and_update(normalized, password_hash)
        if valid:
            return Verification(valid=True, new_hash=updated)
        # Hashes made before normalization hold the password as it was typed: accept that form
        # once and store the normalized hash, so the next login needs one computation.
        if normalized != password and self._hash.verify(password, password_hash):
            return Verification(valid=True, new_hash=self._hash.hash(normalized))
        return Verification(valid=False)


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired, of the wrong type or for another audience."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: uuid.UUID
    session_id: uuid.UUID
    token_id: uuid.UUID
    token_type: TokenType
    issued_at: datetime
    expires_at: datetime


class TokenCodec:
    """Signs and verifies our JWTs: one algorithm allowed, issuer/audience/type always checked."""

    REQUIRED_CLAIMS = ("exp", "iat", "sub", "jti", "sid", "type", "iss", "aud")

    def __init__(self, settings: Settings) -> None:
        self._key = settings.secret_key
        self._algorithm = settings.jwt_algorithm
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._verified: LRUCache[str, TokenClaims] = LRUCache(maxsize=10_000)

    def encode(
        self,
        *,
        subject: uuid.UUID,
        session_id: uuid.UUID,
        token_id: uuid.UUID,
        token_type: TokenType,
        issued_at: datetime,
        expires_at: datetime,
    ) -> str:
        payload: dict[str, Any] = {
            "sub": str(subject),
            "sid": str(session_id),
            "jti": str(token_id),
            "type": token_type,
            "iat": int(issued_at.timestamp()),
            "exp": int(expires_at.timestamp()),
            "iss": self._issuer,
            "aud": self._audience,
        }
        return jwt.encode(payload, self._key, algorithm=self._algorithm)

    def decode(
        self, token: str, expected_type: TokenType, now: datetime | None = None
    ) -> TokenClaims:
        now = now or datetime.now(UTC)
        # Verifying the signature is the costly part; a token verified before yields the same
        # claims, so only its expiry and type are checked again.
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            self._verified[token] = claims
        if claims.expires_at <= now:
            raise InvalidTokenError("the token has expired")
        if claims.token_type != expected_type:
            raise InvalidTokenError(f"expected a {expected_type} token")
        return claims

    def _verify(self, token: str) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],  # the allow-list: "none" and others are refused
                audience=self._audience,
                issuer=self._issuer,
                options={"require": list(self.REQUIRED_CLAIMS)},
            )
            if payload["type"] not in {"access", "refresh"}:
                raise InvalidTokenError("unknown token type")
            return TokenClaims(
                subject=uuid.UUID(payload["sub"]),
                session_id=uuid.UUID(payload["sid"]),
                token_id=uuid.UUID(payload["jti"]),
                token_type=payload["type"],
                issued_at=datetime.fromtimestamp(payload["iat"], UTC),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidTokenError(str(exc)) from exc


def token_digest(token: str) -> str:
    """What we store instead of a refresh token: its SHA-256 (the token is high-entropy)."""
    return hashlib.sha256(token.encode()).hexdigest()
