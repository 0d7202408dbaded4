import type { Priority, TaskStatus } from "@/api/types";

// How a task's status and priority are shown: display names and colour classes. (A task's
// labels, the user's own tags, are a different thing: LabelInput and LabelChip.)

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
