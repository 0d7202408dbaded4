import {
  closestCorners,
  DndContext,
  DragOverlay,
  pointerWithin,
  useDroppable,
  type Active,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type Over,
} from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, ChevronLeft, ChevronRight } from "lucide-react";
import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from "react";
import { errorMessage } from "@/api/problem";
import { STATUSES, type Task, type TaskStatus } from "@/api/types";
import { cn } from "@/lib/cn";
import { useShortcuts } from "@/lib/useShortcuts";
import { Button, Spinner } from "@/ui/primitives";
import { hasBadges } from "./badges";
import { DragHandle } from "./DragHandle";
import { useSortableTask, useTaskDragSensors } from "./dragSensors";
import { editor } from "./editor";
import { FilterBar } from "./FilterBar";
import { claimFocus, focusWhenMounted, moveTaskFocus } from "./focusNav";
import { toApiQuery, useTaskFilters, type ApiTaskQuery } from "./filters";
import { useUpdateTask } from "./mutations";
import { QuickAdd } from "./QuickAdd";
import { useTaskList } from "./queries";
import { dropMove, moveInOrder, type Move } from "./reorder";
import { NO_SELECTION, selectRange, toggleSelected, type Selection } from "./selection";
import { STATUS_LABEL } from "./statusPriorityDisplay";
import { DueBadge, LabelChip, ParentBadge, PriorityBadge, SubtaskCount } from "./TaskBadges";
import { ParentTitles, useParentTitles } from "./parentTitles";
import { CompleteButton } from "./TaskItem";
import { useTaskKeys } from "./taskKeys";
import { rowKey } from "./createdTasks";

// The bulk bar (and its mutation code) loads on the first selection, as in the list.
const BulkBar = lazy(() => import("./BulkBar"));

/** Where a card dragged into another column would land: above or below the card under it. */
type DropHint = { id: string; side: "before" | "after" } | null;

/** Cards under the pointer win over the column around them; the keyboard (no pointer) goes by corners. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const cards = hits.filter((h) => h.data?.droppableContainer?.data.current?.type === "card");
  if (cards.length) return cards;
  if (hits.length) return hits;
  return closestCorners(args);
};

/** Below the middle of the card it is over: the dragged card goes after it. */
function sideOf(active: Active, over: Over): "before" | "after" {
  const r = active.rect.current.translated;
  return r && r.top + r.height / 2 > over.rect.top + over.rect.height / 2 ? "after" : "before";
}

const COLUMN_ACCENT: Record<TaskStatus, string> = {
  pending: "bg-zinc-400",
  in_progress: "bg-violet-500",
  done: "bg-emerald-500",
};

/** A card's button to the column on its left or right (the keyboard's ←/→ do the same). */
/** One column left or right: the arrow points the way the card goes. */
function MoveButton({
  task,
  to,
  onMove,
}: {
  task: Task;
  to: TaskStatus;
  onMove: (to: TaskStatus) => void;
}) {
  const Arrow = STATUSES.indexOf(to) < STATUSES.indexOf(task.status) ? ChevronLeft : ChevronRight;
  return (
    <button
      type="button"
      onClick={() => onMove(to)}
      className="rounded p-0.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
      aria-label={`Move “${task.title}” to ${STATUS_LABEL[to]}`}
      title={`Move to ${STATUS_LABEL[to]}`}
    >
      <Arrow className="size-4" aria-hidden="true" />
    </button>
  );
}

