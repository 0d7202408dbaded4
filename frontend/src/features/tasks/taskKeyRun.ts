/**
 * The writes behind the task keys (taskKeys.ts), loaded on the first press. One task goes through
 * the same optimistic update as a click (toast + undo stack); a selection through the bulk bar's
 * one atomic request (its own undo entry).
 */
import { MutationObserver, type QueryClient } from "@tanstack/react-query";
import type { Task } from "@/api/types";
import { showInPlanner } from "@/features/planner/agenda";
import { localDay, patchFor, type BulkAction } from "./bulk";
import { runBulk } from "./bulkMutation";
import { applyPatch } from "./cache";
import { updateTaskOptions } from "./mutations";
import type { TaskKeyAction } from "./taskKeys";

/** The bulk action of a key, for one task or a selection. */
function keyAction(
  action: Exclude<TaskKeyAction, { kind: "edit" } | { kind: "skip" }>,
  timeZone: string,
): BulkAction {
  return action.kind === "priority"
    ? { kind: "priority", priority: action.priority }
    : { kind: "reschedule", to: "today", timeZone };
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
  const bulk = keyAction(action, zone);
  if (ctx.selection.length) {
    if (await runBulk(qc, ctx.selection, bulk, today, undefined, ctx.onApplied)) ctx.onApplied?.();
    return;
  }
  if (!ctx.task) return;
  // One task, by the bulk's rule (a due time kept unless already past today); its undo puts back
  // each field the patch sets.
  const patch = patchFor(ctx.task, bulk, today);
  if (!patch) return;
  // The lists show it in the mutation's onMutate; the planner's days (Today, Upcoming, the
  // Calendar) here.
  showInPlanner(qc, ctx.task, applyPatch(ctx.task, patch), zone);
  await new MutationObserver(qc, updateTaskOptions(qc))
    .mutate({ task: ctx.task, patch })
    .catch(() => {}); // onError has told the user and rolled back
}
