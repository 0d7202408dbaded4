/**
 * Today's "Move all to today": every overdue task due today in one atomic bulk, with its toast and
 * undo, as the bulk bar's Reschedule → Today; Today shows it before the answer, as the t key does.
 * Loaded on the first click.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Task } from "@/api/types";
import { localDay, patchFor, type BulkAction } from "@/features/tasks/bulk";
import { runBulk } from "@/features/tasks/bulkMutation";
import { applyPatch } from "@/features/tasks/cache";
import { showInPlanner } from "./agenda";

export function moveOverdueToToday(
  qc: QueryClient,
  overdue: readonly Task[],
  timeZone: string,
): Promise<boolean> {
  const today = localDay(new Date(), timeZone);
  const action: BulkAction = { kind: "reschedule", to: "today", timeZone };
  // As the bulk sets it: a due time kept where it is still ahead today, else a due day.
  for (const task of overdue) {
    const patch = patchFor(task, action, today);
    if (patch) showInPlanner(qc, task, applyPatch(task, patch), timeZone);
  }
  return runBulk(qc, overdue, action, today);
}
