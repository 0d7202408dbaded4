"""X-Request-ID: kept from the client when it is sane, generated otherwise (asgi-correlation-id)."""

from __future__ import annotations

import re

REQUEST_ID_HEADER = "X-Request-ID"
# Anything a log line or a header can carry safely; longer or stranger ids are replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def is_valid_request_id(value: str) -> bool:
    return bool(_REQUEST_ID.match(value))
