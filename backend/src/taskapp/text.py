"""Patterns and rules for user input, shared by the schemas (and so stated in the OpenAPI).

Written with explicit character classes so that the server (pydantic's Rust regex), the OpenAPI
description and any client or fuzzer (Python `re`, JavaScript) agree on what they accept.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# PostgreSQL text cannot hold NUL characters: such input is a 422, never a failed insert.
NO_NUL = r"^[^\x00]*$"
# What str.strip() in pydantic (Rust's trim: Unicode White_Space) removes.
_WHITESPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A field that is stripped and must not end up empty: at least one visible character, no NUL.
VISIBLE_TEXT = rf"^[^\x00]*[^\x00{_WHITESPACE}][^\x00]*$"
# The same set as characters for str.strip, read from the class above so the two cannot drift
# (every character it names is below U+3001).
_WHITESPACE_CHARS = "".join(
    filter(re.compile(f"[{_WHITESPACE}]").fullmatch, map(chr, range(0x3001)))
)


def _strip(value: str) -> str:
    return value.strip(_WHITESPACE_CHARS)


# Strips the white space VISIBLE_TEXT names, *after* the length and pattern checks: the text as
# sent is what the OpenAPI's maxLength speaks of (pydantic's strip_whitespace checks the
# stripped text, so "a" padded to 101 characters passed a documented maxLength of 100).
STRIPPED = AfterValidator(_strip)

# The name of a thing a user keeps a list of (a project, a saved view): visible, trimmed, short.
ShortName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=VISIBLE_TEXT),
    STRIPPED,
]


def nfkc(value: object) -> object:
    """NFKC for text input (full-width and compatibility forms become plain characters)."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def canonical_email(email: str) -> str:
    """The one stored form of an address: Unicode NFKC_Casefold (case-insensitive everywhere)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


def refuse_null(value: object) -> object:
    """A field validator for partial updates: a field may be omitted (no change) but not null,
    which the schema does not offer (`SkipJsonSchema[None]`)."""
    if value is None:
        raise ValueError("may be omitted but not null")
    return value
