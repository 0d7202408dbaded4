/**
 * Completing a parent whose subtasks are still open: the API answers 409 `open-subtasks` and
 * changes nothing; the user is asked, and a yes sends the same change with `complete_subtasks`.
 * Undoing it reopens the parent and exactly the subtasks it completed, in one atomic bulk.
 * Loaded at the first such answer, not with the list.
 */
import type { QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { Task, TaskPage, TaskUpdate } from "@/api/types";
import { toast } from "@/ui/toast";
import { taskKeys } from "./api";
import type { BulkRequest, BulkResult } from "./bulk";
import { upsertTaskInLists } from "./cache";

/** A parent's subtasks that are not done (id and the status to put back). */
export async function openSubtasks(parentId: string): Promise<Pick<Task, "id" | "status">[]> {
  const open: Pick<Task, "id" | "status">[] = [];
  let cursor: string | null = null;
  do {
    const query: {
      parent: string;
      status: ("pending" | "in_progress")[];
      limit: number;
      cursor?: string;
    } = {
      parent: parentId,
      status: ["pending", "in_progress"],
      limit: 200,
    };
    if (cursor) query.cursor = cursor;
    const { data } = await unwrap<TaskPage>(api.GET("/api/v1/tasks", { params: { query } }));
    for (const t of data.items) open.push({ id: t.id, status: t.status });
    cursor = data.next_cursor ?? null;
  } while (cursor);
  return open;
}

/** Ask "Complete N open subtasks too?"; `confirm` runs only on yes, nothing changes on no. */
export function askToCompleteSubtasks(task: Task, open: number, confirm: () => void): void {
  const id = `open-subtasks-${task.id}`;
  toast(`Complete ${open} open ${open === 1 ? "subtask" : "subtasks"} too?`, {
    id,
    description: `“${task.title}” has ${open === 1 ? "a subtask" : "subtasks"} not done yet. Nothing was completed.`,
    duration: 12_000,
    action: { label: `Complete ${open === 1 ? "it" : "all"}`, onClick: confirm },
    cancel: { label: "Cancel", onClick: () => toast.dismiss(id) },
  });
}

/**
 * Undo a completion that completed subtasks too: the parent goes back to `revert` on the version
 * the completion produced, and the subtasks it completed back to their statuses, all or nothing.
 */
export async function undoWithSubtasks(
  qc: QueryClient,
  saved: Task,
  revert: TaskUpdate,
  reopened: Pick<Task, "id" | "status">[],
): Promise<void> {
  try {
    // Their versions went up with the completion: read them now.
    const current = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const query: { parent: string; limit: number; cursor?: string } = {
        parent: saved.id,
        limit: 200,
      };
      if (cursor) query.cursor = cursor;
      const { data } = await unwrap<TaskPage>(api.GET("/api/v1/tasks", { params: { query } }));
      for (const t of data.items) current.set(t.id, t.version);
      cursor = data.next_cursor ?? null;
    } while (cursor);
    const body: BulkRequest = {
      operations: [
        { id: saved.id, version: saved.version, patch: revert },
        ...reopened
          .filter((s) => current.has(s.id))
          .map((s) => ({ id: s.id, version: current.get(s.id)!, patch: { status: s.status } })),
      ],
    };
    const { data } = await unwrap<BulkResult>(api.POST("/api/v1/tasks/bulk", { body }));
    for (const t of data.tasks) upsertTaskInLists(qc, t);
    toast.success(`Reopened “${saved.title}” and ${reopened.length} subtasks`, { duration: 2500 });
  } catch (error) {
    toast.error(`Could not undo: ${errorMessage(error)}`);
  } finally {
    void qc.invalidateQueries({ queryKey: taskKeys.all });
    void qc.invalidateQueries({ queryKey: ["projects"] });
    void qc.invalidateQueries({ queryKey: ["planner"] });
  }
}
