"""Shared projects (issue 19): invitations mailed through a real SMTP server (aiosmtpd) and
accepted by the invited address only, the members list, roles changed and members removed by
the owner, leaving, and the owner (the last one) unable to leave."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from taskapp.main import create_app
from taskapp.settings import Settings
from tests import test_account_mail as mail
from tests.conftest import (
    Account,
    Inbox,
    assert_problem,
    client_for,
    register_and_login,
    smtp_settings,
    unique_email,
)
from tests.test_account_mail import _delivered, _parts

# The app mailing to the module's real SMTP server (conftest's smtp), as the account-mail tests
# use it; conftest's `http` is a client of it.
mail_app = mail.mail_app
APP_FIXTURE = "mail_app"

API = "/api/v1"


async def _project(http: httpx.AsyncClient, owner: Account, name: str = "Team") -> str:
    created = await http.post(f"{API}/projects", json={"name": name}, headers=owner.headers)
    assert created.status_code == 201, created.text
    project_id: str = created.json()["id"]
    return project_id


async def _invite(
    http: httpx.AsyncClient, owner: Account, project_id: str, email: str, role: str
) -> httpx.Response:
    return await http.post(
        f"{API}/projects/{project_id}/invitations",
        json={"email": email, "role": role},
        headers=owner.headers,
    )


async def _mailed_token(app: FastAPI, inbox: Inbox, email: str) -> str:
    await _delivered(app)
    message = inbox.to(email)[-1]
    text, html = _parts(message)
    (link,) = re.findall(r"https://\S+", text)
    parts = urlsplit(link)
    assert (parts.netloc, parts.path) == ("tasks.example.com", "/invitations/accept")
    assert link.replace("&", "&amp;") in html
    token: str = parse_qs(parts.query)["token"][0]
    return token


async def _accept(http: httpx.AsyncClient, account: Account, token: str) -> httpx.Response:
    return await http.post(
        f"{API}/invitations/accept", json={"token": token}, headers=account.headers
    )


async def _members(http: httpx.AsyncClient, account: Account, project_id: str) -> Any:
    return await http.get(f"{API}/projects/{project_id}/members", headers=account.headers)


async def test_an_invitation_mailed_to_an_address_makes_its_account_a_member_with_the_role(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    owner = await register_and_login(http)
    guest = await register_and_login(http)
    project_id = await _project(http, owner, "Launch")
    invited = await _invite(http, owner, project_id, guest.email.upper(), "editor")
    assert invited.status_code == 201, invited.text
    assert invited.json()["email"] == guest.email  # stored in the canonical form
    assert "token" not in invited.json()
    token = await _mailed_token(mail_app, smtp[0], guest.email)  # mailed to the canonical one
    subject = smtp[0].messages[-1]["Subject"]
    assert "Launch" in subject

    pending = await http.get(f"{API}/projects/{project_id}/invitations", headers=owner.headers)
    assert [each["email"] for each in pending.json()["items"]] == [guest.email]

    accepted = await _accept(http, guest, token)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"project_id": project_id, "role": "editor"}
    listed = await _members(http, guest, project_id)
    assert listed.status_code == 200
    assert [(m["email"], m["role"]) for m in listed.json()["items"]] == [
        (owner.email, "owner"),
        (guest.email, "editor"),
    ]
    assert (await http.get(f"{API}/projects/{project_id}", headers=guest.headers)).json()[
        "name"
    ] == "Launch"
    pending = await http.get(f"{API}/projects/{project_id}/invitations", headers=owner.headers)
    assert pending.json()["items"] == []
    # The guest's project list shows it after their own Inbox, with their role.
    listed = (await http.get(f"{API}/projects", headers=guest.headers)).json()["items"]
    assert [(p["name"], p["role"]) for p in listed] == [("Inbox", "owner"), ("Launch", "editor")]
    again = await _accept(http, guest, token)
    assert assert_problem(again, 400)["detail"] == "This invitation was already accepted."


async def test_only_the_invited_address_can_accept_and_the_link_stays_usable_for_it(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    owner = await register_and_login(http)
    guest = await register_and_login(http)
    intruder = await register_and_login(http)
    project_id = await _project(http, owner)
    assert (await _invite(http, owner, project_id, guest.email, "viewer")).status_code == 201
    token = await _mailed_token(mail_app, smtp[0], guest.email)

    refused = await _accept(http, intruder, token)
    assert assert_problem(refused, 403)["type"].endswith("invitation-for-another-address")
    assert (await _members(http, intruder, project_id)).status_code == 404
    assert (await _accept(http, guest, token)).json()["role"] == "viewer"
    forged = await _accept(http, guest, "x" * 43)
    assert assert_problem(forged, 400)["detail"].startswith("This invitation is not valid")


async def test_a_withdrawn_invitation_no_longer_works(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    owner = await register_and_login(http)
    guest = await register_and_login(http)
    project_id = await _project(http, owner)
    invitation_id = (await _invite(http, owner, project_id, guest.email, "viewer")).json()["id"]
    token = await _mailed_token(mail_app, smtp[0], guest.email)
    withdrawn = await http.delete(
        f"{API}/projects/{project_id}/invitations/{invitation_id}", headers=owner.headers
    )
    assert withdrawn.status_code == 204
    assert_problem(await _accept(http, guest, token), 400)


async def test_the_owner_changes_roles_removes_members_and_cannot_leave_while_a_member_can(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    owner = await register_and_login(http)
    first = await register_and_login(http)
    second = await register_and_login(http)
    project_id = await _project(http, owner)
    for guest in (first, second):
        await _invite(http, owner, project_id, guest.email, "viewer")
        assert (
            await _accept(http, guest, await _mailed_token(mail_app, smtp[0], guest.email))
        ).status_code == 200
    members = f"{API}/projects/{project_id}/members"

    promoted = await http.patch(
        f"{members}/{first.user_id}", json={"role": "editor"}, headers=owner.headers
    )
    assert (promoted.status_code, promoted.json()["role"]) == (200, "editor")
    by_member = await http.patch(
        f"{members}/{second.user_id}", json={"role": "editor"}, headers=first.headers
    )
    assert assert_problem(by_member, 403)["type"].endswith("role-forbids")
    owner_demoted = await http.patch(
        f"{members}/{owner.user_id}", json={"role": "viewer"}, headers=owner.headers
    )
    assert_problem(owner_demoted, 409)

    assert (
        await http.delete(f"{members}/{second.user_id}", headers=first.headers)
    ).status_code == 403
    assert (
        await http.delete(f"{members}/{second.user_id}", headers=owner.headers)
    ).status_code == 204
    assert (await _members(http, second, project_id)).status_code == 404  # removed: not found
    assert (
        await http.delete(f"{members}/{first.user_id}", headers=first.headers)
    ).status_code == 204
    assert (
        await http.get(f"{API}/projects/{project_id}", headers=first.headers)
    ).status_code == 404
    last = await http.delete(f"{members}/{owner.user_id}", headers=owner.headers)
    assert assert_problem(last, 409)["type"].endswith("last-owner")
    listed = await _members(http, owner, project_id)
    assert [m["email"] for m in listed.json()["items"]] == [owner.email]


async def test_an_inbox_is_never_shared(http: httpx.AsyncClient) -> None:
    owner = await register_and_login(http)
    inbox = (await http.get(f"{API}/projects", headers=owner.headers)).json()["items"][0]
    assert inbox["is_inbox"]
    refused = await _invite(http, owner, inbox["id"], "someone@example.com", "viewer")
    assert assert_problem(refused, 409)["type"].endswith("inbox-is-private")


async def test_invitations_are_limited_per_inviter_and_per_address_and_a_refused_one_mails_nothing(
    make_settings: Callable[..., Settings], smtp: tuple[Inbox, int]
) -> None:
    app = create_app(
        make_settings(
            **smtp_settings(smtp[1]),
            public_url="https://tasks.example.com",
            invitations_max_per_account=2,
            invitations_max_per_address=2,
        )
    )
    async with client_for(app) as http:
        owner = await register_and_login(http)
        project_id = await _project(http, owner)
        first, second, third = (unique_email("guest") for _ in range(3))
        made = [
            await _invite(http, owner, project_id, email, "viewer") for email in (first, second)
        ]
        assert [each.status_code for each in made] == [201, 201]
        refused = await _invite(http, owner, project_id, third, "viewer")
        problem = assert_problem(refused, 429)
        assert problem["type"].endswith("too-many-invitations-from-account")
        assert problem["detail"].startswith("Too many invitations sent from this account.")
        assert int(refused.headers["Retry-After"]) > 0
        pending = await http.get(f"{API}/projects/{project_id}/invitations", headers=owner.headers)
        assert sorted(each["email"] for each in pending.json()["items"]) == sorted([first, second])

        # Many accounts cannot flood one inbox either (the address in any case counts as one).
        target = unique_email("target")
        answers = []
        for spelling in (target, target.upper(), target):
            inviter = await register_and_login(http)
            answers.append(
                await _invite(http, inviter, await _project(http, inviter), spelling, "editor")
            )
        assert [each.status_code for each in answers[:2]] == [201, 201]
        assert assert_problem(answers[2], 429)["type"].endswith("too-many-invitations-for-address")

        # A request refused for another reason uses none of the quota: a stranger's 404 here.
        stranger = await register_and_login(http)
        for _ in range(3):
            missing = await _invite(http, stranger, project_id, unique_email("guest"), "viewer")
            assert_problem(missing, 404)
        own = await _invite(
            http, stranger, await _project(http, stranger), unique_email(), "viewer"
        )
        assert own.status_code == 201, own.text

        await _delivered(app)
    await app.state.services.engine.dispose()
    assert smtp[0].to(third) == []
    assert len(smtp[0].to(target)) == 2
    assert len(smtp[0].to(first)) == len(smtp[0].to(second)) == 1
