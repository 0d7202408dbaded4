import { CalendarClock, CornerDownRight, Flag, Repeat } from "lucide-react";
import type { Priority, Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { useTimeZone } from "@/features/auth/context";
import { formatTaskDue, formatTaskDueFull, isTaskDueToday, isTaskOverdue } from "@/lib/dates";
import { useParentTitle } from "./parentTitles";
import { describeRecurrence } from "./recurrence";
import { PRIORITY_LABEL, PRIORITY_TEXT } from "./statusPriorityDisplay";

export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === "medium") return null;
  return (
    <span
      className={cn("inline-flex items-center gap-1 text-xs font-medium", PRIORITY_TEXT[priority])}
    >
      <Flag className="size-3.5" aria-hidden="true" />
      {PRIORITY_LABEL[priority]}
    </span>
  );
}

export function DueBadge({ task }: { task: Task }) {
  // Days and times as they are in the profile's zone, whatever zone the browser is in: a due day
  // (all day) is overdue once that day is over there.
  const timeZone = useTimeZone();
  if (!task.due_date && !task.due_on) return null;
  const overdue = isTaskOverdue(task, timeZone);
  const today = !overdue && task.status !== "done" && isTaskDueToday(task, timeZone);
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 text-xs",
        overdue && "font-semibold text-red-700 dark:text-red-400",
        today && "font-semibold text-emerald-700 dark:text-emerald-400",
        !overdue && !today && "text-zinc-600 dark:text-zinc-400",
      )}
      data-due-day={task.due_date ? undefined : task.due_on}
      title={formatTaskDueFull(task, timeZone)}
    >
      <CalendarClock className="size-3.5" aria-hidden="true" />
      <span>
        {overdue && <span className="sr-only">Overdue: </span>}
        {formatTaskDue(task, timeZone)}
      </span>
      {/* A recurring task always has a due (the API requires one): its rule rides here. */}
      {task.recurrence && <RepeatMark rule={task.recurrence} />}
    </span>
  );
}

/** A repeat icon whose tooltip and screen-reader text say the rule ("Repeats every Monday"). */
export function RepeatMark({ rule, className }: { rule: string; className?: string }) {
  const words = describeRecurrence(rule);
  return (
    <span className="inline-flex items-center" title={words}>
      <Repeat className={className ?? "size-3.5"} aria-hidden="true" />
      <span className="sr-only">{`. ${words}`}</span>
    </span>
  );
}

/** A subtask's parent ("↳ Ship release 2.0"), read as "Subtask of Ship release 2.0"; "Subtask"
 * alone when the page holds no copy of the parent. */
export function ParentBadge({ parentId }: { parentId: string }) {
  const title = useParentTitle(parentId);
  return (
    <span className="inline-flex max-w-56 items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
      <CornerDownRight className="size-3.5 shrink-0" aria-hidden="true" />
      <span className="truncate">
        {title ? (
          <>
            <span className="sr-only">Subtask of </span>
            {title}
          </>
        ) : (
          "Subtask"
        )}
      </span>
    </span>
  );
}

/** Done and all subtasks ("1/3"), read as "Subtasks done: 1/3"; nothing without subtasks. */
export function SubtaskCount({ task }: { task: Task }) {
  if (task.subtask_count <= 0) return null;
  return (
    <span className="text-xs text-zinc-600 dark:text-zinc-400">
      <span className="sr-only">Subtasks done: </span>
      {task.subtask_done_count}/{task.subtask_count}
    </span>
  );
}

export function LabelChip({ label, onClick }: { label: string; onClick?: () => void }) {
  const cls =
    "inline-flex max-w-40 items-center truncate rounded-full bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300";
  return onClick ? (
    <button
      type="button"
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      className={cn(cls, "hover:bg-zinc-200 dark:hover:bg-zinc-700")}
      aria-label={`Filter by label ${label}`}
    >
      #{label}
    </button>
  ) : (
    <span className={cls}>#{label}</span>
  );
}
