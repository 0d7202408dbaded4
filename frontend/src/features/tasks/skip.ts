import { MutationObserver, type QueryClient } from "@tanstack/react-query";
import { api, dataOf } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { formatTaskDue } from "@/lib/dates";
import { toast } from "@/ui/toast";
import { getTask } from "./api";
import { findCachedTask } from "./cache";
import {
  resync,
  sendMerged,
  showAnswer,
  TASK_CHANGES,
  TASK_WRITE,
  UNDO_TOAST_MS,
  updateTaskOptions,
} from "./mutations";
import { undoStack } from "./undo";

/** A skip's variables: the task as shown when the user skipped it (Undo puts its due back). */
export interface SkipVars {
  task: Task;
}

/** The fields a skip sets (and reads: the next occurrence follows the due and the rule). */
const SKIP_FIELDS = new Set(["due_date", "due_on", "recurrence"]);

/**
 * POST /tasks/{id}/skip on `shown`'s version, merged as an edit is (saveMerged in mutations.ts): on
 * a 412, when the due and the rule are as shown (the change was to other fields, or the user's
 * own edit sent just before), it is sent again on the current version.
 */
function skipMerged(shown: Task): Promise<Task> {
  return sendMerged(
    shown.version,
    (version) =>
      dataOf<Task>(
        api.POST("/api/v1/tasks/{task_id}/skip", {
          params: { path: { task_id: shown.id } },
          body: { version },
        }),
      ),
    async () => {
      const fresh = await getTask(shown.id);
      const { changedFields } = await import("./merge");
      return changedFields(shown, fresh).some((f) => SKIP_FIELDS.has(f)) ? null : fresh.version;
    },
  );
}

/**
 * "Not this time" for a repeating task (POST /tasks/{id}/skip): its due moves to the next
 * occurrence and nothing is completed. Not optimistic, as only the server knows the next
 * occurrence. A mutation in the edits' scope, so it is sent after the changes made before it
 * (and waits, offline, like them). Undo (the toast, Ctrl/Cmd+Z) puts the due back. Loaded on
 * first use.
 */
export async function skipOccurrence(qc: QueryClient, shown: Task, timeZone: string) {
  // The version the page holds now (a live update may have come since the editor opened).
  const vars: SkipVars = { task: findCachedTask(qc, shown.id) ?? shown };
  const { task } = vars;
  let skipped: Task;
  try {
    skipped = await new MutationObserver(qc, {
      mutationKey: [TASK_WRITE, "skip"],
      scope: TASK_CHANGES,
      mutationFn: (v: SkipVars) => skipMerged(v.task),
    }).mutate(vars);
  } catch (error) {
    toast.error(`Could not skip “${task.title}”: ${errorMessage(error)}`);
    resync(qc); // a 412 or 404 means the page is behind
    return;
  }
  showAnswer(qc, skipped, vars);
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
