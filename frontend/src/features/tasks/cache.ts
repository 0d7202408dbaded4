import type { InfiniteData, QueryClient, QueryKey } from "@tanstack/react-query";
import type { Task, TaskPage, TaskUpdate } from "@/api/types";
import { taskKeys } from "./api";
import { matchesQuery, type ApiTaskQuery } from "./filters";

export type ListData = InfiniteData<TaskPage, string | null>;
export type Snapshot = Array<[QueryKey, ListData | undefined]>;

export function snapshotLists(qc: QueryClient): Snapshot {
  return qc.getQueriesData<ListData>({ queryKey: taskKeys.lists() });
}

export function restoreLists(qc: QueryClient, snapshot: Snapshot): void {
  for (const [key, data] of snapshot) qc.setQueryData(key, data);
}

const queryOf = (key: QueryKey) => key[2] as ApiTaskQuery;

/**
 * One list with a task's new state: replaced where it still matches the list's filters, removed
 * where it no longer does, added where it now does (below).
 */
export function upsertInList(data: ListData, q: ApiTaskQuery, task: Task, replaceId = task.id) {
  const belongs = matchesQuery(task, q);
  let found = false;
  const pages = data.pages.map((page) => {
    const items: Task[] = [];
    for (const item of page.items) {
      if (item.id === replaceId || item.id === task.id) {
        found = true;
        if (belongs) items.push(task);
      } else items.push(item);
    }
    return { ...page, items };
  });
  if (found || !belongs) return { ...data, pages };
  // A task new to the list: at the end of the manual order, as the API puts a new task (once
  // that end is loaded: else it shows on a later page); at the top of any other order.
  const last = pages.at(-1);
  if (q.sort !== "position" && pages[0])
    pages[0] = { ...pages[0], items: [task, ...pages[0].items] };
  else if (q.sort === "position" && last && !last.next_cursor)
    pages[pages.length - 1] = { ...last, items: [...last.items, task] };
  return { ...data, pages };
}

/** Put a task's new state into every cached list (see upsertInList). */
export function upsertTaskInLists(qc: QueryClient, task: Task, replaceId = task.id): void {
  for (const [key, data] of snapshotLists(qc)) {
    if (data) qc.setQueryData<ListData>(key, upsertInList(data, queryOf(key), task, replaceId));
  }
}

export function removeTaskFromLists(qc: QueryClient, id: string): void {
  for (const [key, data] of snapshotLists(qc)) {
    if (!data) continue;
    qc.setQueryData<ListData>(key, {
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.filter((t) => t.id !== id) })),
    });
  }
}

/** The newest copy of a task in any cached list: a list not on screen is not refetched, so it
 * can hold an older version than a shown one (an edit based on that copy would meet a 412). */
export function findCachedTask(qc: QueryClient, id: string): Task | undefined {
  return newestCachedTasks(qc).get(id);
}

/** The newest copy of every task in the cached lists, by id. */
export function newestCachedTasks(qc: QueryClient): Map<string, Task> {
  const newest = new Map<string, Task>();
  for (const [, data] of snapshotLists(qc))
    for (const page of data?.pages ?? [])
      for (const t of page.items)
        if (t.version > (newest.get(t.id)?.version ?? -1)) newest.set(t.id, t);
  return newest;
}

/** The local result of a patch, as the server will compute it (completed_at follows status). */
export function applyPatch(task: Task, patch: TaskUpdate, now = new Date()): Task {
  const next: Task = { ...task, updated_at: now.toISOString() };
  if (patch.title != null) next.title = patch.title;
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.status != null) next.status = patch.status;
  if (patch.priority != null) next.priority = patch.priority;
  if (patch.due_date !== undefined) next.due_date = patch.due_date;
  if (patch.due_on !== undefined) next.due_on = patch.due_on;
  // A due day and a due time exclude each other: setting one clears the other (as the API does).
  if (patch.due_on) next.due_date = null;
  if (patch.due_date) next.due_on = null;
  if (patch.recurrence !== undefined) next.recurrence = patch.recurrence;
  if (patch.project_id != null) next.project_id = patch.project_id;
  if (patch.labels != null) next.labels = patch.labels;
  if (patch.assignee_id !== undefined) next.assignee_id = patch.assignee_id;
  if (patch.parent_id !== undefined) next.parent_id = patch.parent_id;
  if (patch.status && patch.status !== task.status) {
    next.completed_at = patch.status === "done" ? now.toISOString() : null;
  }
  return next;
}

/** Put a removed task back where it was in each list (used by Undo), keeping newer changes;
 * `wasId`: the id its row had then (a new task's temp- id, saved since). */
export function reinsertTask(qc: QueryClient, task: Task, before: Snapshot, wasId = task.id): void {
  for (const [key, old] of before) {
    const data = qc.getQueryData<ListData>(key);
    if (!old || !data) continue;
    old.pages.forEach((page, p) => {
      const i = page.items.findIndex((t) => t.id === wasId);
      const target = data.pages[p];
      if (i < 0 || !target || target.items.some((t) => t.id === task.id)) return;
      const items = [...target.items];
      // Anchor on the neighbours it had, so tasks added meanwhile do not shift it.
      const prevId = page.items[i - 1]?.id;
      const nextId = page.items[i + 1]?.id;
      const afterPrev = prevId ? items.findIndex((t) => t.id === prevId) : -1;
      const beforeNext = nextId ? items.findIndex((t) => t.id === nextId) : -1;
      const at =
        afterPrev >= 0 ? afterPrev + 1 : beforeNext >= 0 ? beforeNext : Math.min(i, items.length);
      items.splice(at, 0, task);
      const pages = [...data.pages];
      pages[p] = { ...target, items };
      qc.setQueryData<ListData>(key, { ...data, pages });
    });
  }
}
