import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from "@dnd-kit/core";
import { AlertTriangle, ChevronLeft, ChevronRight, GripVertical } from "lucide-react";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { errorMessage } from "@/api/problem";
import { STATUSES, type Task, type TaskStatus } from "@/api/types";
import { cn } from "@/lib/cn";
import { useShortcuts } from "@/lib/useShortcuts";
import { Button, Spinner } from "@/ui/primitives";
import { editor } from "./editor";
import { FilterBar } from "./FilterBar";
import { claimFocus, focusWhenMounted, moveTaskFocus } from "./focusNav";
import { toApiQuery, useTaskFilters, type ApiTaskQuery } from "./filters";
import { useUpdateTask } from "./mutations";
import { QuickAdd } from "./QuickAdd";
import { useTaskList } from "./queries";
import { STATUS_LABEL } from "./statusPriorityDisplay";
import { DueBadge, LabelChip, PriorityBadge } from "./TaskBadges";
import { CompleteButton } from "./TaskItem";
import { useTaskKeys } from "./taskKeys";

const COLUMN_ACCENT: Record<TaskStatus, string> = {
  pending: "bg-zinc-400",
  in_progress: "bg-violet-500",
  done: "bg-emerald-500",
};

function Card({ task, overlay = false }: { task: Task; overlay?: boolean }) {
  const update = useUpdateTask();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: task.id,
    data: { task },
    disabled: task.id.startsWith("temp-") || overlay,
  });
  const idx = STATUSES.indexOf(task.status);
  const prev = STATUSES[idx - 1];
  const next = STATUSES[idx + 1];
  // Pointer drags start anywhere on the card; the keyboard uses the grip handle (Space, arrows,
  // Space), so no interactive control is nested inside another.
  const { onKeyDown, ...pointerListeners } = (listeners ?? {}) as Record<
    string,
    (e: unknown) => void
  >;
  const editRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!overlay && claimFocus(task.id)) editRef.current?.focus();
  }, [overlay, task.id]);
  // ←/→ on a focused card: one press, one whole column (the grip handle keeps dnd-kit's keys).
  const moveByKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
    if ((e.target as HTMLElement).closest("[aria-roledescription='draggable task']")) return;
    const to = e.key === "ArrowRight" ? next : e.key === "ArrowLeft" ? prev : undefined;
    if (!to || task.id.startsWith("temp-")) return;
    e.preventDefault();
    focusWhenMounted(task.id);
    update.mutate({ task, patch: { status: to } });
  };
  return (
    <li
      ref={overlay ? undefined : setNodeRef}
      {...(overlay ? {} : pointerListeners)}
      {...(overlay ? {} : { onKeyDown: moveByKey })}
      data-testid="board-card"
      data-task-id={task.id}
      className={cn(
        "group cursor-grab touch-manipulation rounded-lg border border-zinc-200 bg-white p-3 shadow-xs active:cursor-grabbing dark:border-zinc-800 dark:bg-zinc-900",
        isDragging && "opacity-40",
        overlay && "rotate-1 shadow-xl",
      )}
    >
      <div className="flex items-start gap-2.5">
        <CompleteButton task={task} />
        <div className="min-w-0 flex-1">
          <button
            ref={editRef}
            type="button"
            className="block w-full rounded text-left text-sm leading-snug font-medium break-words"
            onClick={() => editor.openEdit(task)}
            aria-label={`Edit “${task.title}”`}
          >
            <span
              className={cn(
                task.status === "done" && "text-zinc-500 line-through dark:text-zinc-400",
              )}
            >
              {task.title}
            </span>
          </button>
          {(task.due_date ||
            task.subtask_count > 0 ||
            task.due_on ||
            task.labels.length > 0 ||
            task.priority !== "medium") && (
            <div className="mt-2 flex flex-wrap items-center gap-x-2.5 gap-y-1">
              <DueBadge task={task} />
              {task.subtask_count > 0 && (
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  <span className="sr-only">Subtasks done: </span>
                  {task.subtask_done_count}/{task.subtask_count}
                </span>
              )}
              <PriorityBadge priority={task.priority} />
              {task.labels.map((l) => (
                <LabelChip key={l} label={l} />
              ))}
            </div>
          )}
        </div>
        {!overlay && (
          // One row: a column of controls made a title-only card taller than its text.
          <div className="-mr-1 flex shrink-0 items-center gap-0.5">
            <span
              {...attributes}
              {...(onKeyDown ? { onKeyDown } : {})}
              aria-roledescription="draggable task"
              aria-label={`Move “${task.title}”. Press space to pick up, arrows to move, space to drop.`}
              className="rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 max-sm:hidden dark:text-zinc-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-300"
            >
              <GripVertical className="size-4" aria-hidden="true" />
            </span>
            <div className="flex gap-0.5 sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
              {prev && (
                <button
                  type="button"
                  onClick={() => update.mutate({ task, patch: { status: prev } })}
                  className="rounded p-0.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
                  aria-label={`Move “${task.title}” to ${STATUS_LABEL[prev]}`}
                  title={`Move to ${STATUS_LABEL[prev]}`}
                >
                  <ChevronLeft className="size-4" aria-hidden="true" />
                </button>
              )}
              {next && (
                <button
                  type="button"
                  onClick={() => update.mutate({ task, patch: { status: next } })}
                  className="rounded p-0.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
                  aria-label={`Move “${task.title}” to ${STATUS_LABEL[next]}`}
                  title={`Move to ${STATUS_LABEL[next]}`}
                >
                  <ChevronRight className="size-4" aria-hidden="true" />
                </button>
              )}
            </div>
          </div>
        )}
      </div>
    </li>
  );
}

