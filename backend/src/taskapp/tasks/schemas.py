from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from taskapp.tasks import recurrence
from taskapp.tasks.models import Priority, Task, TaskStatus
from taskapp.text import NO_NUL, STRIPPED, VISIBLE_TEXT, refuse_null

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]")


def _rfc3339_text(value: object) -> object:
    # Pydantic's lax mode would read a number as a Unix timestamp; the API (and its OpenAPI
    # description) takes RFC 3339 strings only.
    if isinstance(value, datetime) or (isinstance(value, str) and _DATE_PREFIX.match(value)):
        return value
    raise ValueError("must be an RFC 3339 date-time string")


# The first and last instants Python represents are what asyncpg writes as PostgreSQL's -infinity
# and infinity (and reads back naive): refused, so that every accepted date round-trips.
_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)
DATE_RANGE = "0001-01-01T00:00:00.000001Z .. 9999-12-31T23:59:59.999998Z"


def _in_utc(value: datetime) -> datetime:
    # A valid offset can carry an instant past year 1 or 9999 (0001-01-01T00:00:00+23:59):
    # a ValueError makes that a 422 naming the field, where the OverflowError was a 500.
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = _FIRST
    if utc in (_FIRST, _LAST):
        raise ValueError(f"must lie in {DATE_RANGE} once converted to UTC")
    return utc


def _nfc(value: object) -> object:
    # One form per label, so that é typed as U+00E9 or as e + U+0301 is the same label (and
    # the length limit counts the normalized text).
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


# Any zone is accepted; stored and returned in UTC.
UTCDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339_text),
    AfterValidator(_in_utc),
]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, pattern=VISIBLE_TEXT),
    STRIPPED,
]
Description = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_NUL)]
Label = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50, pattern=VISIBLE_TEXT),
    STRIPPED,
    BeforeValidator(_nfc),
]
MAX_LABELS = 20
# At most MAX_LABELS items (stated in the schema); duplicates among them (after trimming and
# NFC) are dropped.
Labels = Annotated[list[Label], Field(max_length=MAX_LABELS)]


def _inner_day(value: date) -> date:
    # As for due_date: asyncpg writes the first and last days as PostgreSQL's -infinity and
    # infinity, which sort and compare unlike the same days on SQLite. Refused.
    if value in (date.min, date.max):
        raise ValueError("must lie in 0001-01-02 .. 9999-12-30")
    return value


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day_text(value: object) -> object:
    # Pydantic's lax mode would read 0 or "0" as 1970-01-01 (a Unix timestamp); the API (and
    # its OpenAPI description, format: date) takes YYYY-MM-DD only.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("must be a day as YYYY-MM-DD")


IsoDay = Annotated[date, BeforeValidator(_iso_day_text)]
DueDay = Annotated[IsoDay, AfterValidator(_inner_day)]


def _rrule(value: object) -> object:
    return recurrence.validate(value) if isinstance(value, str) else value


# RFC 5545 RRULE text, normalized to upper case without an "RRULE:" prefix (tasks/recurrence.py).
Recurrence = Annotated[
    str,
    Field(
        min_length=1,
        max_length=recurrence.MAX_LENGTH + len("RRULE:"),
        description="RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO; at most daily, no COUNT,"
        " needs a due (due_on or due_date)",
        examples=["FREQ=WEEKLY;BYDAY=MO"],
    ),
    AfterValidator(_rrule),
]
ASSIGNEE = (
    "Who is to do it: the project's owner or one of its editors (in the Inbox: its owner);"
    " another user is a 422 naming this field"
)
DUE_DAY = "All-day due day (YYYY-MM-DD); at most one of due_on and due_date is set"
BOTH_DUES = "due_on and due_date cannot both be set: a task is due on a day or at a time"


def _one_due(due_on: date | None, due_date: datetime | None) -> None:
    if due_on is not None and due_date is not None:
        raise ValueError(BOTH_DUES)


