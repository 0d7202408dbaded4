/**
 * Today's "Move all to today": every overdue task due today in one atomic bulk, with its toast and
 * undo, as the bulk bar's Reschedule → Today; Today shows it before the answer, as the t key does.
 * Loaded on the first click.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Task } from "@/api/types";
import { localDay } from "@/features/tasks/bulk";
import { runBulk } from "@/features/tasks/bulkMutation";
import { applyPatch } from "@/features/tasks/cache";
import { showInPlanner } from "./agenda";

export function moveOverdueToToday(
  qc: QueryClient,
  overdue: readonly Task[],
  timeZone: string,
): Promise<boolean> {
  const today = localDay(new Date(), timeZone);
  // A due day, as the bulk sets it: a due time is cleared with it (the API's rule).
  for (const task of overdue)
    showInPlanner(qc, task, applyPatch(task, { due_on: today, due_date: null }), timeZone);
  return runBulk(qc, overdue, { kind: "reschedule", to: "today" }, today);
}
