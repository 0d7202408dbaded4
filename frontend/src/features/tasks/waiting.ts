import { useIsMutating } from "@tanstack/react-query";
import { isWaiting } from "@/lib/offline";
import type { BulkRequest } from "./bulk";
import type { CreateVars, UpdateVars } from "./mutations";

/** The rows a task change shows on: the task's own id, a new task's optimistic temp- row, or
 * every task of a bulk change. */
export function changedTaskIds(variables: unknown): string[] {
  const v = variables as Partial<UpdateVars & CreateVars & BulkRequest> | undefined;
  if (v?.task) return [v.task.id];
  if (v?.key) return [`temp-${v.key}`];
  return v?.operations?.map((op) => op.id) ?? [];
}

/** Whether a change of this task waits for the network (the row is marked until it is sent). */
export function useTaskWaiting(taskId: string): boolean {
  return (
    useIsMutating({
      predicate: (m) => isWaiting(m) && changedTaskIds(m.state.variables).includes(taskId),
    }) > 0
  );
}