def _distinct_labels(labels: list[str]) -> list[str]:
    # Duplicates carry no meaning: keep the first of each, then apply the limit.
    distinct = list(dict.fromkeys(labels))
    if len(distinct) > MAX_LABELS:
        raise ValueError(f"at most {MAX_LABELS} distinct labels are allowed")
    return distinct


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None
    status: TaskStatus = TaskStatus.PENDING
    priority: Priority = Priority.MEDIUM
    due_date: UTCDatetime | None = Field(
        default=None, description="RFC 3339 date-time with a zone offset"
    )
    due_on: DueDay | None = Field(default=None, description=DUE_DAY)
    recurrence: Recurrence | None = None
    labels: Labels = Field(default_factory=list)
    project_id: uuid.UUID | None = Field(
        default=None,
        description="One of your projects; absent or null: your Inbox (a subtask: its parent's)",
    )
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="Make it a subtask of this task (one of yours, not a subtask); it is made in"
        " the parent's project",
    )
    assignee_id: uuid.UUID | None = Field(default=None, description=ASSIGNEE)

    _labels = field_validator("labels")(_distinct_labels)

    @model_validator(mode="after")
    def _dues(self) -> TaskCreate:
        _one_due(self.due_on, self.due_date)
        if self.recurrence is not None and self.due_on is None and self.due_date is None:
            raise ValueError("a recurring task needs a due: set due_on or due_date")
        return self


class TaskUpdate(BaseModel):
    """Partial update: only the fields present are changed; description and due_date may be null."""

    model_config = ConfigDict(extra="forbid")

    # SkipJsonSchema: null is refused for these (below), so the schema does not offer it.
    title: Title | SkipJsonSchema[None] = None
    description: Description | None = None
    status: TaskStatus | SkipJsonSchema[None] = None
    priority: Priority | SkipJsonSchema[None] = None
    due_date: UTCDatetime | None = Field(
        default=None, description="Setting it clears due_on; null clears it"
    )
    due_on: DueDay | None = Field(
        default=None, description=f"{DUE_DAY}; setting it clears due_date"
    )
    recurrence: Recurrence | None = Field(default=None, description="null: no longer repeats")
    labels: Labels | SkipJsonSchema[None] = None
    project_id: uuid.UUID | SkipJsonSchema[None] = Field(
        default=None,
        description="Moves the task to another of your projects (which unassigns it, unless"
        " the assignee is the owner or assignee_id is set too)",
    )
    assignee_id: uuid.UUID | None = Field(default=None, description=f"{ASSIGNEE}; null: nobody")
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="Make it a subtask of this task (one of the owner's, not a subtask, in a"
        " project the caller may write; the task moves into the parent's project); null: a task"
        " of its own, in the same project",
    )

    @model_validator(mode="after")
    def _dues(self) -> TaskUpdate:
        _one_due(self.due_on, self.due_date)
        return self

    _not_null = field_validator("title", "status", "priority", "labels", "project_id")(refuse_null)

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _distinct_labels(value)