function Column({
  status,
  base,
  collapsed = false,
  onExpand,
}: {
  status: TaskStatus;
  base: ApiTaskQuery;
  /** Done is collapsed unless completed tasks are shown: its header keeps the count. */
  collapsed?: boolean;
  onExpand?: () => void;
}) {
  const query = useMemo(() => ({ ...base, status: [status] }), [base, status]);
  const list = useTaskList(query, 100);
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const tasks = list.data?.pages.flatMap((p) => p.items) ?? [];
  const headingId = `column-${status}`;
  const count = list.isSuccess ? `${tasks.length}${list.hasNextPage ? "+" : ""}` : "";
  if (collapsed)
    return (
      <section
        ref={setNodeRef}
        aria-labelledby={headingId}
        data-testid={`column-${status}`}
        className={cn(
          "relative flex w-[85vw] max-w-sm shrink-0 snap-start flex-col rounded-xl bg-zinc-100/80 p-2 transition-colors sm:w-48 sm:flex-none dark:bg-zinc-900/60",
          isOver && "bg-brand-50 ring-brand-500/40 dark:bg-brand-600/10 ring-2",
        )}
      >
        <h2 id={headingId} className="flex items-center gap-2 px-2 pt-1 pb-2 text-sm font-semibold">
          <span className={cn("size-2 rounded-full", COLUMN_ACCENT[status])} aria-hidden="true" />
          {STATUS_LABEL[status]}
          <span className="font-normal text-zinc-600 dark:text-zinc-400">{count}</span>
        </h2>
        <p className="px-2 text-xs text-zinc-600 dark:text-zinc-400">
          Completed tasks are hidden. Drop a card here to complete it.
        </p>
        <Button variant="secondary" size="sm" className="mx-1 mt-3" onClick={onExpand}>
          Show completed
        </Button>
      </section>
    );
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-testid={`column-${status}`}
      className={cn(
        "relative flex w-[85vw] max-w-sm shrink-0 snap-start flex-col rounded-xl bg-zinc-100/80 p-2 transition-colors sm:w-auto sm:max-w-none sm:min-w-0 sm:flex-1 dark:bg-zinc-900/60",
        isOver && "bg-brand-50 ring-brand-500/40 dark:bg-brand-600/10 ring-2",
      )}
    >
      <h2 id={headingId} className="flex items-center gap-2 px-2 pt-1 pb-2 text-sm font-semibold">
        <span className={cn("size-2 rounded-full", COLUMN_ACCENT[status])} aria-hidden="true" />
        {STATUS_LABEL[status]}
        <span className="font-normal text-zinc-600 dark:text-zinc-400">{count}</span>
      </h2>
      {list.isPending ? (
        <div className="space-y-2 p-1" aria-busy="true">
          {[0, 1, 2].map((i) => (
            <div
              key={i}
              className="h-16 animate-pulse rounded-lg bg-white/70 dark:bg-zinc-800/60"
            />
          ))}
        </div>
      ) : list.isError ? (
        <div className="p-3 text-sm text-red-700 dark:text-red-400" role="alert">
          <AlertTriangle className="mr-1 inline size-4" aria-hidden="true" />
          {errorMessage(list.error)}
        </div>
      ) : (
        <ul
          className="flex min-h-24 flex-col gap-2 p-1"
          aria-label={`${STATUS_LABEL[status]} tasks`}
        >
          {tasks.map((t) => (
            <Card key={t.id} task={t} />
          ))}
          {tasks.length === 0 && (
            <li className="rounded-lg border border-dashed border-zinc-300 px-3 py-6 text-center text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              Drop tasks here
            </li>
          )}
        </ul>
      )}
      {list.hasNextPage && (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? <Spinner /> : "Load more"}
        </Button>
      )}
      <div className="mt-1">
        <QuickAdd status={status} compact />
      </div>
    </section>
  );
}

