"""Links into the web app that leave the request: mailed tokens and invitations."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request


def web_page_link(request: Request, public_url: str | None, page: str, token: str) -> str:
    """The web app's `page` carrying `token`, on the public URL when one is configured (a mail
    must not point at the address a proxy used to reach this replica)."""
    base = (public_url or str(request.base_url)).rstrip("/")
    return f"{base}/{page}?{urlencode({'token': token})}"
