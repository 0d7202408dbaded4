import { dateFormat } from "@/lib/dates";
/**
 * Bulk changes (issue 18): what one `POST /tasks/bulk` sends for an action on the selected tasks,
 * and the inverse that undoes a patch. Pure functions, so the payloads are unit-tested apart from React.
 */
import type { components } from "@/api/schema";
import { ApiError } from "@/api/problem";
import type { Priority, Task, TaskUpdate } from "@/api/types";
import { rescheduleTo } from "@/features/planner/reschedule";
import { revertPatch } from "./revert";

type S = components["schemas"];
export type BulkOperation = S["BulkPatch"] | S["BulkDelete"];
export type BulkRequest = S["TaskBulk"];
export type BulkResult = S["TaskBulkResult"];

export type RescheduleTo = "today" | "tomorrow" | "next_week" | "none";

export type BulkAction =
  | { kind: "complete" }
  | { kind: "project"; projectId: string }
  | { kind: "label"; label: string }
  | { kind: "priority"; priority: Priority }
  /** Due days are counted, and due times kept, in `timeZone`: the user's. */
  | { kind: "reschedule"; to: RescheduleTo; timeZone: string }
  | { kind: "delete" };

/** The user's local date (YYYY-MM-DD) in `timeZone` (the browser's when undefined). */
export function localDay(now: Date, timeZone?: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return dateFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

/** `day` plus `n` calendar days (day arithmetic in UTC, so no DST hour can shift the date). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The due day a reschedule sets: today, tomorrow, next Monday ("next week", as Todoist), none. */
export function rescheduleDay(to: RescheduleTo, today: string): string | null {
  if (to === "none") return null;
  if (to === "today") return today;
  if (to === "tomorrow") return addDays(today, 1);
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(today, (8 - weekday) % 7 || 7);
}

/** The patch one action makes to one task at `now` (null: nothing to change for this task). */
export function patchFor(
  task: Task,
  action: BulkAction,
  today: string,
  now = new Date(),
): TaskUpdate | null {
  switch (action.kind) {
    case "complete":
      return task.status === "done" ? null : { status: "done" };
    case "project":
      return task.project_id === action.projectId ? null : { project_id: action.projectId };
    case "label":
      return task.labels.includes(action.label) ? null : { labels: [...task.labels, action.label] };
    case "priority":
      return task.priority === action.priority ? null : { priority: action.priority };
    case "reschedule": {
      const day = rescheduleDay(action.to, today);
      if (day === null)
        return task.due_on || task.due_date ? { due_on: null, due_date: null } : null;
      if (!task.due_date) return task.due_on === day ? null : { due_on: day };
      // As a drag in Upcoming: the clock time stays, unless it is past on that day.
      const patch = rescheduleTo(task, day, action.timeZone, now);
      const same = !!patch.due_date && Date.parse(patch.due_date) === Date.parse(task.due_date);
      return same ? null : patch;
    }
    case "delete":
      return null;
  }
}

/**
 * The operations of one bulk request: every task with the version it was selected at. Tasks the
 * action would not change are left out (completing done tasks, adding a label they carry).
 */
export function buildBulkOperations(
  tasks: readonly Task[],
  action: BulkAction,
  today: string,
): BulkOperation[] {
  if (action.kind === "delete") {
    return tasks.map((t) => ({ id: t.id, version: t.version, delete: true as const }));
  }
  const ops: BulkOperation[] = [];
  for (const t of tasks) {
    const patch = patchFor(t, action, today);
    if (patch) ops.push({ id: t.id, version: t.version, patch });
  }
  return ops;
}

/**
 * The inverse of an applied bulk: one bulk giving each patched task its previous values on the
 * version the bulk produced (so a change made elsewhere since is a 412, not silently
 * overwritten). A bulk delete has none: it is sent only once its Undo window has closed.
 */
export function inverseOf(
  before: readonly Task[],
  sent: readonly BulkOperation[],
  result: BulkResult,
): BulkOperation[] {
  const byId = new Map(before.map((t) => [t.id, t]));
  const saved = new Map(result.tasks.map((t) => [t.id, t]));
  const operations: BulkOperation[] = [];
  for (const op of sent) {
    const old = byId.get(op.id);
    const now = saved.get(op.id);
    if (!old || !now || "delete" in op) continue;
    operations.push({ id: op.id, version: now.version, patch: revertPatch(old, op.patch) });
  }
  return operations;
}

/** The ids a 412 from /tasks/bulk names as changed since they were selected. */
export function staleIdsOf(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.status !== 412) return [];
  const ids = error.body.stale_ids;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [];
}

/** The toast text for an applied action. */
export function describeBulk(action: BulkAction, count: number, projectName?: string): string {
  const n = `${count} ${count === 1 ? "task" : "tasks"}`;
  switch (action.kind) {
    case "complete":
      return `Completed ${n}`;
    case "project":
      return `Moved ${n} to ${projectName ?? "the project"}`;
    case "label":
      return `Labelled ${n} #${action.label}`;
    case "priority":
      return `Set ${n} to ${action.priority}`;
    case "reschedule":
      return action.to === "none"
        ? `Cleared the due date of ${n}`
        : `Rescheduled ${n} to ${action.to === "next_week" ? "next week" : action.to}`;
    case "delete":
      return `Deleted ${n}`;
  }
}