export default function BoardPage() {
  const [filters, setFilters] = useTaskFilters();
  const base = useMemo(() => {
    const q = toApiQuery(filters);
    delete q.status;
    return q;
  }, [filters]);
  const update = useUpdateTask();
  const [dragging, setDragging] = useState<Task | null>(null);
  const keys = useMemo(() => ({ j: () => moveTaskFocus(1), k: () => moveTaskFocus(-1) }), []);
  useShortcuts(keys);
  useTaskKeys(); // e, d, 1–4, t on the focused card
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const task = active.data.current?.task as Task | undefined;
    const target = over?.id as TaskStatus | undefined;
    if (task && target && target !== task.status)
      update.mutate({ task, patch: { status: target } });
  };

  return (
    <div className="flex h-full min-w-0 flex-col px-4 py-5 sm:px-8 sm:py-8">
      <h1 className="mb-5 text-2xl font-bold tracking-tight">Board</h1>
      <FilterBar filters={filters} onChange={setFilters} showStatus={false} />
      <DndContext
        sensors={sensors}
        onDragStart={({ active }) => setDragging((active.data.current?.task as Task) ?? null)}
        onDragCancel={() => setDragging(null)}
        onDragEnd={onDragEnd}
        accessibility={{
          announcements: {
            onDragStart: ({ active }) => `Picked up ${(active.data.current?.task as Task)?.title}.`,
            onDragOver: ({ over }) =>
              over ? `Over ${STATUS_LABEL[over.id as TaskStatus]}.` : "Not over a column.",
            onDragEnd: ({ over }) =>
              over ? `Moved to ${STATUS_LABEL[over.id as TaskStatus]}.` : "Dropped.",
            onDragCancel: () => "Move cancelled.",
          },
        }}
      >
        <div className="relative -mx-4 mt-5 flex flex-1 snap-x snap-mandatory scroll-px-4 gap-3 overflow-x-auto px-4 pb-4 sm:mx-0 sm:px-0">
          {STATUSES.map((s) => (
            <Column
              key={s}
              status={s}
              base={base}
              collapsed={s === "done" && !filters.showDone}
              onExpand={() => setFilters({ showDone: true })}
            />
          ))}
        </div>
        <DragOverlay>
          {dragging ? (
            <ul>
              <Card task={dragging} overlay />
            </ul>
          ) : null}
        </DragOverlay>
      </DndContext>
    </div>
  );
}
