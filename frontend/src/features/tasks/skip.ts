import { MutationObserver, type QueryClient } from "@tanstack/react-query";
import { api, dataOf } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { formatTaskDue } from "@/lib/dates";
import { toast } from "@/ui/toast";
import { findCachedTask, upsertTaskInLists } from "./cache";
import { resync, UNDO_TOAST_MS, updateTaskOptions } from "./mutations";
import { undoStack } from "./undo";

/**
 * "Not this time" for a repeating task (POST /tasks/{id}/skip): its due moves to the next
 * occurrence and nothing is completed. Not optimistic, as only the server knows the next
 * occurrence. Undo (the toast, Ctrl/Cmd+Z) puts the due back. Loaded on first use.
 */
export async function skipOccurrence(qc: QueryClient, shown: Task, timeZone: string) {
  // The version the page holds now (a live update may have come since the editor opened).
  const task = findCachedTask(qc, shown.id) ?? shown;
  let skipped: Task;
  try {
    skipped = await dataOf<Task>(
      api.POST("/api/v1/tasks/{task_id}/skip", {
        params: { path: { task_id: task.id } },
        body: { version: task.version },
      }),
    );
  } catch (error) {
    toast.error(`Could not skip “${task.title}”: ${errorMessage(error)}`);
    resync(qc); // a 412 or 404 means the page is behind
    return;
  }
  upsertTaskInLists(qc, skipped);
  resync(qc);
  const next = formatTaskDue(skipped, timeZone);
  const id = `skip-${task.id}-${skipped.version}`;
  const label = `Skipped “${task.title}”: next due ${next}`;
  const back = task.due_date ? { due_date: task.due_date } : { due_on: task.due_on };
  undoStack.push({
    id,
    label,
    undo: () => {
      toast.dismiss(id);
      // On the skipped version: a change made since goes through the conflict rules as any edit.
      void new MutationObserver(qc, updateTaskOptions(qc))
        .mutate({ task: skipped, patch: back, record: false })
        .catch(() => {});
    },
  });
  toast(label, {
    id,
    duration: UNDO_TOAST_MS,
    action: { label: "Undo", onClick: () => undoStack.undo(id) },
  });
}
