"""Recurring tasks: RFC 5545 RRULE text (python-dateutil's rrule) and the next occurrence.

The rules (docs/api.md, "Recurring tasks"):
- the text is one RRULE value, e.g. `FREQ=WEEKLY;BYDAY=MO` (no DTSTART: the series is anchored
  at the task's current due, as Todoist's "every ..." is);
- at most one occurrence a day: FREQ=HOURLY/MINUTELY/SECONDLY and BYHOUR/BYMINUTE/BYSECOND are
  refused (the time of day is the due's own);
- COUNT is refused (the series' start is not kept, so "n more times" has no meaning once rolled);
  UNTIL ends a series: completing its last occurrence completes the task for good;
- a rule must produce an occurrence after the task's due when it is set, else 422.

The next occurrence is the first one strictly after the completed one, even when that is still in
the past (a task three weeks behind rolls one week, not to next week). A due time keeps its local
wall-clock time in the owner's zone across DST changes; a local time that does not exist on the
day (inside a spring-forward gap) is read with the offset before the change (zoneinfo's fold=0).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

MAX_LENGTH: Final = 500
_SHAPE = re.compile(r"^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+\-]+)*$")
_REFUSED_PARTS = {
    "COUNT": "COUNT is not supported: end a series with UNTIL",
    "BYHOUR": "BYHOUR is not supported: the time of day is the due's own",
    "BYMINUTE": "BYMINUTE is not supported: the time of day is the due's own",
    "BYSECOND": "BYSECOND is not supported: the time of day is the due's own",
    "DTSTART": "DTSTART is not supported: the series starts at the task's due",
}
_ALLOWED_FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


def _rule(text: str, start: datetime) -> rrule:
    parsed = rrulestr(text, dtstart=start, forceset=False, compatible=False)
    if not isinstance(parsed, rrule):  # pragma: no cover - forceset=False with one RRULE
        raise TypeError("must be a single RRULE")
    return parsed


def validate(text: str) -> str:
    """The rule's canonical text, or ValueError saying what is wrong with it."""
    text = text.strip().upper()
    if text.startswith("RRULE:"):
        text = text.removeprefix("RRULE:")
    if not text or len(text) > MAX_LENGTH:
        raise ValueError(f"must be an RRULE of 1 to {MAX_LENGTH} characters")
    if not _SHAPE.match(text):
        raise ValueError("must be an RFC 5545 RRULE value such as FREQ=WEEKLY;BYDAY=MO")
    parts = [part.split("=", 1) for part in text.split(";")]
    names = [name for name, _ in parts]
    for name in names:
        if name in _REFUSED_PARTS:
            raise ValueError(_REFUSED_PARTS[name])
    if len(set(names)) != len(names):
        raise ValueError("names a rule part twice")
    if dict(parts)["FREQ"] not in _ALLOWED_FREQUENCIES:
        raise ValueError("must repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)")
    try:
        _rule(text, datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"is not a valid RRULE: {exc}") from None
    return text


# What dateutil raises past the end of the calendar (year 9999, a huge INTERVAL): no occurrence.
_PAST_THE_CALENDAR = (OverflowError, ValueError)


def next_due_day(text: str, due_on: date) -> date | None:
    """The first occurrence strictly after the due day `due_on`, or None when the rule ends."""
    start = datetime(due_on.year, due_on.month, due_on.day)
    try:
        following = _rule(text, start).after(start, inc=False)
    except _PAST_THE_CALENDAR:
        return None
    return None if following is None else following.date()


def next_due_time(text: str, due_date: datetime, zone: ZoneInfo) -> datetime | None:
    """The first occurrence strictly after the due instant `due_date`, at the same local
    wall-clock time in `zone`, in UTC; None when the rule ends."""
    try:
        start = due_date.astimezone(zone).replace(tzinfo=None)
        following = _rule(text, start).after(start, inc=False)
        if following is None:
            return None
        following_utc = following.replace(tzinfo=zone).astimezone(UTC)
    except _PAST_THE_CALENDAR:
        return None
    # The API refuses the last representable instant (PostgreSQL would store it as infinity).
    return None if following_utc == datetime.max.replace(tzinfo=UTC) else following_utc


# Projection (the agenda's later occurrences) walks at most this many occurrences of one task:
# a daily task more than about 2.7 years behind projects none (its own due is still listed),
# and an agenda's cost stays bounded whatever its tasks' rules (2.8 ms per 1,000 steps).
MAX_PROJECTED_STEPS: Final = 1_000


def occurrences_within(
    text: str,
    due_on: date | None,
    due_date: datetime | None,
    zone: ZoneInfo,
    first: date,
    last: date,
) -> list[tuple[date, datetime | None]]:
    """The occurrences after a task's due whose local day is within `first`..`last`, as
    (local day, due time): the due time is None for a task due on a day, else the UTC instant
    at the due's local wall-clock time, as completing it would roll it (next_due_day,
    next_due_time)."""
    if due_on is not None:
        start = datetime(due_on.year, due_on.month, due_on.day)
        return [(moment.date(), None) for moment in _walk(text, start, first, last)]
    if due_date is None:
        return []
    try:
        start = due_date.astimezone(zone).replace(tzinfo=None)
        return [
            (moment.date(), moment.replace(tzinfo=zone).astimezone(UTC))
            for moment in _walk(text, start, first, last)
        ]
    except _PAST_THE_CALENDAR:
        return []


def _walk(text: str, start: datetime, first: date, last: date) -> list[datetime]:
    found: list[datetime] = []
    try:
        for step, moment in enumerate(_rule(text, start).xafter(start, inc=False)):
            if step >= MAX_PROJECTED_STEPS or moment.date() > last:
                break
            if moment.date() >= first:
                found.append(moment)
    except _PAST_THE_CALENDAR:
        pass  # the calendar ends: what was found stands
    return found
