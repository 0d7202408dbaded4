import { CalendarClock, Flag } from "lucide-react";
import type { Priority, Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { dayBoundary, formatDue, isDueToday, isOverdue } from "@/lib/dates";
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
  // A due day (all day) shows as its date and is overdue once that day is over.
  const at = task.due_date ?? (task.due_on && dayBoundary(task.due_on, "start"));
  if (!at) return null;
  const overdue = isOverdue(task.due_date ?? dayBoundary(task.due_on!, "end"), task.status);
  const today = !overdue && task.status !== "done" && isDueToday(at);
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 text-xs",
        overdue && "font-semibold text-red-700 dark:text-red-400",
        today && "font-semibold text-emerald-700 dark:text-emerald-400",
        !overdue && !today && "text-zinc-600 dark:text-zinc-400",
      )}
      title={task.due_date ? new Date(at).toLocaleString() : new Date(at).toLocaleDateString()}
    >
      <CalendarClock className="size-3.5" aria-hidden="true" />
      <span>
        {overdue && <span className="sr-only">Overdue: </span>}
        {formatDue(at)}
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
