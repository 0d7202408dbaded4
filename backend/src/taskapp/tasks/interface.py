"""What other domains may use of tasks: counts per project, a project's tasks (deleted with it,
or shown on its published page), a project's activity history, the ownership check and the
history event for what another domain adds to a task (comments), the task list's query parser
(saved views), an owner's tasks in batches (the account's data export), and tasks' dues and
titles for reminders and the daily digest, and the API's instant type (RFC 3339, stored in UTC).

Domains import tasks only through this module (the `tasks-interface` contract in
pyproject.toml), so tasks' storage and hot paths can change without touching them."""

from __future__ import annotations

from taskapp.tasks.export import export_tasks
from taskapp.tasks.history import PAGE_LIMIT as HISTORY_PAGE_LIMIT
from taskapp.tasks.history import HistoryCursors, ensure_task, record_comment
from taskapp.tasks.history import page as history_page
from taskapp.tasks.projects import (
    OpenTask,
    ProjectCounts,
    counts_by_project,
    delete_project_tasks,
    open_tasks,
)
from taskapp.tasks.query_string import parse as parse_list_query
from taskapp.tasks.reminding import TaskDue, open_titles_due, task_dues
from taskapp.tasks.schemas import TaskHistoryPage, UTCDatetime

__all__ = [
    "HISTORY_PAGE_LIMIT",
    "HistoryCursors",
    "OpenTask",
    "ProjectCounts",
    "TaskDue",
    "TaskHistoryPage",
    "UTCDatetime",
    "counts_by_project",
    "delete_project_tasks",
    "ensure_task",
    "export_tasks",
    "history_page",
    "open_tasks",
    "open_titles_due",
    "parse_list_query",
    "record_comment",
    "task_dues",
]
