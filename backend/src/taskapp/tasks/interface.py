"""What other domains may use of tasks: counts per project, a project's tasks (deleted with it,
or shown on its published page), a project's activity history, the history event for what
another domain adds to a task (comments), the task list's query parser (saved views), an owner's
tasks in batches (the account's data export), project memberships with the access check (the
caller's role in a project or a task's project) that projects, comments and reminders make,
assignments cleared when a member leaves or becomes a viewer, tasks' dues and titles for
reminders and the daily digest, and the API's instant type (RFC 3339,
stored in UTC).

Domains import tasks only through this module (the `tasks-interface` contract in
pyproject.toml), so tasks' storage and hot paths can change without touching them."""

from __future__ import annotations

from taskapp.tasks.assignees import clear as clear_assignments
from taskapp.tasks.export import export_tasks, owned_task_ids
from taskapp.tasks.history import HistoryRequestDep, record_comment
from taskapp.tasks.projects import (
    OpenTask,
    ProjectCounts,
    counts_by_project,
    delete_project_tasks,
    open_tasks,
)
from taskapp.tasks.query_string import parse as parse_list_query
from taskapp.tasks.reminding import TaskDue, due_other_than, open_titles_due, task_dues
from taskapp.tasks.schemas import TaskHistoryPage, UTCDatetime
from taskapp.tasks.sharing import (
    RANK,
    Access,
    ProjectMember,
    Role,
    followed_versions,
    project_access,
    require_project,
    require_task,
    task_access,
)

__all__ = [
    "RANK",
    "Access",
    "HistoryRequestDep",
    "OpenTask",
    "ProjectCounts",
    "ProjectMember",
    "Role",
    "TaskDue",
    "TaskHistoryPage",
    "UTCDatetime",
    "clear_assignments",
    "counts_by_project",
    "delete_project_tasks",
    "due_other_than",
    "export_tasks",
    "followed_versions",
    "open_tasks",
    "open_titles_due",
    "owned_task_ids",
    "parse_list_query",
    "project_access",
    "record_comment",
    "require_project",
    "require_task",
    "task_access",
    "task_dues",
]
