import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { ApiError, errorMessage } from "@/api/problem";
import { getAccessToken, apiOrigin } from "@/api/session";
import type { Task, TaskCreate, TaskUpdate } from "@/api/types";
import { uuid } from "@/lib/uuid";
import { createTask, deleteTask, getTask, taskKeys, updateTask } from "./api";
import {
  applyPatch,
  findCachedTask,
  reinsertTask,
  removeTaskFromLists,
  restoreLists,
  snapshotLists,
  upsertTaskInLists,
  type Snapshot,
} from "./cache";
import { conflictStore } from "./conflict";
import { pendingDeletes } from "./pendingDeletes";

const refreshCounts = (qc: QueryClient) => {
  void qc.invalidateQueries({ queryKey: taskKeys.stats() });
  void qc.invalidateQueries({ queryKey: taskKeys.labels() });
};

/** After a write settles, the server's order and filters are the truth: refetch what is shown. */
const resync = (qc: QueryClient) => {
  refreshCounts(qc);
  void qc.invalidateQueries({ queryKey: taskKeys.lists() });
};

export interface UpdateVars {
  task: Task;
  patch: TaskUpdate;
}

/**
 * Optimistic edit: every cached list shows the change at once; on failure the lists roll back.
 * A 412 (changed elsewhere) fetches the fresh version and asks the user before overwriting.
 */
export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation<Task, unknown, UpdateVars, { snapshot: Snapshot }>({
    mutationFn: ({ task, patch }) => updateTask(task, patch),
    onMutate: async ({ task, patch }) => {
      await qc.cancelQueries({ queryKey: taskKeys.lists() });
      const snapshot = snapshotLists(qc);
      upsertTaskInLists(qc, applyPatch(task, patch));
      return { snapshot };
    },
    onError: async (error, { task, patch }, ctx) => {
      if (ctx) restoreLists(qc, ctx.snapshot);
      if (error instanceof ApiError && error.status === 412) {
        try {
          const fresh = await getTask(task.id);
          upsertTaskInLists(qc, fresh);
          conflictStore.open({ fresh, patch });
        } catch (e) {
          toast.error(`This task changed elsewhere and could not be reloaded: ${errorMessage(e)}`);
        }
        return;
      }
      if (error instanceof ApiError && error.status === 404) {
        removeTaskFromLists(qc, task.id);
        toast.error("This task no longer exists.");
        return;
      }
      toast.error(`Could not save “${task.title}”: ${errorMessage(error)}`);
    },
    onSuccess: (saved) => upsertTaskInLists(qc, saved),
    onSettled: () => resync(qc),
  });
}

export interface CreateVars {
  body: TaskCreate;
  key: string; // Idempotency-Key: a retried POST never creates a duplicate
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation<Task, unknown, CreateVars, { snapshot: Snapshot; tempId: string }>({
    mutationFn: ({ body, key }) => createTask(body, key),
    retry: (count, error) => count < 2 && error instanceof ApiError && error.status === 0,
    onMutate: async ({ body, key }) => {
      await qc.cancelQueries({ queryKey: taskKeys.lists() });
      const snapshot = snapshotLists(qc);
      const now = new Date().toISOString();
      const tempId = `temp-${key}`;
      upsertTaskInLists(qc, {
        id: tempId,
        title: body.title,
        description: body.description ?? null,
        status: body.status ?? "pending",
        priority: body.priority ?? "medium",
        due_date: body.due_date ?? null,
        labels: body.labels ?? [],
        created_at: now,
        updated_at: now,
        completed_at: null,
        version: 0,
      });
      return { snapshot, tempId };
    },
    onError: (error, _vars, ctx) => {
      if (ctx) restoreLists(qc, ctx.snapshot);
      toast.error(`Could not add the task: ${errorMessage(error)}`);
    },
    onSuccess: (task, _vars, ctx) => upsertTaskInLists(qc, task, ctx?.tempId),
    onSettled: () => resync(qc),
  });
}

export const newIdempotencyKey = uuid;

/* Deleting: the task disappears at once and the DELETE is sent when the Undo window closes
 * (or when the page is left), so Undo restores the very same task with its id and history. */
const UNDO_MS = 6000;
const pending = pendingDeletes;

function flushOnLeave() {
  for (const [id, entry] of pending) {
    clearTimeout(entry.timer);
    pending.delete(id);
    const token = getAccessToken();
    void fetch(`${apiOrigin()}/api/v1/tasks/${id}`, {
      method: "DELETE",
      keepalive: true,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    }).catch(() => {});
  }
}
if (typeof window !== "undefined") window.addEventListener("pagehide", flushOnLeave);

export function useDeleteTask() {
  const qc = useQueryClient();
  return (task: Task) => {
    const snapshot = snapshotLists(qc);
    removeTaskFromLists(qc, task.id);
    const run = () => {
      pending.delete(task.id);
      deleteTask(task.id)
        .then(() => qc.removeQueries({ queryKey: ["tasks", "detail", task.id] }))
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return;
          if (!findCachedTask(qc, task.id)) upsertTaskInLists(qc, task);
          toast.error(`Could not delete “${task.title}”: ${errorMessage(error)}`);
        })
        .finally(() => refreshCounts(qc));
    };
    const timer = setTimeout(run, UNDO_MS);
    pending.set(task.id, { timer, run });
    toast(`Deleted “${task.title}”`, {
      id: `delete-${task.id}`,
      duration: UNDO_MS,
      action: {
        label: "Undo",
        onClick: () => {
          clearTimeout(timer);
          pending.delete(task.id);
          reinsertTask(qc, task, snapshot);
          toast.success("Task restored", { duration: 2000 });
        },
      },
    });
  };
}

/** Send every deletion still waiting for its Undo window (used before logging out). */
export function flushPendingDeletes(): void {
  for (const entry of [...pending.values()]) {
    clearTimeout(entry.timer);
    entry.run();
  }
}
