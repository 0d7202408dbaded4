import { AlertTriangle, CheckCircle2, SearchX } from "lucide-react";
import { Link, useLocation } from "react-router";
import { useEffect, useMemo, useRef } from "react";
import { errorMessage } from "@/api/problem";
import { useShortcuts } from "@/lib/useShortcuts";
import { useQuery } from "@tanstack/react-query";
import type { Project } from "@/features/projects/api";
import { Button, EmptyState, Spinner } from "@/ui/primitives";
import { FilterBar } from "./FilterBar";
import { moveTaskFocus } from "./focusNav";
import { activeFilterCount, toApiQuery, useTaskFilters } from "./filters";
import { QuickAdd } from "./QuickAdd";
import { useTaskList } from "./queries";
import { TaskItem } from "./TaskItem";
import { useTaskRoute } from "./taskRoute";

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
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const { notFound } = useTaskRoute();
  const { search } = useLocation();
  const keys = useMemo(() => ({ j: () => moveTaskFocus(1), k: () => moveTaskFocus(-1) }), []);
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

  const tasks = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = activeFilterCount(filters) > 0;
  // The sidebar fetches the projects; the heading reads them from the cache (no code of its own).
  const projects = useQuery<Project[]>({ queryKey: ["projects"], enabled: false });
  const project = filters.project
    ? projects.data?.find((p) => p.id === filters.project)
    : undefined;

  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-5 sm:px-8 sm:py-8">
      <div className="mb-5 flex items-baseline justify-between">
        <h1 className="text-2xl font-bold tracking-tight">
          {filters.project ? (project?.name ?? "Project") : "Tasks"}
        </h1>
        {list.isSuccess && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {tasks.length}
            {hasNextPage ? "+" : ""} {tasks.length === 1 ? "task" : "tasks"}
            {filtered ? (tasks.length === 1 && !hasNextPage ? " matches" : " match") : ""}
          </p>
        )}
      </div>
      {notFound && (
        <div
          role="alert"
          className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-100"
        >
          <AlertTriangle className="size-4 shrink-0" aria-hidden="true" />
          <span>
            <strong className="font-semibold">Task not found.</strong> It may have been deleted, or
            the link is wrong.
          </span>
          <Link
            to={{ pathname: "/tasks", search }}
            className="font-medium underline underline-offset-2"
          >
            Back to your tasks
          </Link>
        </div>
      )}
      <FilterBar filters={filters} onChange={setFilters} />
      <div className="mt-4">
        <QuickAdd />
      </div>
      <section aria-label="Task list" aria-busy={list.isPending} className="mt-2">
        {list.isPending ? (
          <SkeletonRows />
        ) : list.isError ? (
          <EmptyState
            icon={<AlertTriangle className="size-6" aria-hidden="true" />}
            title="Couldn’t load your tasks"
          >
            <p>{errorMessage(list.error)}</p>
            <Button variant="secondary" className="mt-4" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </EmptyState>
        ) : tasks.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={<SearchX className="size-6" aria-hidden="true" />}
              title="No tasks match these filters"
            >
              Try a different search, or clear the filters.
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
        ) : (
          <ul aria-label="Tasks">
            {tasks.map((t) => (
              <TaskItem key={t.id} task={t} onLabel={(label) => setFilters({ label })} />
            ))}
          </ul>
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
