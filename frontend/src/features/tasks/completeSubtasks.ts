/**
 * Completing a parent whose subtasks are still open: the API answers 409 `open-subtasks` and
 * changes nothing; the user is asked, and a yes sends the same change with `complete_subtasks`.
 * Undoing it reopens the parent and exactly the subtasks it completed, in one atomic bulk (one by
 * one in a project shared with the user: bulk changes cover the caller's own tasks only).
 * Loaded at the first such answer, not with the list.
 */
import { MutationObserver, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { Task, TaskPage, TaskStatus, TaskUpdate } from "@/api/types";
import { toast } from "@/ui/toast";
import { taskKeys } from "./api";
import { bulkMerged, resyncAll } from "./bulkMutation";
import {
  applyPatch,
  findCachedTask,
  restoreLists,
  snapshotLists,
  upsertTaskInLists,
} from "./cache";
import { saveMerged, showAnswer, TASK_CHANGES, TASK_WRITE } from "./mutations";

type Parent = Pick<Task, "id" | "project_id">;

/** A parent's subtasks, every page (only those not done with `openOnly`). By its project too: a
 * shared project's tasks are listed from its owner's, so a member finds them only that way. */
async function subtasksOf(parent: Parent, openOnly = false): Promise<Task[]> {
  const found: Task[] = [];
  let cursor: string | null = null;
  do {
    const query: {
      parent: string;
      project?: string;
      status?: TaskStatus[];
      limit: number;
      cursor?: string;
    } = { parent: parent.id, limit: 200 };
    if (parent.project_id) query.project = parent.project_id;
    if (openOnly) query.status = ["pending", "in_progress"];
    if (cursor) query.cursor = cursor;
    const { data } = await unwrap<TaskPage>(api.GET("/api/v1/tasks", { params: { query } }));
    found.push(...data.items);
    cursor = data.next_cursor ?? null;
  } while (cursor);
  return found;
}

/** A parent's subtasks that are not done (id and the status to put back). */
export async function openSubtasks(parent: Parent): Promise<Pick<Task, "id" | "status">[]> {
  return (await subtasksOf(parent, true)).map((t) => ({ id: t.id, status: t.status }));
}

/** Ask "Complete N open subtasks too?"; `confirm` runs only on yes, nothing changes on no. */
export function askToCompleteSubtasks(
  task: Task,
  open: number,
  confirm: () => void,
  cancelled?: () => void,
): void {
  const id = `open-subtasks-${task.id}`;
  toast(`Complete ${open} open ${open === 1 ? "subtask" : "subtasks"} too?`, {
    id,
    description: `“${task.title}” has ${open === 1 ? "a subtask" : "subtasks"} not done yet. Nothing was completed.`,
    duration: 12_000,
    action: { label: `Complete ${open === 1 ? "it" : "all"}`, onClick: confirm },
    cancel: {
      label: "Cancel",
      onClick: () => {
        toast.dismiss(id);
        cancelled?.();
      },
    },
  });
}

/** Whether `task` is in a project someone else owns, as the cached projects list (the sidebar's)
 * says. */
function inSharedProject(qc: QueryClient, task: Task): boolean {
  const projects = qc.getQueryData<{ id: string; role: string }[]>(["projects"]);
  return projects?.some((p) => p.id === task.project_id && p.role !== "owner") ?? false;
}

/** The undo's variables: which tasks it changes and how (the rows waiting.ts marks). */
type Reopening = { operations: { id: string; patch: TaskUpdate }[] };

/**
 * Undo a completion that completed subtasks too: the parent goes back to `revert` on the version
 * the completion produced, and the subtasks it completed back to their statuses, all or nothing.
 * It shows at once and is a task write in the edits' scope like any other: a change made right
 * after it is sent after it, on top of it, and offline it waits.
 */
export function undoWithSubtasks(
  qc: QueryClient,
  saved: Task,
  revert: TaskUpdate,
  reopened: Pick<Task, "id" | "status">[],
): Promise<void> {
  const undoing: Reopening = {
    operations: [
      { id: saved.id, patch: revert },
      ...reopened.map((s) => ({ id: s.id, patch: { status: s.status } })),
    ],
  };
  // A list read still on its way would overwrite what this shows (cancelled at once; not
  // awaited, so the undo takes its place in the edits' order before the next key press does).
  void qc.cancelQueries({ queryKey: taskKeys.lists() });
  const snapshot = snapshotLists(qc);
  for (const { id, patch } of undoing.operations) {
    const shown = findCachedTask(qc, id) ?? (id === saved.id ? saved : undefined);
    if (shown) upsertTaskInLists(qc, applyPatch(shown, patch));
  }
  return new MutationObserver(qc, {
    mutationKey: [TASK_WRITE, "bulk"],
    scope: TASK_CHANGES,
    mutationFn: async ({ operations }: Reopening) => {
      // The completion raised the subtasks' versions: read them once the writes before are in.
      const bases = new Map((await subtasksOf(saved)).map((t) => [t.id, t]));
      bases.set(saved.id, saved);
      const known = operations
        .filter((op) => bases.has(op.id))
        .map((op) => ({ ...op, version: bases.get(op.id)!.version }));
      if (!inSharedProject(qc, saved)) return bulkMerged({ operations: known }, bases);
      // The API's bulk changes take the caller's own tasks only (docs/api.md): a member's undo
      // in a shared project is a PATCH a task.
      const tasks: Task[] = [];
      for (const op of known) tasks.push(await saveMerged(bases.get(op.id)!, op.patch));
      return { tasks, deleted: [] };
    },
  })
    .mutate(undoing)
    .then(
      (result) => {
        for (const t of result.tasks) showAnswer(qc, t, undoing);
        toast.success(`Reopened “${saved.title}” and ${reopened.length} subtasks`, {
          duration: 2500,
        });
      },
      (error: unknown) => {
        restoreLists(qc, snapshot);
        toast.error(`Could not undo: ${errorMessage(error)}`);
      },
    )
    .finally(() => resyncAll(qc));
}
