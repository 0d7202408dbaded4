/**
 * Manual order (issue 18, `sort=position`): move a task next to a neighbour through
 * `POST /tasks/{id}/move`, optimistic in every manually sorted list, rolled back on failure, and
 * undoable (the inverse is a move to the other side of the same neighbour). A lazy chunk: it
 * loads on the first Alt+↑/↓.
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "@/ui/toast";
import { ApiError, errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { moveTaskTo, taskKeys } from "./api";
import { restoreLists, snapshotLists, upsertTaskInLists, type ListData } from "./cache";
import type { ApiTaskQuery } from "./filters";
import { undoStack } from "./undo";

/** Where a task goes: right after one task, or right before one. */
export type MoveTarget = { after_id: string } | { before_id: string };

/** The move that puts a task back where it was before `target` moved it (same neighbour). */
export function inverseMove(target: MoveTarget): MoveTarget {
  return "after_id" in target ? { before_id: target.after_id } : { after_id: target.before_id };
}

/** The move for Alt+↑ (delta -1) or Alt+↓ (+1) in the order shown; null at either end. */
export function keyboardMove(order: readonly Task[], id: string, delta: 1 | -1): MoveTarget | null {
  const i = order.findIndex((t) => t.id === id);
  const neighbour = i < 0 ? undefined : order[i + delta];
  if (!neighbour) return null;
  return delta < 0 ? { before_id: neighbour.id } : { after_id: neighbour.id };
}

/** The ids in `ids` with `id` moved next to its target's neighbour (unchanged if not there). */
export function reordered(ids: readonly string[], id: string, target: MoveTarget): string[] {
  const anchor = "after_id" in target ? target.after_id : target.before_id;
  if (!ids.includes(id) || !ids.includes(anchor)) return [...ids];
  const rest = ids.filter((x) => x !== id);
  const at = rest.indexOf(anchor) + ("after_id" in target ? 1 : 0);
  rest.splice(at, 0, id);
  return rest;
}

function reorderCached(qc: QueryClient, id: string, target: MoveTarget) {
  for (const [key, data] of snapshotLists(qc)) {
    if (!data || (key[2] as ApiTaskQuery).sort !== "position") continue;
    const all = data.pages.flatMap((p) => p.items);
    const byId = new Map(all.map((t) => [t.id, t]));
    const order = reordered(
      all.map((t) => t.id),
      id,
      target,
    );
    // Pages keep their sizes: the moved task may cross a page boundary.
    let k = 0;
    const pages = data.pages.map((p) => ({
      ...p,
      items: p.items.map(() => byId.get(order[k++]!)!),
    }));
    qc.setQueryData<ListData>(key, { ...data, pages });
  }
}

const UNDO_TOAST_MS = 6000;
let seq = 0;
/** Each task's move still on its way: the next move of that task waits for its answer. */
const inFlight = new Map<string, Promise<Task | null>>();

/** Move `task` (at the version shown); `record` puts the move on the undo stack. */
export async function moveTask(
  qc: QueryClient,
  task: Task,
  target: MoveTarget,
  record = true,
): Promise<void> {
  await qc.cancelQueries({ queryKey: taskKeys.lists() });
  const snapshot = snapshotLists(qc);
  reorderCached(qc, task.id, target);
  refocus(task.id);
  let settle!: (saved: Task | null) => void;
  const saved = new Promise<Task | null>((resolve) => (settle = resolve));
  const id = `move-${++seq}`;
  if (record) {
    // On the stack at once: Ctrl+Z right after the key press undoes this move.
    undoStack.push({
      id,
      label: `Moved “${task.title}”`,
      undo: () => {
        toast.dismiss(id);
        void saved.then((t) => t && moveTask(qc, t, inverseMove(target), false));
      },
    });
  }
  // Two quick Alt+↑ on one task: the second is sent on the version the first one produced (sent
  // on the version shown, it was a 412 and the list jumped back: seen in a CI run).
  const previous = inFlight.get(task.id);
  inFlight.set(task.id, saved);
  try {
    const data = await moveTaskTo((await previous) ?? task, target);
    upsertTaskInLists(qc, data);
    settle(data);
    if (record)
      toast(`Moved “${task.title}”`, {
        id,
        duration: UNDO_TOAST_MS,
        action: { label: "Undo", onClick: () => undoStack.undo(id) },
      });
  } catch (error) {
    restoreLists(qc, snapshot);
    refocus(task.id);
    undoStack.remove(id);
    settle(null);
    toast.error(
      error instanceof ApiError && error.status === 412
        ? `“${task.title}” changed elsewhere: the list now shows its current version. Try again.`
        : `Could not move “${task.title}”: ${errorMessage(error)}`,
    );
  } finally {
    if (inFlight.get(task.id) === saved) inFlight.delete(task.id);
    void qc.invalidateQueries({ queryKey: taskKeys.lists() });
  }
}

/** Alt+↑/↓ on the focused row of a manually sorted list. */
export function moveByKey(qc: QueryClient, order: readonly Task[], id: string, delta: 1 | -1) {
  const task = order.find((t) => t.id === id);
  const target = keyboardMove(order, id, delta);
  if (task && target) void moveTask(qc, task, target);
}

/** A moved row can lose the focus when React re-inserts it: give it back after the render. */
function refocus(id: string) {
  requestAnimationFrame(() =>
    document
      .querySelector<HTMLElement>(`[data-task-id="${id}"] button[aria-label^="Edit “"]`)
      ?.focus(),
  );
}