class TaskMove(BaseModel):
    """POST /tasks/{id}/move: where the task goes in the manual order (and, for a board, into
    which status column; for a drop on another project, into that project). after_id wins when
    both neighbours are given; neither: the end."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The task's version as read; a stale one gets 412")
    after_id: uuid.UUID | None = Field(default=None, description="Place right after this task")
    before_id: uuid.UUID | None = Field(
        default=None, description="Place right before this task (when after_id is not given)"
    )
    status: TaskStatus | SkipJsonSchema[None] = Field(
        default=None, description="Also change the status (a move across board columns)"
    )
    project_id: uuid.UUID | SkipJsonSchema[None] = Field(
        default=None,
        description="Also move the task into this project (the Inbox's id is its owner's id)",
    )

    # Omitted means "leave it"; null is refused as in TaskUpdate, so the schema stays honest.
    _not_null = field_validator("status", "project_id")(refuse_null)


class TaskSkip(BaseModel):
    """POST /tasks/{id}/skip: the version read, so that a second tap on a stale page does not skip
    a second occurrence (412 instead)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The task's version as read; a stale one gets 412")


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    description: str | None
    status: TaskStatus
    priority: Priority
    due_date: datetime | None
    due_on: date | None
    recurrence: str | None
    labels: list[str]
    project_id: uuid.UUID = Field(description="The project; the Inbox's id is its owner's id")
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int
    position: str | None = Field(
        description="Manual order: a fractional-index key, compared byte by byte (ties: id);"
        " changed by POST /tasks/{id}/move. Null only on tasks not yet placed (they sort last,"
        " oldest first)"
    )
    parent_id: uuid.UUID | None = Field(description="The parent task of a subtask")
    subtask_count: int = Field(description="How many subtasks the task has")
    subtask_done_count: int = Field(description="How many of them are done")
    assignee_id: uuid.UUID | None = Field(description="Who is to do it (null: nobody)")

    @model_validator(mode="before")
    @classmethod
    def _inbox_when_unset(cls, data: Any) -> Any:
        # A row without a project is in its owner's Inbox (tasks/inbox.py).
        if isinstance(data, Task) and data.project_id is None:
            return {name: getattr(data, name) for name in cls.model_fields} | {
                "project_id": data.owner_id
            }
        return data


MAX_BULK_OPERATIONS = 200


class BulkPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    version: int = Field(ge=1, description="The version the change was made against")
    patch: TaskUpdate = Field(description="As PATCH /tasks/{id}, with the same rules")


class BulkDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    version: int = Field(ge=1, description="The version the deletion was decided on")
    delete: Literal[True]


def _operation_kind(value: Any) -> str:
    # A body with "delete" is a deletion, any other a patch: one branch's errors, not both.
    if isinstance(value, BaseModel):
        return "delete" if isinstance(value, BulkDelete) else "patch"
    return "delete" if isinstance(value, dict) and "delete" in value else "patch"


BulkOperation = Annotated[
    Annotated[BulkPatch, Tag("patch")] | Annotated[BulkDelete, Tag("delete")],
    Discriminator(_operation_kind),
]


class TaskBulk(BaseModel):
    """POST /tasks/bulk: all operations in one transaction, or none."""

    model_config = ConfigDict(extra="forbid")

    operations: list[BulkOperation] = Field(min_length=1, max_length=MAX_BULK_OPERATIONS)
    complete_subtasks: bool = Field(
        default=False,
        description="Completing a task with open subtasks completes them too (else 409)",
    )

    @field_validator("operations")
    @classmethod
    def _distinct_ids(
        cls, operations: list[BulkPatch | BulkDelete]
    ) -> list[BulkPatch | BulkDelete]:
        counts = Counter(operation.id for operation in operations)
        if repeated := [str(task_id) for task_id, n in counts.items() if n > 1]:
            listed = ", ".join(repeated)
            raise ValueError(f"each task may appear once; repeated: {listed}")
        return operations


class TaskBulkResult(BaseModel):
    tasks: list[TaskPublic] = Field(description="The patched tasks, new versions, in request order")
    deleted: list[uuid.UUID] = Field(description="The deleted tasks' ids, in request order")


class TaskPage(BaseModel):
    items: list[TaskPublic]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )


SortKey = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "due_date",
    "-due_date",
    "priority",
    "-priority",
    "title",
    "-title",
    "position",
]


