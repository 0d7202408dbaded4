"""Password hashing (argon2id, off the event loop) and JSON Web Tokens."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import jwt
from cachetools import LRUCache
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from starlette.concurrency import run_in_threadpool

from taskapp.settings import Settings

TokenType = Literal["access", "refresh"]


class PasswordHasher:
    """argon2id hashing; each call runs in a worker thread so the event loop never blocks."""

    def __init__(self, settings: Settings) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.password_time_cost,
                    memory_cost=settings.password_memory_cost,
                ),
            )
        )
        # Verified against when the email is unknown, so both failures cost the same time.
        self._dummy_hash = self._hash.hash(uuid.uuid4().hex)

    async def hash(self, password: str) -> str:
        return await run_in_threadpool(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        if password_hash is None:
            await run_in_threadpool(self._hash.verify, password, self._dummy_hash)
            return False
        return await run_in_threadpool(self._hash.verify, password, password_hash)


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
