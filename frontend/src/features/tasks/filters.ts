import { useCallback, useMemo } from "react";
import { useParams, useSearchParams } from "react-router";
import { PRIORITIES, STATUSES, type Priority, type Task, type TaskStatus } from "@/api/types";
import { browserZone, isTaskOverdue, taskDueDay } from "@/lib/dates";

export const SORTS = [
  { value: "-created_at", label: "Newest first" },
  { value: "created_at", label: "Oldest first" },
  { value: "due_date", label: "Due date" },
  { value: "-priority", label: "Priority (highest first)" },
  { value: "-updated_at", label: "Recently updated" },
  { value: "title", label: "Title A–Z" },
  { value: "position", label: "Manual" },
] as const;
export type SortKey = (typeof SORTS)[number]["value"];
export const DEFAULT_SORT: SortKey = "-created_at";

/** Everything a list view can be narrowed by; it lives in the URL so a view can be shared. */
export interface TaskFilters {
  q: string;
  status: TaskStatus[];
  priority: Priority[];
  label: string;
  overdue: boolean;
  dueAfter: string; // YYYY-MM-DD, inclusive
  dueBefore: string; // YYYY-MM-DD, inclusive
  sort: SortKey;
  /** Completed tasks are hidden unless asked for (a view toggle, not a filter). */
  showDone: boolean;
  /** The project shown: `/projects/:projectId` (the path, never the query string). */
  project: string;
}

/** What "completed hidden" leaves: every status but done. */
export const OPEN_STATUSES: TaskStatus[] = STATUSES.filter((s) => s !== "done");

export const EMPTY_FILTERS: TaskFilters = {
  q: "",
  status: [],
  priority: [],
  label: "",
  overdue: false,
  dueAfter: "",
  dueBefore: "",
  sort: DEFAULT_SORT,
  showDone: false,
  project: "",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const pick = <T extends string>(values: string[], allowed: readonly T[]): T[] =>
  allowed.filter((a) => values.includes(a));

export function parseFilters(params: URLSearchParams): TaskFilters {
  const sort = params.get("sort");
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return DAY.test(value) ? value : "";
  };
  let dueAfter = day("due_after");
  let dueBefore = day("due_before");
  // A link with the range backwards gets it the right way round, not an error from the API.
  if (dueAfter && dueBefore && dueAfter > dueBefore) [dueAfter, dueBefore] = [dueBefore, dueAfter];
  return {
    q: params.get("q") ?? "",
    status: pick(params.getAll("status"), STATUSES),
    priority: pick(params.getAll("priority"), PRIORITIES),
    label: params.get("label") ?? "",
    overdue: params.get("overdue") === "true",
    dueAfter,
    dueBefore,
    sort: SORTS.some((s) => s.value === sort) ? (sort as SortKey) : DEFAULT_SORT,
    showDone: params.get("show_done") === "true",
    project: "",
  };
}

/** The URL form: defaults are left out so links stay short. */
export function filtersToParams(f: TaskFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set("q", f.q.trim());
  f.status.forEach((s) => p.append("status", s));
  f.priority.forEach((s) => p.append("priority", s));
  if (f.label) p.set("label", f.label);
  if (f.overdue) p.set("overdue", "true");
  if (f.dueAfter) p.set("due_after", f.dueAfter);
  if (f.dueBefore) p.set("due_before", f.dueBefore);
  if (f.sort !== DEFAULT_SORT) p.set("sort", f.sort);
  if (f.showDone) p.set("show_done", "true");
  return p;
}

export type ApiTaskQuery = {
  q?: string;
  status?: TaskStatus[];
  priority?: Priority[];
  label?: string;
  overdue?: boolean;
  /** Days (YYYY-MM-DD, inclusive): a due day in the range or a due time on one of those days,
   * in the user's zone (the API's rule). */
  due_from?: string;
  due_to?: string;
  project?: string;
  /** The subtasks of this task (its editor's list). */
  parent?: string;
  sort: SortKey;
};

/** The API's query parameters for a set of filters. */
export function toApiQuery(f: TaskFilters): ApiTaskQuery {
  const q: ApiTaskQuery = { sort: f.sort };
  if (f.q.trim()) q.q = f.q.trim();
  // An explicit status filter wins; otherwise completed tasks stay out unless shown.
  if (f.status.length) q.status = [...f.status];
  else if (!f.showDone) q.status = [...OPEN_STATUSES];
  if (f.priority.length) q.priority = [...f.priority];
  if (f.label) q.label = f.label;
  if (f.overdue) q.overdue = true;
  // Days, not instants: the API's due_after/due_before see due times only, and would leave out
  // every task due on a day.
  if (f.dueAfter) q.due_from = f.dueAfter;
  if (f.dueBefore) q.due_to = f.dueBefore;
  if (f.project) q.project = f.project;
  return q;
}

/**
 * Whether a task belongs in a list fetched with `q` (keeps optimistic edits in the right lists).
 * Days are judged in the browser's zone: where the profile's differs, the refetch after each
 * write (mutations.ts, resync) settles a task near midnight.
 */
export function matchesQuery(
  task: Task,
  q: ApiTaskQuery,
  now = new Date(),
  timeZone = browserZone(),
): boolean {
  if (q.status?.length && !q.status.includes(task.status)) return false;
  if (q.priority?.length && !q.priority.includes(task.priority)) return false;
  if (q.label && !task.labels.includes(q.label)) return false;
  if (q.project && task.project_id !== q.project) return false;
  if (q.parent && task.parent_id !== q.parent) return false;
  if (q.overdue && !isTaskOverdue(task, timeZone, now)) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const hay = `${task.title}\n${task.description ?? ""}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  if (q.due_from || q.due_to) {
    const day = taskDueDay(task, timeZone);
    if (!day) return false;
    if (q.due_from && day < q.due_from) return false;
    if (q.due_to && day > q.due_to) return false;
  }
  return true;
}

export const activeFilterCount = (f: TaskFilters) =>
  (f.q.trim() ? 1 : 0) +
  f.status.length +
  f.priority.length +
  (f.label ? 1 : 0) +
  (f.overdue ? 1 : 0) +
  (f.dueAfter ? 1 : 0) +
  (f.dueBefore ? 1 : 0);

/** Filters read from and written to the URL. */
export function useTaskFilters(): [
  TaskFilters,
  (patch: Partial<TaskFilters>, opts?: { replace?: boolean }) => void,
] {
  const [params, setParams] = useSearchParams();
  // On /projects/:projectId the path names the project.
  const project = useParams().projectId ?? "";
  const filters = useMemo(() => ({ ...parseFilters(params), project }), [params, project]);
  const update = useCallback(
    (patch: Partial<TaskFilters>, opts?: { replace?: boolean }) =>
      // Rendered at once, not in a transition (app/AppRouter.tsx): a second quick arrow press
      // or click goes on from the first.
      setParams((prev) => filtersToParams({ ...parseFilters(prev), ...patch }), {
        replace: opts?.replace ?? false,
      }),
    [setParams],
  );
  return [filters, update];
}
