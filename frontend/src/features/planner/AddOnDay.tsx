import { Plus } from "lucide-react";
import { editor } from "@/features/tasks/editor";
import { cn } from "@/lib/cn";
import { longDay } from "./days";

/**
 * "+" on a planner day: the task editor opens on a new task due that day. From sm up it shows
 * while its day (a `group`) is hovered or holds the focus; a phone always shows it.
 */
export function AddOnDay({ day, className }: { day: string; className?: string }) {
  return (
    <button
      type="button"
      aria-label={`Add a task on ${longDay(day)}`}
      onClick={() => editor.openNew(day)}
      className={cn(
        "grid size-6 shrink-0 place-items-center rounded text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus:opacity-100 sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
        className,
      )}
    >
      <Plus className="size-4" aria-hidden="true" />
    </button>
  );
}
