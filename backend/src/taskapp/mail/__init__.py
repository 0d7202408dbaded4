"""Outgoing mail (core): templated messages, sent in the background after the request's commit.

A message is rendered from two Jinja2 templates (`<name>.txt` and `<name>.html`, autoescaped) into
an `email.message.EmailMessage` with text and HTML alternatives. With TASKAPP_SMTP_HOST set it
goes out through aiosmtplib; without (`make run`), it is written as a `.eml` file under
TASKAPP_MAIL_DIR and the path logged, so a developer can open the link in it.

Delivery never makes a request fail or wait: `send_later` schedules it on the event loop with a
timeout, and every outcome is counted in `taskapp_emails_total{template,outcome}`. Mail that must
survive the process (reminders, digests) goes through `mail/outbox.py` instead, delivered by the
worker with retries (docs/adr/0018); mailed links stay here, their tokens never rest in the
database (docs/adr/0016).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal

import aiosmtplib
import structlog
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from prometheus_client import CollectorRegistry, Counter

from taskapp.settings import Settings

log = structlog.get_logger(__name__)

Outcome = Literal["sent", "written", "failed"]


class Mailer:
    def __init__(self, settings: Settings, registry: CollectorRegistry) -> None:
        self._settings = settings
        self._env = Environment(
            loader=PackageLoader("taskapp.mail", "templates"),
            # Autoescape the HTML part (names and addresses are user input); text stays as typed.
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self._emails = Counter(
            "taskapp_emails",
            "Emails taskapp tried to deliver, by template and outcome (sent by SMTP, written "
            "to the mail folder when no SMTP host is set, failed).",
            ["template", "outcome"],
            registry=registry,
        )
        # Strong references: the event loop keeps only weak ones to tasks.
        self._pending: set[asyncio.Task[Outcome]] = set()

    def render(
        self,
        template: str,
        to: str,
        context: Mapping[str, Any],
        *,
        message_key: str | None = None,
    ) -> EmailMessage:
        """The message for `template`: the first line of `<template>.txt` is its subject.

        With `message_key`, the Message-ID is derived from it, so a resent copy (an outbox row
        delivered twice) carries the same one."""
        subject, _, body = self._env.get_template(f"{template}.txt").render(context).partition("\n")
        html = self._env.get_template(f"{template}.html").render(context)
        message = EmailMessage()
        message["From"] = self._settings.smtp_from
        message["To"] = to
        message["Subject"] = subject.strip()
        message["Date"] = formatdate(localtime=False, usegmt=True)
        domain = parseaddr(self._settings.smtp_from)[1].rpartition("@")[2]
        message["Message-ID"] = (
            make_msgid(domain=domain) if message_key is None else f"<{message_key}@{domain}>"
        )
        message.set_content(body.lstrip("\n"))
        message.add_alternative(html, subtype="html")
        return message

    def send_later(self, template: str, to: str, context: Mapping[str, Any]) -> None:
        """Schedule the mail; returns at once. Call after the database commit it depends on."""
        task = asyncio.get_running_loop().create_task(self._deliver(template, to, dict(context)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def send_now(
        self, template: str, to: str, context: Mapping[str, Any], *, message_key: str
    ) -> Outcome:
        """Deliver now and say how; raises when delivery failed (the caller retries). Counted in
        the same `taskapp_emails_total` as `send_later`."""
        try:
            message = self.render(template, to, context, message_key=message_key)
            async with asyncio.timeout(self._settings.smtp_timeout_seconds):
                outcome = await self._send(message)
        except Exception as exc:
            self._emails.labels(template=template, outcome="failed").inc()
            log.warning("email_failed", template=template, error=repr(exc), retried=True)
            raise
        self._emails.labels(template=template, outcome=outcome).inc()
        return outcome

    async def drain(self, seconds: float) -> None:
        """Wait (at most `seconds`) for the mail scheduled so far: on shutdown, and in tests."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=seconds)

    async def _deliver(self, template: str, to: str, context: dict[str, Any]) -> Outcome:
        outcome: Outcome
        try:
            message = self.render(template, to, context)
            async with asyncio.timeout(self._settings.smtp_timeout_seconds):
                outcome = await self._send(message)
        except Exception as exc:  # a failed mail is counted and logged, never raised elsewhere
            outcome = "failed"
            log.warning("email_failed", template=template, error=repr(exc))
        self._emails.labels(template=template, outcome=outcome).inc()
        return outcome

    async def _send(self, message: EmailMessage) -> Outcome:
        settings = self._settings
        if settings.smtp_host is None:
            path = await asyncio.to_thread(_write_eml, settings.mail_dir, message)
            log.info("email_written", path=str(path), to=message["To"], subject=message["Subject"])
            return "written"
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
        log.info("email_sent", to=message["To"], subject=message["Subject"])
        return "sent"


def _write_eml(folder: Path, message: EmailMessage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path.resolve()
