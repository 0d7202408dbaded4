"""Account inputs: one canonical email per address, passwords compared in NFC (old hashes keep
verifying), common or email-like passwords refused."""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select, update

from taskapp import migrate
from taskapp.auth.models import User
from taskapp.settings import Settings
from tests.conftest import (
    PASSWORD,
    Account,
    assert_problem,
    login,
    register_and_login,
    unique_email,
)

# "café crème brûlée" typed composed (NFC) and decomposed (NFD, as some keyboards send it).
NFC_PASSWORD = unicodedata.normalize("NFC", "café crème brûlée 42")
NFD_PASSWORD = unicodedata.normalize("NFD", NFC_PASSWORD)


async def register(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await http.post("/api/v1/auth/register", json={"email": email, "password": password})


@pytest.mark.parametrize(
    "look_alike",
    [
        "ｖｉｃｔｉｍ-{tag}@example.com",  # full-width letters (NFKC)  # noqa: RUF001
        "VICTIM-{tag}@EXAMPLE.COM",
        "Victim-{tag}@Example.com",
    ],
)
async def test_look_alike_emails_are_the_same_account(
    client: httpx.AsyncClient, look_alike: str
) -> None:
    tag = unique_email().split("@")[0]
    email = f"victim-{tag}@example.com"
    assert (await register(client, email)).status_code == 201
    duplicate = await register(client, look_alike.format(tag=tag))
    assert assert_problem(duplicate, 409)["type"] == "urn:taskapp:problem:conflict"
    assert (await login(client, look_alike.format(tag=tag), PASSWORD)).status_code == 200


async def test_emails_are_stored_case_folded(client: httpx.AsyncClient) -> None:
    tag = unique_email().split("@")[0]
    response = await register(client, f"STRASSE-{tag}@Example.com")
    assert response.status_code == 201
    # Case folding, not lower-casing: "ß" and "ss" are one address.
    assert response.json()["email"] == f"strasse-{tag}@example.com"
    assert (await login(client, f"straße-{tag}@example.com", PASSWORD)).status_code == 200


async def test_a_password_typed_decomposed_opens_an_account_registered_composed(
    client: httpx.AsyncClient,
) -> None:
    account = await register_and_login(client, password=NFC_PASSWORD)
    assert (await login(client, account.email, NFD_PASSWORD)).status_code == 200


async def test_a_hash_made_before_normalization_verifies_once_and_is_replaced(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    account = await register_and_login(client)
    # As the old code stored it: the decomposed password, hashed as typed.
    hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024),))
    factory = app.state.services.session_factory
    async with factory() as session:
        await session.execute(
            update(User)
            .where(User.email == account.email)
            .values(password_hash=hasher.hash(NFD_PASSWORD))
        )
        await session.commit()

    assert (await login(client, account.email, NFD_PASSWORD)).status_code == 200

    async with factory() as session:
        stored = await session.scalar(select(User.password_hash).where(User.email == account.email))
    assert stored is not None
    assert hasher.verify(NFC_PASSWORD, stored)  # rehashed in the normalized form
    assert (await login(client, account.email, NFC_PASSWORD)).status_code == 200


@pytest.mark.parametrize("password", ["12345678", "password", "Password1", " " * 8, "qwertyuiop"])
async def test_common_or_trivial_passwords_are_refused(
    client: httpx.AsyncClient, password: str
) -> None:
    body = assert_problem(await register(client, unique_email(), password), 422)
    assert body["errors"][0]["field"] == "body.password"
    assert body["errors"][0]["type"] == "weak_password"


@pytest.mark.parametrize("which", ["email", "local part"])
async def test_a_password_equal_to_the_email_is_refused(
    client: httpx.AsyncClient, which: str
) -> None:
    email = unique_email("long-enough-name")
    password = email.upper() if which == "email" else email.split("@")[0]
    body = assert_problem(await register(client, email, password), 422)
    assert body["errors"][0] == {
        "field": "body.password",
        "message": "The password must not be the email address or its local part.",
        "type": "password_is_email",
    }


async def test_a_new_password_must_not_be_common_or_the_email(
    client: httpx.AsyncClient, account: Account
) -> None:
    for new_password, kind in (
        (account.email, "password_is_email"),
        ("password1", "weak_password"),
    ):
        response = await client.post(
            "/api/v1/users/me/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=account.headers,
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == "body.new_password"
        assert body["errors"][0]["type"] == kind


def test_the_migration_folds_existing_emails_to_their_canonical_form(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fold.db"
    migrate.upgrade(url, "0003")
    stored = [
        ("ｖｉｃｔｉｍ@example.com", "2026-01-01 00:00:00"),  # noqa: RUF001 - full-width on purpose
        ("straße@example.com", "2026-01-02 00:00:00"),
        ("strasse@example.com", "2026-01-03 00:00:00"),  # newer: keeps its address
        ("plain@example.com", "2026-01-04 00:00:00"),
    ]
    engine = sa.create_engine(url.replace("+aiosqlite", ""))
    with engine.begin() as conn:
        for email, created in stored:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, password_hash, is_active, created_at,"
                    " updated_at) VALUES (:id, :email, 'x', 1, :created, :created)"
                ),
                {"id": uuid.uuid4().hex, "email": email, "created": created},
            )
    migrate.upgrade(url)
    with engine.connect() as conn:
        emails = conn.execute(sa.text("SELECT email FROM users ORDER BY created_at")).scalars()
        assert list(emails) == [
            "victim@example.com",
            "straße@example.com",  # its canonical form is another account's: left alone
            "strasse@example.com",
            "plain@example.com",
        ]
    engine.dispose()
