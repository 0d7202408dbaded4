/**
 * The writes behind the task keys (taskKeys.ts), loaded on the first press. One task goes through
 * the same optimistic update as a click (toast + undo stack); a selection through the bulk bar's
 * one atomic request (its own undo entry).
 */
import { MutationObserver, type QueryClient } from "@tanstack/react-query";
import type { Task, TaskUpdate } from "@/api/types";
import { showInPlanner } from "@/features/planner/agenda";
import { localDay, type BulkAction } from "./bulk";
import { runBulk } from "./bulkMutation";
import { applyPatch } from "./cache";
import { updateTaskOptions } from "./mutations";
import type { TaskKeyAction } from "./taskKeys";

/** The single-task patch of a key (null: the task already is that way). */
export function keyPatch(
  task: Task,
  action: Exclude<TaskKeyAction, { kind: "edit" } | { kind: "skip" }>,
  today: string,
): TaskUpdate | null {
  if (action.kind === "priority")
    return task.priority === action.priority ? null : { priority: action.priority };
  // A due *day*: a due time is cleared with it (the API's rule), and undo puts back both fields.
  return task.due_on === today && !task.due_date ? null : { due_on: today, due_date: null };
}

export async function runTaskKey(
  qc: QueryClient,
  action: Exclude<TaskKeyAction, { kind: "edit" }>,
  ctx: {
    task: Task | undefined;
    selection: readonly Task[];
    timeZone: string | undefined;
    onApplied?: () => void;
  },
): Promise<void> {
  const zone = ctx.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (action.kind === "skip") {
    // The focused task only (a selection's tasks repeat differently, if at all).
    if (!ctx.task?.recurrence || ctx.task.status === "done") return;
    const { skipOccurrence } = await import("./skip");
    return skipOccurrence(qc, ctx.task, zone);
  }
  const today = localDay(new Date(), ctx.timeZone);
  if (ctx.selection.length) {
    const bulk: BulkAction =
      action.kind === "priority"
        ? { kind: "priority", priority: action.priority }
        : { kind: "reschedule", to: "today" };
    if (await runBulk(qc, ctx.selection, bulk, today, undefined, ctx.onApplied)) ctx.onApplied?.();
    return;
  }
  if (!ctx.task) return;
  const patch = keyPatch(ctx.task, action, today);
  if (!patch) return;
  // The lists show it in the mutation's onMutate; the planner's days (Today, Upcoming, the
  // Calendar) here.
  showInPlanner(qc, ctx.task, applyPatch(ctx.task, patch), zone);
  await new MutationObserver(qc, updateTaskOptions(qc))
    .mutate({ task: ctx.task, patch })
    .catch(() => {}); // onError has told the user and rolled back
}
