import { useIsMutating } from "@tanstack/react-query";
import { isWaiting } from "@/lib/offline";
import type { BulkRequest } from "./bulk";
import { serverIdOf } from "./createdTasks";
import type { CreateVars, UpdateVars } from "./mutations";

/** A temp- row's change is the created task's too, once the server has answered the create. */
function withServerId(id: string): string[] {
  const onServer = serverIdOf(id);
  return onServer === id ? [id] : [id, onServer];
}

/** The rows a task change shows on: the task's own id, a new task's optimistic temp- row, or
 * every task of a bulk change. */
export function changedTaskIds(variables: unknown): string[] {
  const v = variables as Partial<UpdateVars & CreateVars & BulkRequest> | undefined;
  if (v?.task) return withServerId(v.task.id);
  if (v?.key) return withServerId(`temp-${v.key}`);
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
