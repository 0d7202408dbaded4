"""What other domains may use of tasks: counts per project, a project's tasks (deleted with it,
or shown on its published page), the task list's query parser (saved views), and an owner's
tasks in batches (the account's data export).

Domains import tasks only through this module (the `tasks-interface` contract in
pyproject.toml), so tasks' storage and hot paths can change without touching them."""

from __future__ import annotations

from taskapp.tasks.export import export_tasks
from taskapp.tasks.projects import (
    OpenTask,
    ProjectCounts,
    counts_by_project,
    delete_project_tasks,
    open_tasks,
)
from taskapp.tasks.query_string import parse as parse_list_query

__all__ = [
    "OpenTask",
    "ProjectCounts",
    "counts_by_project",
    "delete_project_tasks",
    "export_tasks",
    "open_tasks",
    "parse_list_query",
]
