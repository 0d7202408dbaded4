import type { Task } from "@/api/types";

/**
 * The tasks created on this page, by the temp- id their optimistic row had until the server
 * answered. A change made to that row before the answer (a tick, a priority key, a delete) waits
 * behind the create in TASK_CHANGES and is then sent for the id the server gave the task.
 */
const created = new Map<string, Task>();
const tempIdOf = new Map<string, string>();

export function rememberCreated(tempId: string, task: Task): void {
  created.set(tempId, task);
  tempIdOf.set(task.id, tempId);
}

/** A task row's React key: a new task keeps its temp- row's key once saved, so the row is not
 * remounted when the server answers and the keyboard focus stays on it. */
export function rowKey(id: string): string {
  return tempIdOf.get(id) ?? id;
}

/** The server's answer to the create of the temp- row `tempId`, once it has come. */
export function createdAs(tempId: string): Task | undefined {
  return created.get(tempId);
}

/** The id the server knows a row by: its own, or the created task's for a temp- row. */
export function serverIdOf(id: string): string {
  return created.get(id)?.id ?? id;
}
