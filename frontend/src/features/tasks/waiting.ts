import { useIsMutating } from "@tanstack/react-query";
import { isWaiting } from "@/lib/offline";
import type { CreateVars, UpdateVars } from "./mutations";

/** The row a task change shows on: the task's own id, or a new task's optimistic temp- row. */
export function changedTaskId(variables: unknown): string | undefined {
  const v = variables as Partial<UpdateVars & CreateVars> | undefined;
  return v?.task?.id ?? (v?.key ? `temp-${v.key}` : undefined);
}

/** Whether a change of this task waits for the network (the row is marked until it is sent). */
export function useTaskWaiting(taskId: string): boolean {
  return (
    useIsMutating({
      predicate: (m) => isWaiting(m) && changedTaskId(m.state.variables) === taskId,
    }) > 0
  );
}
