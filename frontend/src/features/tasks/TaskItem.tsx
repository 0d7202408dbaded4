import { Check, Pencil, Trash2 } from "lucide-react";
import type { CSSProperties, ReactNode } from "react";
import type { Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { useTimeZone } from "@/features/auth/context";
import { isTaskOverdue } from "@/lib/dates";
import { AssigneeInitials } from "./AssigneeInitials";
import { hasBadges } from "./badges";
import { useDeleteTask, useUpdateTask } from "./mutations";
import { PRIORITY_RING } from "./statusPriorityDisplay";
import { DueBadge, LabelChip, ParentBadge, PriorityBadge, SubtaskCount } from "./TaskBadges";
import { useOpenTask } from "./taskRoute";
import { useTaskWaiting } from "./waiting";

export function CompleteButton({ task, readOnly = false }: { task: Task; readOnly?: boolean }) {
  const update = useUpdateTask();
  const done = task.status === "done";
  // A viewer sees whether it is done, with nothing to press (the API would refuse it).
  if (readOnly)
    return (
      <span
        role="img"
        aria-label={done ? "Done" : "Not done"}
        className={cn(
          "mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full border-2 border-dashed",
          done ? "border-zinc-400 text-zinc-500" : "border-zinc-300 dark:border-zinc-600",
        )}
      >
        {done && <Check className="size-3" strokeWidth={3} aria-hidden="true" />}
      </span>
    );
  return (
    <button
      type="button"
      role="checkbox"
      aria-checked={done}
      aria-label={done ? `Mark “${task.title}” as not done` : `Complete “${task.title}”`}
      onClick={(e) => {
        e.stopPropagation();
        update.mutate({ task, patch: { status: done ? "pending" : "done" } });
      }}
      className={cn(
        "group/check mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full border-2 transition-colors",
        done
          ? "border-zinc-400 bg-zinc-400 text-white dark:border-zinc-500 dark:bg-zinc-500"
          : PRIORITY_RING[task.priority],
      )}
    >
      <Check
        className={cn("size-3", done ? "opacity-100" : "opacity-0 group-hover/check:opacity-60")}
        strokeWidth={3}
        aria-hidden="true"
      />
    </button>
  );
}

/** What a sortable list (manual order) hands a row: its node, motion, pointer keys and grip. */
export interface RowDrag {
  ref: (el: HTMLElement | null) => void;
  style: CSSProperties;
  /** Pointer and touch listeners: a drag may start anywhere on the row. */
  listeners: Record<string, unknown>;
  /** The grip (keyboard drag: Space, arrows, Space). */
  handle: ReactNode;
  dragging: boolean;
}

export function TaskItem({
  task,
  onLabel,
  selected = false,
  onSelect,
  picking = false,
  drag,
  readOnly = false,
}: {
  task: Task;
  onLabel?: (label: string) => void;
  selected?: boolean;
  /** Shift-click selects a range, Ctrl/Cmd-click toggles (the list's multi-select). */
  onSelect?: (mode: "range" | "toggle") => void;
  /** The list's "Select" mode (phones): the row's title toggles its selection, opens nothing. */
  picking?: boolean;
  drag?: RowDrag | undefined;
  /** A viewer's row: opens the task to read, offers no write. */
  readOnly?: boolean;
}) {
  const remove = useDeleteTask();
  const openTask = useOpenTask();
  const done = task.status === "done";
  const timeZone = useTimeZone();
  const overdue = isTaskOverdue(task, timeZone);
  const saving = task.id.startsWith("temp-");
  const waiting = useTaskWaiting(task.id);
  // The title and the pencil are one action: open the editor, not before the task exists.
  const opensEditor = { type: "button", onClick: () => openTask(task), disabled: saving } as const;
  return (
    <li
      ref={drag?.ref}
      style={drag?.style}
      {...drag?.listeners}
      data-testid="task-item"
      data-task-id={task.id}
      data-selected={selected || undefined}
      data-waiting={waiting || undefined}
      onClickCapture={(e) => {
        if (!onSelect || saving || !(e.shiftKey || e.metaKey || e.ctrlKey)) return;
        e.preventDefault();
        e.stopPropagation();
        onSelect(e.shiftKey ? "range" : "toggle");
      }}
      className={cn(
        "group relative flex items-start gap-3 border-b border-zinc-200/80 px-1 py-3 dark:border-zinc-800",
        saving && "opacity-60",
        selected && "bg-brand-50 dark:bg-brand-600/10",
        drag && "touch-manipulation",
        drag?.dragging && "z-10 bg-white shadow-lg dark:bg-zinc-900",
      )}
    >
      {drag?.handle}
      <CompleteButton task={task} readOnly={readOnly} />
      <div className="min-w-0 flex-1">
        <button
          {...(picking && onSelect
            ? {
                type: "button",
                onClick: () => onSelect("toggle"),
                disabled: saving,
                "aria-pressed": selected,
                "aria-label": `Select “${task.title}”${waiting ? ", waiting to be sent" : ""}`,
              }
            : {
                ...opensEditor,
                "aria-label": `${readOnly ? "Open" : "Edit"} “${task.title}”${selected ? ", selected" : ""}${waiting ? ", waiting to be sent" : ""}`,
              })}
          className="block w-full rounded text-left"
        >
          <span
            data-testid="task-title"
            className={cn(
              "block text-[15px] leading-snug break-words",
              done && "text-zinc-500 line-through dark:text-zinc-400",
            )}
          >
            {task.title}
          </span>
          {waiting && (
            <span className="mt-0.5 block text-xs font-medium text-amber-800 dark:text-amber-300">
              Waiting to be sent
            </span>
          )}
          {task.description && (
            <span className="mt-0.5 line-clamp-1 block text-[13px] text-zinc-600 dark:text-zinc-400">
              {task.description}
            </span>
          )}
        </button>
        {(hasBadges(task) || task.status === "in_progress") && (
          <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1">
            {task.parent_id && <ParentBadge parentId={task.parent_id} />}
            <DueBadge task={task} />
            <SubtaskCount task={task} />
            {task.status === "in_progress" && (
              <span className="inline-flex items-center gap-1 text-xs font-medium text-violet-700 dark:text-violet-400">
                <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
                In progress
              </span>
            )}
            <PriorityBadge priority={task.priority} />
            {task.labels.map((l) => (
              <LabelChip key={l} label={l} {...(onLabel ? { onClick: () => onLabel(l) } : {})} />
            ))}
          </div>
        )}
      </div>
      {overdue && <span className="sr-only">This task is overdue.</span>}
      <AssigneeInitials task={task} />
      {!readOnly && (
        <div className="flex shrink-0 items-center gap-0.5 opacity-100 transition-opacity sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
          <button
            {...opensEditor}
            className="rounded-md p-1.5 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 max-sm:hidden dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
            aria-label={`Edit details of “${task.title}”`}
            tabIndex={-1}
          >
            <Pencil className="size-4" aria-hidden="true" />
          </button>
          <button
            type="button"
            onClick={() => remove(task)}
            // Phones get no one-tap delete on every row: delete is in the editor (with Undo).
            className="rounded-md p-1.5 text-zinc-600 hover:bg-red-50 hover:text-red-700 max-sm:hidden dark:text-zinc-400 dark:hover:bg-red-950/50 dark:hover:text-red-400"
            aria-label={`Delete “${task.title}”`}
          >
            <Trash2 className="size-4" aria-hidden="true" />
          </button>
        </div>
      )}
    </li>
  );
}
