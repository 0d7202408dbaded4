"""Shared projects (issue 19): invitations mailed through a real SMTP server (aiosmtpd) and
accepted by the invited address only, the members list, roles changed and members removed by
the owner, leaving, and the owner (the last one) unable to leave."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from tests import test_account_mail as mail
from tests.conftest import Account, assert_problem, register_and_login
from tests.test_account_mail import Inbox, _delivered, _parts

# The real SMTP server (aiosmtpd) and the app mailing to it, as the account-mail tests use them.
smtp = mail.smtp
mail_app = mail.mail_app
http = mail.http

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
