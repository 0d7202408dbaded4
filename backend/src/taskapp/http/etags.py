"""Entity tags (tasks, projects): how they are made, parsed and compared (RFC 9110 §8.8.3).

A versioned object's ETag is its version. If-Match uses the strong comparison (§13.1.1): a weak
tag such as W/"2" never satisfies it, since a weak validator cannot promise the representation a
write would replace. If-None-Match uses the weak comparison (§13.1.2), so W/"2" there still
earns a 304.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taskapp.errors import ProblemError

# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE, in a comma-separated list.
_ENTITY_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def etag_for(version: int) -> str:
    return f'"{version}"'


def precondition_failed(what: str, version: int) -> ProblemError:
    """412 for a write made on an older version (a stale If-Match, or a lost race with one); the
    current ETag comes along, so the client knows what to fetch."""
    return ProblemError(
        412,
        f"The {what} has changed since you read it (version {version} now); fetch it again and"
        " reapply your change.",
        problem_type="precondition-failed",
        headers={"ETag": etag_for(version)},
    )


@dataclass(frozen=True, slots=True)
class EntityTags:
    """A parsed If-Match or If-None-Match header: "*" or a list of (weak, opaque-tag)."""

    any: bool
    tags: tuple[tuple[bool, str], ...]

    @classmethod
    def parse(cls, header: str | None) -> EntityTags | None:
        """None when the header is absent; a malformed list keeps the tags it can read (so a
        garbled If-Match matches nothing and fails the precondition)."""
        if header is None:
            return None
        if header.strip() == "*":
            return cls(any=True, tags=())
        return cls(
            any=False,
            tags=tuple((weak == "W/", tag) for weak, tag in _ENTITY_TAG.findall(header) if tag),
        )

    def match_strong(self, etag: str) -> bool:
        """If-Match: the current representation exists and one listed tag is strongly equal."""
        return self.any or any(not weak and tag == etag for weak, tag in self.tags)

    def match_weak(self, etag: str) -> bool:
        """If-None-Match: weak tags count as equal to their strong twins."""
        return self.any or any(tag == etag for _, tag in self.tags)


def if_match_allows(condition: EntityTags | None, version: int) -> bool:
    """No If-Match means no precondition; otherwise the strong comparison decides."""
    return condition is None or condition.match_strong(etag_for(version))