function Card({
  task,
  overlay = false,
  selected = false,
  onSelect,
  hint,
}: {
  task: Task;
  overlay?: boolean;
  selected?: boolean;
  /** Shift-click selects a range, Ctrl/Cmd-click toggles (the board's multi-select). */
  onSelect?: (mode: "range" | "toggle") => void;
  /** A drop from another column would land on this side of the card. */
  hint?: "before" | "after" | undefined;
}) {
  const update = useUpdateTask();
  const saving = task.id.startsWith("temp-");
  const { setNodeRef, isDragging, style, pointerListeners, grip } = useSortableTask({
    id: task.id,
    data: { task, type: "card" },
    disabled: overlay,
  });
  const idx = STATUSES.indexOf(task.status);
  const prev = STATUSES[idx - 1];
  const next = STATUSES[idx + 1];
  const editRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!overlay && claimFocus(rowKey(task.id))) editRef.current?.focus();
  }, [overlay, task.id]);
  const moveTo = (to: TaskStatus) => update.mutate({ task, patch: { status: to } });
  // ←/→ on a focused card: one press, one whole column (the grip handle keeps dnd-kit's keys).
  const moveByKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented) return;
    if ((e.target as HTMLElement).closest("[aria-roledescription='draggable task']")) return;
    const to = e.key === "ArrowRight" ? next : e.key === "ArrowLeft" ? prev : undefined;
    if (!to) return;
    e.preventDefault();
    // By the row's key: a new card may be saved (and change its id) before it remounts.
    focusWhenMounted(rowKey(task.id));
    moveTo(to);
  };
  return (
    <li
      ref={overlay ? undefined : setNodeRef}
      style={overlay ? undefined : style}
      {...(overlay ? {} : pointerListeners)}
      {...(overlay ? {} : { onKeyDown: moveByKey })}
      onClickCapture={(e) => {
        if (!onSelect || saving || !(e.shiftKey || e.metaKey || e.ctrlKey)) return;
        e.preventDefault();
        e.stopPropagation();
        onSelect(e.shiftKey ? "range" : "toggle");
      }}
      data-testid="board-card"
      data-task-id={task.id}
      data-selected={selected || undefined}
      className={cn(
        "group relative cursor-grab touch-manipulation rounded-lg border p-3 shadow-xs active:cursor-grabbing",
        // No class merging here (clsx): the selected look replaces the plain one, not overrides it.
        selected
          ? "border-brand-500 bg-brand-50 ring-brand-500/40 dark:border-brand-500 dark:bg-brand-600/20 ring-2"
          : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900",
        isDragging && "opacity-40",
        overlay && "rotate-1 shadow-xl",
      )}
    >
      {hint && (
        <span
          aria-hidden="true"
          className={cn(
            "bg-brand-500 absolute inset-x-1 h-0.5 rounded-full",
            hint === "before" ? "-top-1.5" : "-bottom-1.5",
          )}
        />
      )}
      <div className="flex items-start gap-2.5">
        <CompleteButton task={task} />
        <div className="min-w-0 flex-1">
          <button
            ref={editRef}
            type="button"
            className="block w-full rounded text-left text-sm leading-snug font-medium break-words"
            onClick={() => editor.openEdit(task)}
            aria-label={`Edit “${task.title}”${selected ? ", selected" : ""}`}
          >
            <span
              className={cn(
                task.status === "done" && "text-zinc-500 line-through dark:text-zinc-400",
              )}
            >
              {task.title}
            </span>
          </button>
          {hasBadges(task) && (
            <div className="mt-2 flex flex-wrap items-center gap-x-2.5 gap-y-1">
              {task.parent_id && <ParentBadge parentId={task.parent_id} />}
              <DueBadge task={task} />
              <SubtaskCount task={task} />
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
            <DragHandle {...grip} verb="Move" title={task.title} className="max-sm:hidden" />
            <div className="flex gap-0.5 sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
              {prev && <MoveButton task={task} to={prev} onMove={moveTo} />}
              {next && <MoveButton task={task} to={next} onMove={moveTo} />}
            </div>
          </div>
        )}
      </div>
    </li>
  );
}

type ColumnList = ReturnType<typeof useTaskList>;

function Column({
  status,
  list,
  tasks,
  collapsed = false,
  onExpand,
  selected,
  onSelect,
  hint,
}: {
  status: TaskStatus;
  list: ColumnList;
  tasks: readonly Task[];
  /** Done is collapsed unless completed tasks are shown: its header keeps the count. */
  collapsed?: boolean;
  onExpand?: () => void;
  selected: ReadonlySet<string>;
  onSelect: (id: string, mode: "range" | "toggle") => void;
  hint: DropHint;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: status, data: { type: "column", status } });
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const headingId = `column-${status}`;
  const count = list.isSuccess ? `${tasks.length}${list.hasNextPage ? "+" : ""}` : "";
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={headingId}
      data-testid={`column-${status}`}
      className={cn(
        "relative flex w-[85vw] max-w-sm shrink-0 snap-start flex-col rounded-xl bg-zinc-100/80 p-2 transition-colors dark:bg-zinc-900/60",
        collapsed ? "sm:w-48 sm:flex-none" : "sm:w-auto sm:max-w-none sm:min-w-0 sm:flex-1",
        isOver && "bg-brand-50 ring-brand-500/40 dark:bg-brand-600/10 ring-2",
      )}
    >
      <h2 id={headingId} className="flex items-center gap-2 px-2 pt-1 pb-2 text-sm font-semibold">
        <span className={cn("size-2 rounded-full", COLUMN_ACCENT[status])} aria-hidden="true" />
        {STATUS_LABEL[status]}
        <span className="font-normal text-zinc-600 dark:text-zinc-400">{count}</span>
      </h2>
      {collapsed ? (
        <>
          <p className="px-2 text-xs text-zinc-600 dark:text-zinc-400">
            Completed tasks are hidden. Drop a card here to complete it.
          </p>
          <Button variant="secondary" size="sm" className="mx-1 mt-3" onClick={onExpand}>
            Show completed
          </Button>
        </>
      ) : (
        <>
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
              <SortableContext items={ids} strategy={verticalListSortingStrategy}>
                {tasks.map((t) => (
                  <Card
                    key={rowKey(t.id)}
                    task={t}
                    selected={selected.has(t.id)}
                    onSelect={(mode) => onSelect(t.id, mode)}
                    hint={hint?.id === t.id ? hint.side : undefined}
                  />
                ))}
              </SortableContext>
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
        </>
      )}
    </section>
  );
}

