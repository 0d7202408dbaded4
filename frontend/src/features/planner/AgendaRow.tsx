import { clockTime } from "@/lib/dates";
import type { Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { useMediaQuery } from "@/lib/useMediaQuery";
import {
  CompleteButton,
  ParentBadge,
  PriorityBadge,
  RepeatMark,
  SubtaskCount,
  useOpenTask,
} from "@/features/tasks/views";
import type { Occurrence } from "./agenda";
import { dayLabel } from "./dayMath";
import { usePointerDrag } from "./drag";

/**
 * One task in Upcoming: dragged by pointer or touch onto another day, or moved with the
 * "Move to" menu (the keyboard's way, and a screen reader's).
 */
export function AgendaRow({
  task,
  day,
  days,
  today,
  timeZone,
  onMove,
}: {
  task: Task;
  day: string;
  days: string[];
  today: string;
  timeZone: string;
  onMove: (task: Task, day: string) => void;
}) {
  const openTask = useOpenTask();
  // Pointer and touch start a drag anywhere on the row; the keyboard uses the "Move to" menu.
  const { setNodeRef, dragProps, isDragging } = usePointerDrag(task.id, { task, day });
  const roomy = useMediaQuery("(min-width: 640px)");
  return (
    <li
      ref={setNodeRef}
      {...dragProps}
      data-testid="agenda-item"
      data-task-id={task.id}
      className={cn(
        "flex cursor-grab touch-manipulation items-start gap-3 border-b border-zinc-200/80 px-1 py-3 dark:border-zinc-800",
        isDragging && "opacity-60",
      )}
    >
      <CompleteButton task={task} />
      <div className="min-w-0 flex-1">
        <button
          type="button"
          onClick={() => openTask(task)}
          className="block w-full rounded text-left text-[15px] leading-snug break-words"
          aria-label={`Edit “${task.title}”`}
        >
          {task.title}
        </button>
        <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          {task.parent_id && <ParentBadge parentId={task.parent_id} />}
          {task.due_date && <span>{clockTime(new Date(task.due_date), timeZone)}</span>}
          {task.recurrence && <RepeatMark rule={task.recurrence} />}
          <SubtaskCount task={task} />
          <PriorityBadge priority={task.priority} />
        </div>
      </div>
      <label className="sr-only" htmlFor={`move-${task.id}`}>
        Move “{task.title}” to another day
      </label>
      {/* Uncontrolled: the row moves to its new day only when the agenda re-renders, a tick after
          the change; a controlled menu went back to the old day till then, so a second quick
          arrow press moved the task to the day it was already on. A moved row is a new element. */}
      <select
        id={`move-${task.id}`}
        defaultValue={day}
        onChange={(e) => onMove(task, e.target.value)}
        onPointerDown={(e) => e.stopPropagation()}
        // Narrow on a phone, where the longest day ("Wednesday 16 December") took the title's
        // room: there the days are short ("Wed 16 Dec"), whole in the narrow box.
        className="h-8 w-32 rounded-md border border-zinc-300 bg-white px-2 text-xs text-zinc-800 sm:w-auto dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {days.map((d) => (
          <option key={d} value={d}>
            {dayLabel(d, today, undefined, !roomy)}
          </option>
        ))}
      </select>
    </li>
  );
}

/**
 * A later occurrence of a repeating task in Upcoming: where completing the task would roll it.
 * Not completable or movable itself (the task is, on its own due); opens the task's editor.
 */
export function RepeatRow({
  occurrence,
  day,
  today,
  timeZone,
}: {
  occurrence: Occurrence;
  day: string;
  today: string;
  timeZone: string;
}) {
  const openTask = useOpenTask();
  const { task, due_date } = occurrence;
  return (
    <li
      data-testid="agenda-repeat"
      data-task-id={task.id}
      className="flex items-start gap-3 border-b border-zinc-200/80 px-1 py-3 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
    >
      <span className="grid size-6 shrink-0 place-items-center">
        {task.recurrence && <RepeatMark rule={task.recurrence} className="size-4" />}
      </span>
      <div className="min-w-0 flex-1">
        <button
          type="button"
          onClick={() => openTask(task)}
          className="block w-full rounded text-left text-[15px] leading-snug break-words"
          aria-label={`“${task.title}” repeats ${dayLabel(day, today)}: edit the task`}
        >
          {task.title}
        </button>
        {(due_date || task.priority !== "medium") && (
          <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
            {due_date && <span>{clockTime(new Date(due_date), timeZone)}</span>}
            <PriorityBadge priority={task.priority} />
          </div>
        )}
      </div>
    </li>
  );
}
