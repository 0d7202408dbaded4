import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from "react";
import type { Task } from "@/api/types";
import { moveTaskFocus, useShortcuts, useTaskKeys } from "@/features/tasks/views";

/**
 * The focus follows a task whose row is new: moved to another day (`t`, "Move to", a drag), its
 * old row went, and the focus it held fell to the page. Once the task's row is back (after each
 * change of `tasks`), the same control (by id: "Move to"), or its Edit button, takes the focus
 * again, unless the user has put the focus somewhere else meanwhile.
 */
function useFocusFollowsTask(tasks: readonly Task[]): void {
  const last = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const onFocusIn = (e: FocusEvent) => (last.current = e.target as HTMLElement);
    document.addEventListener("focusin", onFocusIn);
    return () => document.removeEventListener("focusin", onFocusIn);
  }, []);
  useLayoutEffect(() => {
    const was = last.current;
    // A removed row keeps its subtree: which task it was.
    const task = was?.isConnected === false && was.closest<HTMLElement>("[data-task-id]");
    if (!task || document.activeElement !== document.body) return;
    const again = was.id
      ? document.getElementById(was.id)
      : document.querySelector<HTMLElement>(
          `[data-task-id="${task.dataset.taskId}"] button[aria-label^="Edit “"]`,
        );
    again?.focus();
  }, [tasks]);
}

/**
 * The list's keys on a planner page: j/k walk its tasks, and the task keys (e, d, t, s, 1–4) act
 * on the focused one, read from the page's own `tasks` (its cache is not the list's); the focus
 * follows a task that moves.
 */
export function usePlannerKeys(tasks: readonly Task[]): void {
  const keys = useMemo(() => ({ j: () => moveTaskFocus(1), k: () => moveTaskFocus(-1) }), []);
  useShortcuts(keys);
  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const find = useCallback((id: string) => byId.get(id), [byId]);
  useTaskKeys({ find });
  useFocusFollowsTask(tasks);
}