class TaskQuery(BaseModel):
    """Filters, sort and page of GET /tasks; unknown parameters are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    status: list[TaskStatus] = Field(default_factory=list, description="Repeatable")
    priority: list[Priority] = Field(default_factory=list, description="Repeatable")
    label: list[Label] = Field(
        default_factory=list,
        max_length=MAX_LABELS,
        description="Repeatable; tasks with all of them",
    )
    q: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=200, pattern=VISIBLE_TEXT),
            STRIPPED,
        ]
        | None
    ) = Field(default=None, description="Case-insensitive search in title and description")
    due_before: UTCDatetime | None = None
    due_after: UTCDatetime | None = None
    project: uuid.UUID | None = Field(
        default=None, description="Only this project's tasks (the Inbox's id: the Inbox)"
    )
    due_from: IsoDay | None = Field(
        default=None,
        description="Due on or after this day in the user's time zone (due_on, or the local"
        " day of due_date)",
    )
    due_to: IsoDay | None = Field(
        default=None, description="Due on or before this day in the user's time zone"
    )
    overdue: bool | None = Field(
        default=None, description="true: due in the past and not done; false: the others"
    )
    parent: uuid.UUID | None = Field(default=None, description="The subtasks of this task")
    sort: SortKey = "-created_at"
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=1024)

    @model_validator(mode="after")
    def _range(self) -> TaskQuery:
        if self.due_before and self.due_after and self.due_after > self.due_before:
            raise ValueError("due_after must not be later than due_before")
        if self.due_from and self.due_to and self.due_from > self.due_to:
            raise ValueError("due_from must not be later than due_to")
        return self


class StatusCounts(BaseModel):
    pending: int
    in_progress: int
    done: int


class PriorityCounts(BaseModel):
    low: int
    medium: int
    high: int
    urgent: int


class TaskStats(BaseModel):
    total: int
    by_status: StatusCounts
    by_priority: PriorityCounts
    overdue: int = Field(
        description="Not done and due in the past: a due time before now, or a due day before"
        " today in the user's time zone"
    )


class LabelCount(BaseModel):
    name: str
    count: int = Field(description="How many of those tasks carry it, done ones included")


class LabelList(BaseModel):
    items: list[LabelCount] = Field(
        description="Every label on the tasks asked about, the most used first (ties by name)"
    )


class TaskCompletionPublic(BaseModel):
    """One completed occurrence of a recurring task."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    task_id: uuid.UUID
    completed_at: datetime
    due_date: datetime | None = Field(description="The completed occurrence's due time")
    due_on: date | None = Field(description="The completed occurrence's due day")


class TaskCompletionList(BaseModel):
    items: list[TaskCompletionPublic] = Field(description="Newest first")


Day = date  # the fields below are named `date`


class TodayView(BaseModel):
    time_zone: str = Field(description="The user's IANA time zone the days are computed in")
    date: Day = Field(description="Today in that zone")
    overdue: list[TaskPublic] = Field(description="Open tasks due before today")
    today: list[TaskPublic] = Field(description="Open tasks due today")


class AgendaRepeat(BaseModel):
    """A later occurrence of an open repeating task: where completing it would roll it."""

    task_id: uuid.UUID = Field(description="The task, in the agenda's `repeating`")
    due_on: Day | None = Field(description="The occurrence's due day (for a task due on a day)")
    due_date: datetime | None = Field(
        description="The occurrence's due time (for a task due at a time), the same local time"
    )


class AgendaDay(BaseModel):
    date: Day
    tasks: list[TaskPublic] = Field(description="Open tasks due that day")
    repeats: list[AgendaRepeat] = Field(
        description="Later occurrences of repeating tasks due before, from today on"
    )


class Agenda(BaseModel):
    time_zone: str
    days: list[AgendaDay] = Field(description="Every day from..to, in order, empty ones too")
    repeating: list[TaskPublic] = Field(
        description="The open repeating tasks with an occurrence in `repeats` (the 100 due last)"
    )


EventKind = Literal["created", "updated", "completed", "moved", "deleted", "commented"]


class TaskEventPublic(BaseModel):
    """One write to a task: who (actor_id), what (kind, and per changed field its old and new
    value as the API shows them), when."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    task_id: uuid.UUID
    project_id: uuid.UUID = Field(description="The task's project after the write")
    actor_id: uuid.UUID | None = Field(description="Who wrote (null: that account is deleted)")
    kind: EventKind
    task_title: str = Field(description="The task's title at the time")
    changes: dict[str, list[Any]] = Field(
        description='Each changed field as [old, new], e.g. {"status": ["pending", "done"]};'
        " a created task lists the fields it was created with as [null, value]"
    )
    created_at: datetime


class TaskHistoryPage(BaseModel):
    items: list[TaskEventPublic] = Field(description="Newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page")
