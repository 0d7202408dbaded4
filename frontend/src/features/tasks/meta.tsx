import { CalendarClock, Flag } from "lucide-react";
import type { Priority, Task, TaskStatus } from "@/api/types";
import { cn } from "@/lib/cn";
import { formatDue, isDueToday, isOverdue } from "@/lib/dates";

export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: "To do",
  in_progress: "In progress",
  done: "Done",
};

export const PRIORITY_LABEL: Record<Priority, string> = {
  urgent: "Urgent",
  high: "High",
  medium: "Medium",
  low: "Low",
};

/** Text colours that keep 4.5:1 contrast on both themes. */
export const PRIORITY_TEXT: Record<Priority, string> = {
  urgent: "text-red-700 dark:text-red-400",
  high: "text-orange-700 dark:text-orange-400",
  medium: "text-blue-700 dark:text-blue-400",
  low: "text-zinc-600 dark:text-zinc-400",
};

export const PRIORITY_RING: Record<Priority, string> = {
  urgent: "border-red-600 bg-red-50 dark:bg-red-500/15",
  high: "border-orange-500 bg-orange-50 dark:bg-orange-500/15",
  medium: "border-blue-500 bg-blue-50 dark:bg-blue-500/15",
  low: "border-zinc-400 dark:border-zinc-500",
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === "medium") return null;
  return (
    <span className={cn("inline-flex items-center gap-1 text-xs font-medium", PRIORITY_TEXT[priority])}>
      <Flag className="size-3.5" aria-hidden="true" />
      {PRIORITY_LABEL[priority]}
    </span>
  );
}

export function DueBadge({ task }: { task: Task }) {
  if (!task.due_date) return null;
  const overdue = isOverdue(task.due_date, task.status);
  const today = !overdue && task.status !== "done" && isDueToday(task.due_date);
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 text-xs",
        overdue && "font-semibold text-red-700 dark:text-red-400",
        today && "font-semibold text-emerald-700 dark:text-emerald-400",
        !overdue && !today && "text-zinc-600 dark:text-zinc-400",
      )}
      title={new Date(task.due_date).toLocaleString()}
    >
      <CalendarClock className="size-3.5" aria-hidden="true" />
      <span>
        {overdue && <span className="sr-only">Overdue: </span>}
        {formatDue(task.due_date)}
      </span>
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
