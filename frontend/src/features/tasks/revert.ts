import type { Task, TaskUpdate } from "@/api/types";

/**
 * The values `patch` replaced in `before`: what an undo sends. A due change restores both due
 * fields; completing a repeating task restores its due too, which the API moved to the next
 * occurrence (the task stays open, so the status alone would change nothing).
 */
export function revertPatch(before: Task, patch: TaskUpdate): TaskUpdate {
  const revert: Record<string, unknown> = {};
  const rolled = patch.status === "done" && before.status !== "done" && !!before.recurrence;
  const fields = Object.keys(patch) as (keyof TaskUpdate)[];
  for (const f of rolled ? [...fields, "due_on" as const] : fields) {
    if (f === "due_on" || f === "due_date") {
      // At most one of them is set (the API's rule), so sending both puts back exactly that one.
      revert.due_on = before.due_on;
      revert.due_date = before.due_date;
    } else revert[f] = before[f];
  }
  return revert as TaskUpdate;
}
