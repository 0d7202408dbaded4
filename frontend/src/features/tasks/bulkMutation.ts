/**
 * Applying a bulk action: optimistic in every cached list, one `POST /tasks/bulk`, rollback on
 * failure, and an undo entry whose inverse is another bulk. A bulk delete is sent when its Undo
 * window closes, as a single delete is, so its undo sends nothing. Loaded with the bulk bar (a
 * lazy chunk), not with the list.
 */
import { MutationObserver, onlineManager, type QueryClient } from "@tanstack/react-query";
import { toast } from "@/ui/toast";
import { api, dataOf } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { getTask, taskKeys } from "./api";
import {
  buildBulkOperations,
  describeBulk,
  inverseOf,
  staleIdsOf,
  type BulkAction,
  type BulkOperation,
  type BulkRequest,
  type BulkResult,
} from "./bulk";
import {
  applyPatch,
  removeTaskFromLists,
  restoreLists,
  snapshotLists,
  upsertTaskInLists,
} from "./cache";
import {
  afterOwnWrites,
  deleteWithUndo,
  recordOwnWrite,
  resync,
  sendMerged,
  sendOnLeave,
  showAnswer,
  TASK_CHANGES,
  TASK_WRITE,
} from "./mutations";
import { openSubtasksOf } from "./subtasks";
import { undoStack } from "./undo";

/** One atomic bulk change (`POST /tasks/bulk`): all operations apply, or none (412 `stale_ids`). */
export async function bulkTasks(body: BulkRequest): Promise<BulkResult> {
  return dataOf<BulkResult>(api.POST("/api/v1/tasks/bulk", { body }));
}

/**
 * `bulkTasks`, merged as a single edit is (saveMerged in mutations.ts): a 412 names the tasks
 * changed since they were selected, and when none of them changed in a field this bulk sets (a
 * delete: in any field), the bulk is sent again on their current versions. So a bulk made right
 * after the user's own edit of the same task (sent after it: one scope) applies on top of it.
 */
export function bulkMerged(
  body: BulkRequest,
  selected: ReadonlyMap<string, Task>,
): Promise<BulkResult> {
  return sendMerged(
    body.operations.map((op) => ({ ...op, version: afterOwnWrites(op.id, op.version) })),
    async (operations) => {
      const result = await bulkTasks({ ...body, operations });
      const answered = new Map(result.tasks.map((t) => [t.id, t.version]));
      for (const op of operations) {
        const version = answered.get(op.id);
        if (version !== undefined) recordOwnWrite(op.id, op.version, version);
      }
      return result;
    },
    async (refused, operations) => {
      const stale = staleIdsOf(refused);
      const current = stale.length ? await mergeable(stale, operations, selected) : null;
      return (
        current &&
        operations.map((op) => ({ ...op, version: current.get(op.id)?.version ?? op.version }))
      );
    },
  );
}

/** The current versions of `ids` when re-sending `operations` on them loses no one's change. */
async function mergeable(
  ids: readonly string[],
  operations: readonly BulkOperation[],
  selected: ReadonlyMap<string, Task>,
): Promise<Map<string, Task> | null> {
  let current: Task[];
  try {
    current = await Promise.all(ids.map((id) => getTask(id)));
  } catch {
    return null; // gone or unreadable: the refusal stands
  }
  const { changedFields, conflictingFields } = await import("./merge");
  const byId = new Map(operations.map((op) => [op.id, op]));
  const keepsEveryChange = current.every((fresh) => {
    const op = byId.get(fresh.id);
    const base = selected.get(fresh.id);
    if (!op || !base) return false;
    const lost =
      "delete" in op ? changedFields(base, fresh) : conflictingFields(base, fresh, op.patch);
    return lost.length === 0;
  });
  return keepsEveryChange ? new Map(current.map((t) => [t.id, t])) : null;
}

const UNDO_TOAST_MS = 6000;
let seq = 0;

