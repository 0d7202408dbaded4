"""What search compares: text folded so that case, accents and compatibility forms do not matter.

A task's title, description and labels are folded into one `search_text` column when the task is
written (tasks/models.py keeps it in the same flush); a query is folded the same way and matched
as a substring. On PostgreSQL a pg_trgm GIN index serves that LIKE (ADR 0007).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Between fields, so that a query cannot match across the end of one and the start of the next
# unless it contains this character itself (queries are one line of visible text).
SEPARATOR = "\n"


def fold(text: str) -> str:
    """Case-folded, compatibility-decomposed (U+FB01 -> fi, U+FF56 -> v), combining marks
    removed (é -> e). Case folding first: it can itself produce combining marks (U+0130 -> i +
    U+0307)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def document(title: str, description: str | None, labels: Iterable[str] | None) -> str:
    return SEPARATOR.join(fold(part) for part in [title, description or "", *(labels or [])])
