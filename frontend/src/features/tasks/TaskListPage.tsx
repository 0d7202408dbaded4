import { useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, SearchX } from "lucide-react";
import { useLocation } from "react-router";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useShortcuts } from "@/lib/useShortcuts";
import { useQuery } from "@tanstack/react-query";
import type { Project } from "@/features/projects/api";
import { COLOUR_HEX } from "@/features/projects/colours";
import { canWrite, useProjectRole } from "@/features/projects/role";
import { Button, EmptyState, Spinner } from "@/ui/primitives";
import { FilterBar } from "./FilterBar";
import { activeFilterCount, toApiQuery, useTaskFilters } from "./filters";
import { QuickAdd } from "./QuickAdd";
import { ParentTitles, useParentTitles } from "./parentTitles";
import { useTaskList } from "./queries";
import { NO_SELECTION, selectRange, toggleSelected, type Selection } from "./selection";
import { TaskItem, type RowDrag } from "./TaskItem";
import { useTaskKeys } from "./taskKeys";
import { useTaskRoute } from "./taskRoute";
import { QueryLoadError } from "./QueryLoadError";
import { rowKey } from "./createdTasks";
import { useOpenView } from "@/features/views/open";

// Rarely shown (a bad /tasks/:id link): not part of the first download.
const TaskNotFound = lazy(() => import("./TaskNotFound"));
// The bulk bar (and its mutation code) loads on the first selection, not with the list.
const BulkBar = lazy(() => import("./BulkBar"));
// Only a project's list has a header (its description, edit and publish): /tasks never loads it.
const ProjectHeader = lazy(() => import("@/features/projects/ProjectHeader"));
// Drag reordering (dnd-kit) loads only for the manual order.
const SortableTaskList = lazy(() => import("./SortableTaskList"));

// j/k focus code loads on the first press: the initial route stays within its byte budget. Once
// loaded it runs at once, and `x` waits for a j/k still loading: an `x` right after `j` must see
// the row `j` focused (through import() every press resolved a task later, so a quick `x` could
// toggle the row before; a suspected cause of bulk.spec's flaky "selection lost after x", not
// reproduced in 6 runs of the old code).
let nav: typeof import("./focusNav") | undefined;
let navLoading: Promise<unknown> = Promise.resolve();
const walk = (delta: 1 | -1) => {
  if (nav) return nav.moveTaskFocus(delta);
  navLoading = navLoading
    .then(() => import("./focusNav"))
    .then((m) => {
      nav = m;
      m.moveTaskFocus(delta);
    });
};
/** Run `fn` after any j/k still waiting for its code. */
const afterWalk = (fn: () => void) => (nav ? fn() : void navLoading.then(fn));

/** The task row holding the keyboard focus, if any. */
const focusedTaskId = () =>
  document.activeElement?.closest<HTMLElement>("[data-task-id]")?.dataset.taskId;

function SkeletonRows() {
  return (
    <ul aria-hidden="true">
      {Array.from({ length: 6 }, (_, i) => (
        <li
          key={i}
          className="flex items-start gap-3 border-b border-zinc-200/80 px-1 py-3 dark:border-zinc-800"
        >
          <span className="mt-0.5 size-5 rounded-full bg-zinc-200 dark:bg-zinc-800" />
          <span className="flex-1 space-y-2">
            <span className="block h-4 w-2/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            <span className="block h-3 w-1/3 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800/60" />
          </span>
        </li>
      ))}
    </ul>
  );
}