/** Counts and lists as after any write (mutations.ts); the other task queries a bulk may have
 * changed (an open task, the palette's matches) now. */
export function resyncAll(qc: QueryClient) {
  resync(qc);
  const done = new Set<unknown>([taskKeys.lists()[1], taskKeys.stats()[1], taskKeys.labels()[1]]);
  void qc.invalidateQueries({
    queryKey: taskKeys.all,
    predicate: (query) => !done.has(query.queryKey[1]),
  });
}

const titles = (tasks: readonly Task[], ids: readonly string[]) =>
  tasks
    .filter((t) => ids.includes(t.id))
    .map((t) => `“${t.title}”`)
    .join(", ");

/** The error toast of a refused bulk (nothing was applied): the tasks changed elsewhere, if so. */
function showRefusal(tasks: readonly Task[], error: unknown, what: string) {
  const stale = staleIdsOf(error);
  if (stale.length)
    toast.error(
      `Nothing was changed: ${titles(tasks, stale)} changed elsewhere since you selected ${
        stale.length === 1 ? "it" : "them"
      }. The list now shows the current versions; check them and try again.`,
      { duration: 10_000 },
    );
  else toast.error(`Could not ${what} the selected tasks: ${errorMessage(error)}`);
}

/**
 * Delete `tasks` as one task is deleted (deleteWithUndo): hidden at once with an Undo toast, and
 * when the window closes ONE atomic bulk of `operations`, merged as any bulk (bulkMerged). Undo
 * in the window sends nothing, so the tasks keep their ids, comments, subtasks and history.
 */
function deleteInBulk(qc: QueryClient, tasks: readonly Task[], operations: BulkOperation[]) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const body: BulkRequest = { operations };
  const send = async (request: BulkRequest) => {
    const result = await bulkMerged(request, byId);
    // A deleted parent's subtasks went with it.
    for (const id of result.deleted) {
      removeTaskFromLists(qc, id);
      qc.removeQueries({ queryKey: taskKeys.detail(id) });
    }
    return result;
  };
  const n = operations.length;
  deleteWithUndo(qc, {
    tasks,
    label: describeBulk({ kind: "delete" }, n),
    restored: n === 1 ? "Task restored" : `${n} tasks restored`,
    // A mutation in the edits' scope, as any bulk: the live updates hold their refetches until it
    // is in (live/follow.ts), it follows the changes made before it, and offline it waits.
    send: (now) =>
      now
        ? send(body)
        : new MutationObserver(qc, {
            mutationKey: [TASK_WRITE, "bulk"],
            scope: TASK_CHANGES,
            mutationFn: send,
          }).mutate(body),
    leave: () =>
      sendOnLeave("/api/v1/tasks/bulk", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          operations: operations.map((op) => ({
            ...op,
            version: afterOwnWrites(op.id, op.version),
          })),
        }),
      }),
    refused: (error) => showRefusal(tasks, error, "delete"),
    settled: () => resyncAll(qc),
  });
}

/**
 * Apply `action` to `tasks` (each at the version shown). Resolves true when applied (offline: once
 * shown, the change then waits in the page; a delete: once hidden, in its Undo window); false when
 * nothing was (the selection stays so the user can look and try again). Completing a parent with
 * open subtasks asks first (a toast action) and, if told to, runs again with `complete_subtasks`.
 */
