"""Which new passwords are refused: the most common breached ones, trivial ones, the email.

The list is zxcvbn's (the maintained Python port of Dropbox's estimator): its 30,000 most
common passwords from breach corpora, shipped offline in the package. zxcvbn's own score also
catches what no list holds (eight spaces, `aaaaaaaa`, `abcdefgh`): score 0 means fewer than
10^3 guesses.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# zxcvbn looks at no more than this many characters (its own cap); longer is never "common".
_SCORED_LENGTH = 72


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def weakness(password: str) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if _fold(password) in _common():
        return "This password is one of the most common breached passwords; choose another."
    if len(password) <= _SCORED_LENGTH and zxcvbn(password)["score"] == 0:
        return "This password is too easy to guess (a repeat, sequence or common word)."
    return None


def matches_email(password: str, email: str) -> bool:
    """The password is the account's email address or its local part (case-insensitively)."""
    folded = _fold(password).strip()
    canonical = _fold(email)
    return folded in {canonical, canonical.rsplit("@", 1)[0]}