export default function TaskListPage() {
  const [filters, setFilters] = useTaskFilters();
  const query = useMemo(() => toApiQuery(filters), [filters]);
  const list = useTaskList(query);
  const tasks = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const { notFound } = useTaskRoute();
  const { search } = useLocation();
  // The selection belongs to one list: another filter or sort starts with none. (Rows that leave
  // the list meanwhile, e.g. optimistically during a bulk, just stop counting; a failed bulk puts
  // them back still selected.)
  const [held, setHeld] = useState({ query, sel: NO_SELECTION });
  const selected = held.query === query ? held.sel.ids : NO_SELECTION.ids;
  const setSel = useCallback(
    (step: (s: Selection) => Selection) =>
      setHeld((h) => ({ query, sel: step(h.query === query ? h.sel : NO_SELECTION) })),
    [query],
  );
  // Phones have no Ctrl/Shift-click and no x key: "Select" makes a tap on a row pick it. The bulk
  // bar's clear, or an applied change, ends it with the selection.
  const [picking, setPicking] = useState(false);
  const clear = useCallback(() => {
    setSel(() => NO_SELECTION);
    setPicking(false);
  }, [setSel]);
  const qc = useQueryClient();
  // A project shared with the user as a viewer: its rows are read-only. The bulk changes cover the
  // user's own tasks only (docs/api.md), so only an owner's list selects.
  const role = useProjectRole(filters.project);
  const selectable = role === "owner";
  // A project's list names it: from the cache the desktop sidebar fills, or fetched here (on a
  // phone there is no sidebar), with the projects code loaded only then.
  const projects = useQuery<Project[]>({
    queryKey: ["projects"],
    queryFn: () => import("@/features/projects/api").then((m) => m.listProjects()),
    enabled: Boolean(filters.project),
    staleTime: 30_000,
  });
  const project = filters.project
    ? projects.data?.find((p) => p.id === filters.project)
    : undefined;
  // Nothing to write with until the role is known (a viewer must not see a toggle flash by);
  // a list that could not be loaded leaves it to the API, which refuses what the role forbids.
  const rolePending = role === undefined && projects.isPending && Boolean(filters.project);
  const writable = canWrite(role) && !rolePending;
  // While picking, a tap selects: no drag starts from a row (a long press would).
  const manual = query.sort === "position" && writable && !picking;
  const move = useCallback(
    (delta: 1 | -1) => {
      const id = focusedTaskId();
      if (id) void import("./BulkBar").then((m) => m.moveByKey(qc, query, id, delta));
    },
    [qc, query],
  );
  const keys = useMemo(
    () => ({
      j: () => walk(1),
      k: () => walk(-1),
      x: () =>
        afterWalk(() => {
          const id = focusedTaskId();
          if (selectable && id && !id.startsWith("temp-")) setSel((s) => toggleSelected(s, id));
        }),
      Escape: () => setSel(() => NO_SELECTION),
      // Alt+↑/↓ moves the focused task in the manual order (the move code loads on first use).
      ...(manual && { "Alt+ArrowUp": () => move(-1), "Alt+ArrowDown": () => move(1) }),
    }),
    [setSel, manual, move, selectable],
  );
  useShortcuts(keys);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver(
      (entries) =>
        entries.some((e) => e.isIntersecting) && !isFetchingNextPage && void fetchNextPage(),
      { rootMargin: "400px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const order = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const selectedTasks = useMemo(
    () => (selectable ? tasks.filter((t) => selected.has(t.id)) : []),
    [tasks, selected, selectable],
  );
  useTaskKeys({ selection: selectedTasks, onApplied: clear, writable });
  const filtered = activeFilterCount(filters) > 0;
  const view = useOpenView();

  const row = (t: (typeof tasks)[number], drag?: RowDrag) => (
    <TaskItem
      key={rowKey(t.id)}
      task={t}
      onLabel={(label) => setFilters({ label })}
      selected={selectable && selected.has(t.id)}
      {...(selectable && {
        onSelect: (mode: "range" | "toggle") =>
          setSel((s) => (mode === "range" ? selectRange(s, order, t.id) : toggleSelected(s, t.id))),
        picking,
      })}
      drag={drag}
      readOnly={!writable}
    />
  );
  const plainList = <ul aria-label="Tasks">{tasks.map((t) => row(t))}</ul>;
  const parentTitles = useParentTitles(tasks);

  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-5 sm:px-8 sm:py-8">
      <div className="mb-5 flex items-baseline justify-between">
        <h1 className="flex min-w-0 items-center gap-2.5 text-2xl font-bold tracking-tight">
          {project && (
            <span
              className="size-3.5 shrink-0 rounded-full"
              style={{ background: COLOUR_HEX[project.colour] }}
              aria-hidden="true"
            />
          )}
          <span className="truncate">
            {view?.name ?? (filters.project ? (project?.name ?? "Project") : "Tasks")}
          </span>
        </h1>
        <div className="flex shrink-0 items-baseline gap-2">
          {list.isSuccess && (
            <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
              {tasks.length}
              {hasNextPage ? "+" : ""} {tasks.length === 1 ? "task" : "tasks"}
              {filtered ? (tasks.length === 1 && !hasNextPage ? " matches" : " match") : ""}
            </p>
          )}
          {selectable && tasks.length > 0 && (
            <Button
              variant="secondary"
              size="sm"
              className="sm:hidden"
              onClick={() => (picking ? clear() : setPicking(true))}
            >
              {picking ? "Cancel" : "Select"}
            </Button>
          )}
        </div>
      </div>
      {picking && selectedTasks.length === 0 && (
        <p role="status" className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Tap tasks to select them.
        </p>
      )}
      {filters.project && (
        <Suspense fallback={null}>
          <ProjectHeader projectId={filters.project} />
        </Suspense>
      )}
      {notFound && (
        <Suspense fallback={null}>
          <TaskNotFound search={search} />
        </Suspense>
      )}
      <FilterBar filters={filters} onChange={setFilters} />
      <div className="mt-4">
        {writable ? (
          <QuickAdd />
        ) : rolePending ? null : (
          <p className="rounded-lg border border-dashed border-zinc-300 px-3 py-2.5 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            You can view this project: its owner and editors can add and change its tasks.
          </p>
        )}
      </div>
      <section aria-label="Task list" aria-busy={list.isPending} className="mt-2">
        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <QueryLoadError title="Couldn’t load your tasks" query={list} />
        ) : tasks.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={<SearchX className="size-6" aria-hidden="true" />}
              title="No tasks match these filters"
            >
              Try a different search, or clear the filters.
              {/* A search for a task done last week must not read as "it is gone". */}
              {!filters.showDone && filters.status.length === 0 && (
                <span className="mt-3 block">
                  Completed tasks are hidden.{" "}
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => setFilters({ showDone: true })}
                  >
                    Include completed tasks
                  </Button>
                </span>
              )}
            </EmptyState>
          ) : !writable ? (
            <EmptyState
              icon={<CheckCircle2 className="size-6" aria-hidden="true" />}
              title="All clear"
            >
              Nothing in this project yet.
            </EmptyState>
          ) : (
            <EmptyState
              icon={<CheckCircle2 className="size-6" aria-hidden="true" />}
              title="All clear"
            >
              Nothing on your list. Add a task above
              {/* Phones have no keyboard shortcut to offer. */}
              <span className="max-sm:hidden">
                , or press <strong>n</strong> for the full form
              </span>
              .
            </EmptyState>
          )
        ) : manual ? (
          // Not the plain rows while dnd-kit loads: a row focused there lost the focus when the
          // sortable list replaced it, and the next Alt+↑ moved nothing (reorder.spec, 2 of 6 runs
          // on a busy machine).
          <Suspense fallback={<SkeletonRows />}>
            <ParentTitles.Provider value={parentTitles}>
              <SortableTaskList tasks={tasks} render={row} />
            </ParentTitles.Provider>
          </Suspense>
        ) : (
          <ParentTitles.Provider value={parentTitles}>{plainList}</ParentTitles.Provider>
        )}
        {selectedTasks.length > 0 && (
          <Suspense fallback={null}>
            <BulkBar tasks={selectedTasks} onClear={clear} />
          </Suspense>
        )}
        <div ref={sentinel} />
        {hasNextPage && (
          <div className="flex justify-center py-4">
            <Button
              variant="ghost"
              onClick={() => void fetchNextPage()}
              disabled={isFetchingNextPage}
            >
              {isFetchingNextPage ? <Spinner label="Loading more tasks" /> : null}
              {isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          </div>
        )}
      </section>
    </div>
  );
}
