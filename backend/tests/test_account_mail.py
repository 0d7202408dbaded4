"""Mailed links against a real SMTP server (aiosmtpd, started here on a free port): password
reset end to end, the same answer for unknown addresses, single-use and expiring links, email
verification; and mail that cannot be delivered never failing a request."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import update

from taskapp.auth.models import AccountToken
from taskapp.db import utcnow
from taskapp.mail import Mailer
from taskapp.main import create_app
from taskapp.security import token_digest
from taskapp.settings import Settings
from tests.conftest import (
    PASSWORD,
    Inbox,
    app_on,
    client_for,
    free_port,
    register_and_login,
    serving,
    smtp_settings,
    unique_email,
)

NEW_PASSWORD = "a different stapler horse"
API = "/api/v1"


@pytest.fixture(scope="module")
async def mail_app(
    make_settings: Callable[..., Settings], smtp: tuple[Inbox, int]
) -> AsyncIterator[FastAPI]:
    settings = make_settings(**smtp_settings(smtp[1]), public_url="https://tasks.example.com")
    async with app_on(settings) as application:
        yield application


APP_FIXTURE = "mail_app"  # the app conftest's `http` fixture is a client of


async def _delivered(app: FastAPI) -> None:
    await app.state.services.mailer.drain(10)


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def _token(message: EmailMessage, page: str) -> str:
    text, _ = _parts(message)
    (link,) = re.findall(r"https://\S+", text)
    parts = urlsplit(link)
    assert (parts.netloc, parts.path) == ("tasks.example.com", f"/{page}")
    token: str = parse_qs(parts.query)["token"][0]
    return token


def _emails_total(app: FastAPI, template: str, outcome: str) -> float:
    registry: CollectorRegistry = app.state.services.registry
    value = registry.get_sample_value(
        "taskapp_emails_total", {"template": template, "outcome": outcome}
    )
    return value or 0.0


async def _request_reset(http: httpx.AsyncClient, email: str) -> httpx.Response:
    return await http.post(f"{API}/auth/password-reset", json={"email": email})


async def test_a_reset_link_read_from_the_mail_sets_the_password_and_ends_every_session(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    account = await register_and_login(http)
    second = await http.post(
        f"{API}/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    requested = await _request_reset(http, account.email.upper())  # canonicalized like login

    assert requested.status_code == 202
    assert requested.headers["cache-control"] == "no-store"
    assert requested.json() == {
        "detail": "If an account uses this address, a link to reset its password is on its way."
    }
    await _delivered(mail_app)
    (mail,) = [m for m in inbox.to(account.email) if "password" in m["Subject"]]
    assert mail["From"] == "taskapp <noreply@taskapp.test>"
    assert mail["Subject"] == "Reset your taskapp password"
    assert mail["Message-ID"].endswith("@taskapp.test>")
    text, html = _parts(mail)
    token = _token(mail, "reset-password")
    assert "within 30 minutes" in text
    assert f'href="https://tasks.example.com/reset-password?token={token}"' in html

    confirmed = await http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204, confirmed.text

    # Both earlier sessions are over: their access and refresh tokens no longer work.
    for access in (account.access_token, second.json()["access_token"]):
        me = await http.get(f"{API}/users/me", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 401
        assert me.json()["detail"] == "This session has ended; log in again."
    refreshed = await http.post(
        f"{API}/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refreshed.status_code == 401
    old = await http.post(f"{API}/auth/login", json={"email": account.email, "password": PASSWORD})
    assert old.status_code == 401
    new = await http.post(
        f"{API}/auth/login", json={"email": account.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    account = await register_and_login(http)
    stranger = unique_email("nobody")
    sent_before = _emails_total(mail_app, "password_reset", "sent")

    known = await _request_reset(http, account.email)
    unknown = await _request_reset(http, stranger)

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert unknown.headers["content-type"] == known.headers["content-type"]
    await _delivered(mail_app)
    assert inbox.to(stranger) == []
    assert _emails_total(mail_app, "password_reset", "sent") == sent_before + 1


async def _reset_token(app: FastAPI, http: httpx.AsyncClient, inbox: Inbox, email: str) -> str:
    assert (await _request_reset(http, email)).status_code == 202
    await _delivered(app)
    mails = [m for m in inbox.to(email) if "password" in m["Subject"]]
    return _token(mails[-1], "reset-password")


async def _confirm(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )


def _invalid_link(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:taskapp:problem:invalid-link-token"
    assert body["detail"] == detail


@pytest.mark.parametrize(
    "links", [1, 2], ids=["the-link-works-once", "a-newer-link-burns-the-older"]
)
async def test_using_a_reset_link_spends_it_and_every_older_one(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int], links: int
) -> None:
    account = await register_and_login(http)
    tokens = [await _reset_token(mail_app, http, smtp[0], account.email) for _ in range(links)]

    assert (await _confirm(http, tokens[-1])).status_code == 204
    # With one link, the link just used; with two, the older one.
    _invalid_link(await _confirm(http, tokens[0]), "This link was already used. Ask for a new one.")


async def test_an_expired_reset_link_is_refused_and_changes_nothing(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    token = await _reset_token(mail_app, http, smtp[0], account.email)
    async with mail_app.state.services.session_factory() as session:
        await session.execute(
            update(AccountToken)
            .where(AccountToken.token_hash == token_digest(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()

    _invalid_link(await _confirm(http, token), "This link has expired. Ask for a new one.")
    me = await http.get(f"{API}/users/me", headers=account.headers)
    assert me.status_code == 200  # the session lives on
    login = await http.post(
        f"{API}/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_an_unknown_reset_token_is_refused(http: httpx.AsyncClient) -> None:
    _invalid_link(await _confirm(http, "x" * 43), "This link is not valid. Ask for a new one.")


async def test_a_reset_keeps_the_password_policy(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    token = await _reset_token(mail_app, http, smtp[0], account.email)

    weak = await http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": "password"}
    )
    as_email = await http.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": token, "new_password": account.email},
    )

    assert weak.status_code == 422
    assert as_email.status_code == 422
    assert as_email.json()["errors"][0]["type"] == "password_is_email"
    assert (await _confirm(http, token)).status_code == 204  # the link survived both


async def test_reset_requests_are_throttled_per_address_known_or_not(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(mail_max_per_address=2)) as http:
        stranger = unique_email("nobody")
        answers = [(await _request_reset(http, stranger)).status_code for _ in range(3)]
    assert answers == [202, 202, 429]


async def test_registration_mails_a_verification_link_that_verifies_the_address(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    email = unique_email()
    registered = await http.post(
        f"{API}/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "<b>Ada</b> & co"},
    )
    assert registered.status_code == 201
    assert registered.json()["email_verified"] is False
    await _delivered(mail_app)
    (mail,) = smtp[0].to(email)
    assert mail["Subject"] == "Confirm your email address for taskapp"
    text, html = _parts(mail)
    assert "Hello <b>Ada</b> & co," in text  # text is not HTML: kept as typed
    assert "Hello &lt;b&gt;Ada&lt;/b&gt; &amp; co," in html  # escaped in the HTML part
    token = _token(mail, "verify-email")

    verified = await http.post(f"{API}/auth/verify-email", json={"token": token})
    assert verified.status_code == 204
    login = await http.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await http.get(f"{API}/users/me", headers=headers)
    assert me.json()["email_verified"] is True
    again = await http.post(f"{API}/auth/verify-email", json={"token": token})
    _invalid_link(again, "This link was already used. Ask for a new one.")
    resend = await http.post(f"{API}/auth/verify-email/resend", headers=headers)
    assert resend.status_code == 409


async def test_a_resent_verification_link_works(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    resend = await http.post(f"{API}/auth/verify-email/resend", headers=account.headers)
    assert resend.status_code == 202
    await _delivered(mail_app)
    first, second = smtp[0].to(account.email)
    assert _token(first, "verify-email") != _token(second, "verify-email")

    verified = await http.post(
        f"{API}/auth/verify-email", json={"token": _token(second, "verify-email")}
    )
    assert verified.status_code == 204
    me = await http.get(f"{API}/users/me", headers=account.headers)
    assert me.json()["email_verified"] is True


async def test_a_reset_token_does_not_verify_an_address(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    token = await _reset_token(mail_app, http, smtp[0], account.email)
    _invalid_link(
        await http.post(f"{API}/auth/verify-email", json={"token": token}),
        "This link is not valid. Ask for a new one.",
    )


async def test_an_unreachable_smtp_server_fails_no_request(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(
        make_settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout_seconds=2)
    )
    async with client_for(app) as http:
        account = await register_and_login(http)
        reset = await _request_reset(http, account.email)
        await _delivered(app)
    await app.state.services.engine.dispose()
    assert reset.status_code == 202
    assert _emails_total(app, "email_verification", "failed") == 1
    assert _emails_total(app, "password_reset", "failed") == 1


async def test_without_an_smtp_host_mail_is_written_to_the_mail_folder(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    mailer = Mailer(make_settings(mail_dir=tmp_path / "mail"), CollectorRegistry())
    mailer.send_later(
        "password_reset",
        "ada@example.com",
        {"name": None, "email": "ada@example.com", "link": "http://x/r?token=t", "minutes": 30},
    )
    await mailer.drain(10)

    (path,) = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "ada@example.com"
    assert "http://x/r?token=t" in _parts(message)[0]
