"""File names as people see them, safe to store and to put in a Content-Disposition header."""

from __future__ import annotations

import unicodedata

MAX_NAME = 200
FALLBACK = "file"


def sanitize_filename(raw: str) -> str:
    """The base name only (either kind of path separator), NFC, without control or format
    characters (a right-to-left override can make "txt.exe" read "exe.txt"), without quotes or
    leading dots, at most MAX_NAME characters with the extension kept; "file" if nothing is left."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char
        for char in name
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    name = " ".join(name.replace('"', "'").split()).lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16 and stem:
            name = f"{stem[: MAX_NAME - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:MAX_NAME].rstrip()
    return name or FALLBACK