export async function runBulk(
  qc: QueryClient,
  tasks: readonly Task[],
  action: BulkAction,
  today: string,
  projectName?: string,
  onApplied?: () => void,
  completeSubtasks = false,
): Promise<boolean> {
  const operations = buildBulkOperations(tasks, action, today);
  if (!operations.length) {
    toast("Nothing to change: the selected tasks already are that way.");
    return true;
  }
  if (action.kind === "delete") {
    // Nothing is sent yet: the bar is done with it, as with any change waiting in the page.
    deleteInBulk(qc, tasks, operations);
    return true;
  }
  await qc.cancelQueries({ queryKey: taskKeys.lists() });
  const snapshot = snapshotLists(qc);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const op of operations)
    if (!("delete" in op)) upsertTaskInLists(qc, applyPatch(byId.get(op.id)!, op.patch));
  // A mutation, so the live updates hold their refetches until it is in (live/follow.ts): a list
  // read meanwhile would show the rows as they were before it. In the edits' scope, so it reaches
  // the server after the edits made before it, and the edits made after it follow it.
  const body: BulkRequest = { operations, ...(completeSubtasks && { complete_subtasks: true }) };
  const sent = new MutationObserver(qc, {
    mutationKey: [TASK_WRITE, "bulk"],
    scope: TASK_CHANGES,
    mutationFn: (request: BulkRequest) => bulkMerged(request, byId),
  }).mutate(body);
  const answered = (async () => {
    let result;
    try {
      result = await sent;
    } catch (error) {
      restoreLists(qc, snapshot);
      const open = openSubtasksOf(error);
      if (open) {
        toast(`Complete ${open} open ${open === 1 ? "subtask" : "subtasks"} too?`, {
          description: "Nothing was completed yet.",
          duration: 12_000,
          action: {
            label: `Complete ${open === 1 ? "it" : "them"} too`,
            onClick: () =>
              void runBulk(qc, tasks, action, today, projectName, onApplied, true).then(
                (ok) => ok && onApplied?.(),
              ),
          },
        });
      } else showRefusal(tasks, error, "change");
      resyncAll(qc);
      return false;
    }
    for (const t of result.tasks) showAnswer(qc, t, body);
    resyncAll(qc);
    recordBulkUndo(
      qc,
      describeBulk(action, operations.length, projectName),
      inverseOf(tasks, operations, result),
      result.tasks,
    );
    return true;
  })();
  // Offline, the change waits in the page (its rows marked) and is sent when the network
  // returns, like any other: the bar is done with it now. Online, it waits for the answer, and a
  // refusal keeps the selection for another look.
  return onlineManager.isOnline() ? answered : true;
}

/**
 * Undo: the inverse bulk on the versions the bulk produced (`produced`), merged as the bulk was, so
 * a later change to other fields of those tasks is kept and one to the same fields refuses the
 * undo.
 */
function recordBulkUndo(
  qc: QueryClient,
  label: string,
  inverse: BulkOperation[],
  produced: readonly Task[],
) {
  const id = `bulk-${++seq}`;
  undoStack.push({
    id,
    label,
    undo: () => {
      toast.dismiss(id);
      // A mutation in the edits' scope, as the bulk was: sent in order, and offline it waits.
      const undoing: BulkRequest = { operations: inverse };
      void new MutationObserver(qc, {
        mutationKey: [TASK_WRITE, "bulk"],
        scope: TASK_CHANGES,
        mutationFn: async (request: BulkRequest) =>
          request.operations.length
            ? bulkMerged(request, new Map(produced.map((t) => [t.id, t])))
            : { tasks: [], deleted: [] },
      })
        .mutate(undoing)
        .then(
          ({ tasks }) => {
            for (const t of tasks) showAnswer(qc, t, undoing);
            toast.success(`Undone: ${label.charAt(0).toLowerCase()}${label.slice(1)}`, {
              duration: 2500,
            });
          },
          (error: unknown) => {
            const stale = staleIdsOf(error);
            toast.error(
              stale.length
                ? `Could not undo: ${stale.length} of the tasks changed since. Nothing was reverted.`
                : `Could not undo: ${errorMessage(error)}`,
            );
          },
        )
        .finally(() => resyncAll(qc));
    },
  });
  toast(label, {
    id,
    duration: UNDO_TOAST_MS,
    action: { label: "Undo", onClick: () => undoStack.undo(id) },
  });
}
