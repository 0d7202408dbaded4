/**
 * Saved views store a `GET /tasks` query string (the API checks it with the list's own parser);
 * the list's address keeps the web app's filters. These two functions translate between them.
 */
import {
  DEFAULT_SORT,
  EMPTY_FILTERS,
  filtersToParams,
  OPEN_STATUSES,
  parseFilters,
  type TaskFilters,
} from "@/features/tasks/filters";

/** The list a location shows: `/tasks?…` or `/projects/:id?…`, else null (not a list). */
export function listFiltersAt(pathname: string, search: string): TaskFilters | null {
  const project = /^\/projects\/([^/]+)$/.exec(pathname)?.[1];
  if (pathname !== "/tasks" && !project) return null;
  return { ...parseFilters(new URLSearchParams(search)), project: project ?? "" };
}

/** The API query string of a list's filters (completed tasks hidden = the open statuses). */
export function viewQuery(f: TaskFilters): string {
  const p = new URLSearchParams();
  if (f.project) p.set("project", f.project);
  if (f.q.trim()) p.set("q", f.q.trim());
  const status = f.status.length ? f.status : f.showDone ? [] : OPEN_STATUSES;
  status.forEach((s) => p.append("status", s));
  f.priority.forEach((s) => p.append("priority", s));
  if (f.label) p.set("label", f.label);
  if (f.overdue) p.set("overdue", "true");
  // Days in the user's zone: the API's due_from / due_to (not instants of this browser's zone).
  if (f.dueAfter) p.set("due_from", f.dueAfter);
  if (f.dueBefore) p.set("due_to", f.dueBefore);
  if (f.sort !== DEFAULT_SORT) p.set("sort", f.sort);
  return p.toString();
}

/** Where a saved view opens: the list (or the project's list) with those filters. */
export function viewHref(query: string): string {
  const p = new URLSearchParams(query);
  const status = p.getAll("status");
  const open =
    status.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => status.includes(s));
  const web = new URLSearchParams(
    [...p].filter(([k]) => !["status", "project", "due_from", "due_to"].includes(k)),
  );
  if (!open) status.forEach((s) => web.append("status", s));
  if (status.length === 0) web.set("show_done", "true");
  const dueFrom = p.get("due_from");
  const dueTo = p.get("due_to");
  if (dueFrom) web.set("due_after", dueFrom);
  if (dueTo) web.set("due_before", dueTo);
  const search = filtersToParams({
    ...EMPTY_FILTERS,
    ...parseFilters(web),
  }).toString();
  const project = p.get("project");
  return `${project ? `/projects/${project}` : "/tasks"}${search ? `?${search}` : ""}`;
}
