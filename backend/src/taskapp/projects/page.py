"""The published page of a project, rendered on the server: the description's Markdown as
sanitized HTML (taskapp/markdown.py), into a Jinja2 template with autoescape on. The page runs no
script: its Content-Security-Policy allows none, and only its own inline style (by hash)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from jinja2 import Environment
from markupsafe import Markup

from taskapp.markdown import markdown_html
from taskapp.projects.schemas import PublicProject

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "color:#1f2328;background:#fff}"
    "@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}a{color:#79c0ff}}"
    "ul.tasks{list-style:none;padding:0}ul.tasks li{border-top:1px solid #8886;padding:.5rem 0}"
    ".meta{font-size:.875rem;opacity:.8}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# No script, no frames, no forms, no images from elsewhere (a tracking pixel in a description
# would tell a third party who reads the page): only this page's own style.
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    # Search engines: do not index or follow. The token is in the URL: send no Referer on.
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    # A revoked link must stop working at once, also in shared caches.
    "Cache-Control": "no-store",
}

_TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{{ project.name }}</title>
<style>{{ style }}</style>
</head>
<body>
<main>
<h1>{{ project.name }}</h1>
{% if description %}<section aria-label="Description">{{ description }}</section>{% endif %}
<h2>Open tasks ({{ project.tasks | length }})</h2>
{% if project.tasks %}<ul class="tasks">
{% for task, due in tasks %}<li>
<strong>{{ task.title }}</strong>
<div class="meta">{{ task.priority }} priority
{%- if task.status == "in_progress" %}, in progress{% endif %}
{%- if due %}, due <time datetime="{{ due.machine }}">{{ due.text }}</time>{% endif %}
{%- if task.labels %} · {{ task.labels | join(", ") }}{% endif %}</div>
</li>
{% endfor %}</ul>{% else %}<p>Nothing open.</p>{% endif %}
</main>
</body>
</html>
"""
)

# English names, whatever the server's locale (strftime's %a and %b follow it): the page is
# lang="en".
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Due:
    """A task's due as the page shows it: `machine` for <time datetime>, `text` for people."""

    machine: str
    text: str


def _day_text(day: date) -> str:
    # Not %Y: glibc does not pad years before 1000, and a due day may be as early as year 1.
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year:04d}"


def due_of(due_date: datetime | None, due_on: date | None) -> Due | None:
    """ "Thu 10 Dec 2026" for a due day; "Mon 7 Dec 2026, 22:00 UTC" for a due time. The page
    knows no reader's zone, and showing the owner's would tell readers account data: a due time
    is shown in UTC, and says so."""
    if due_on is not None:
        return Due(due_on.isoformat(), _day_text(due_on))
    if due_date is None:
        return None
    utc = due_date.astimezone(UTC)
    # A valid global date and time string: "Z", and at most three digits of a second.
    timespec = "milliseconds" if utc.microsecond else "seconds"
    machine = utc.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
    return Due(machine, f"{_day_text(utc.date())}, {utc:%H:%M} UTC")


def render(project: PublicProject) -> str:
    return _TEMPLATE.render(
        project=project,
        tasks=[(task, due_of(task.due_date, task.due_on)) for task in project.tasks],
        description=markdown_html(project.description) if project.description else "",
        style=Markup(STYLE),  # noqa: S704  # nosec B704 - a constant of this module
    )