/** The board's three columns, each in the manual order (`sort=position`) whatever the list's sort. */
function useColumns(base: ApiTaskQuery) {
  const lists = {
    pending: useTaskList(
      useMemo(() => ({ ...base, status: ["pending" as const] }), [base]),
      100,
    ),
    in_progress: useTaskList(
      useMemo(() => ({ ...base, status: ["in_progress" as const] }), [base]),
      100,
    ),
    done: useTaskList(
      useMemo(() => ({ ...base, status: ["done" as const] }), [base]),
      100,
    ),
  } satisfies Record<TaskStatus, ColumnList>;
  const tasks = {
    pending: useMemo(
      () => lists.pending.data?.pages.flatMap((p) => p.items) ?? [],
      [lists.pending.data],
    ),
    in_progress: useMemo(
      () => lists.in_progress.data?.pages.flatMap((p) => p.items) ?? [],
      [lists.in_progress.data],
    ),
    done: useMemo(() => lists.done.data?.pages.flatMap((p) => p.items) ?? [], [lists.done.data]),
  } satisfies Record<TaskStatus, Task[]>;
  return { lists, tasks };
}

export default function BoardPage() {
  const [filters, setFilters] = useTaskFilters();
  const base = useMemo(() => {
    const q = toApiQuery(filters);
    delete q.status;
    // Cards keep the order people give them (drag within a column), not the list's sort.
    q.sort = "position";
    return q;
  }, [filters]);
  const { lists, tasks } = useColumns(base);
  const qc = useQueryClient();
  const update = useUpdateTask();
  const [dragging, setDragging] = useState<Task | null>(null);
  const [hint, setHint] = useState<DropHint>(null);
  const shown = useMemo(
    () => STATUSES.filter((s) => s !== "done" || filters.showDone),
    [filters.showDone],
  );
  const order = useMemo(() => shown.flatMap((s) => tasks[s].map((t) => t.id)), [shown, tasks]);
  const everyCard = useMemo(
    () => [...tasks.pending, ...tasks.in_progress, ...tasks.done],
    [tasks.pending, tasks.in_progress, tasks.done],
  );
  const parentTitles = useParentTitles(everyCard);

  // The selection belongs to one board: other filters start with none (compared by value: a new
  // but equal query object keeps it).
  const boardKey = JSON.stringify(base);
  const [held, setHeld] = useState({ key: boardKey, sel: NO_SELECTION });
  const selected = held.key === boardKey ? held.sel.ids : NO_SELECTION.ids;
  const setSel = useCallback(
    (step: (s: Selection) => Selection) =>
      setHeld((h) => ({ key: boardKey, sel: step(h.key === boardKey ? h.sel : NO_SELECTION) })),
    [boardKey],
  );
  const onSelect = useCallback(
    (id: string, mode: "range" | "toggle") =>
      setSel((s) => (mode === "range" ? selectRange(s, order, id) : toggleSelected(s, id))),
    [setSel, order],
  );
  const selectedTasks = useMemo(
    () => shown.flatMap((s) => tasks[s]).filter((t) => selected.has(t.id)),
    [shown, tasks, selected],
  );

  const keys = useMemo(
    () => ({
      j: () => moveTaskFocus(1),
      k: () => moveTaskFocus(-1),
      x: () => {
        const id = document.activeElement?.closest<HTMLElement>("[data-task-id]")?.dataset.taskId;
        if (id && !id.startsWith("temp-")) setSel((s) => toggleSelected(s, id));
      },
      Escape: () => setSel(() => NO_SELECTION),
    }),
    [setSel],
  );
  useShortcuts(keys);
  // e, d on the focused card; 1–4, t on the selection when there is one, else the focused card.
  const clearSelection = useCallback(() => setSel(() => NO_SELECTION), [setSel]);
  useTaskKeys({ selection: selectedTasks, onApplied: clearSelection });
  const sensors = useTaskDragSensors();

  /** The column a droppable belongs to: a card's status, or the column itself. */
  const columnOf = (over: Over): TaskStatus | undefined =>
    over.data.current?.type === "card"
      ? (over.data.current.task as Task).status
      : (over.data.current?.status as TaskStatus | undefined);

  const onDragMove = ({ active, over }: DragMoveEvent) => {
    const task = active.data.current?.task as Task | undefined;
    const next: DropHint =
      task && over?.data.current?.type === "card" && columnOf(over) !== task.status
        ? { id: String(over.id), side: sideOf(active, over) }
        : null;
    setHint((h) => (h?.id === next?.id && h?.side === next?.side ? h : next));
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    setHint(null);
    const task = active.data.current?.task as Task | undefined;
    const to = over && columnOf(over);
    if (!task || !over || !to) return;
    const from = tasks[task.status].map((t) => t.id);
    if (to === task.status) {
      // Within a column: the card takes the place of the card it is dropped on.
      const target = over.data.current?.type === "card" && dropMove(from, task.id, String(over.id));
      if (target) void moveInOrder(qc, from, task, target);
      return;
    }
    if (to === "done") {
      // Completing goes through the complete mutation (open-subtasks prompt, recurrence, undo).
      update.mutate({ task, patch: { status: to } });
      return;
    }
    // Into another column at a place: status and position in one move.
    const move: Move =
      over.data.current?.type === "card"
        ? sideOf(active, over) === "after"
          ? { after_id: String(over.id), status: to }
          : { before_id: String(over.id), status: to }
        : { status: to };
    void moveInOrder(qc, from, task, move);
  };

  return (
    <ParentTitles.Provider value={parentTitles}>
      <div className="flex h-full min-w-0 flex-col px-4 py-5 sm:px-8 sm:py-8">
        <h1 className="mb-5 text-2xl font-bold tracking-tight">Board</h1>
        <FilterBar filters={filters} onChange={setFilters} showStatus={false} showSort={false} />
        <DndContext
          sensors={sensors}
          collisionDetection={collision}
          onDragStart={({ active }) => setDragging((active.data.current?.task as Task) ?? null)}
          onDragMove={onDragMove}
          onDragCancel={() => {
            setDragging(null);
            setHint(null);
          }}
          onDragEnd={onDragEnd}
          accessibility={{
            announcements: {
              onDragStart: ({ active }) =>
                `Picked up ${(active.data.current?.task as Task)?.title}.`,
              onDragOver: ({ over }) =>
                over
                  ? over.data.current?.type === "card"
                    ? `Over ${(over.data.current.task as Task).title} in ${STATUS_LABEL[columnOf(over)!]}.`
                    : `Over ${STATUS_LABEL[columnOf(over)!]}.`
                  : "Not over a column.",
              onDragEnd: ({ over }) =>
                over ? `Dropped in ${STATUS_LABEL[columnOf(over)!]}.` : "Dropped.",
              onDragCancel: () => "Move cancelled.",
            },
          }}
        >
          <div className="relative -mx-4 mt-5 flex flex-1 snap-x snap-mandatory scroll-px-4 gap-3 overflow-x-auto px-4 pb-4 sm:mx-0 sm:px-0">
            {STATUSES.map((s) => (
              <Column
                key={s}
                status={s}
                list={lists[s]}
                tasks={tasks[s]}
                collapsed={s === "done" && !filters.showDone}
                onExpand={() => setFilters({ showDone: true })}
                selected={selected}
                onSelect={onSelect}
                hint={hint}
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
        {selectedTasks.length > 0 && (
          <Suspense fallback={null}>
            <BulkBar tasks={selectedTasks} onClear={() => setSel(() => NO_SELECTION)} />
          </Suspense>
        )}
      </div>
    </ParentTitles.Provider>
  );
}
