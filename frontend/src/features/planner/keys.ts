import { useCallback, useMemo } from "react";
import type { Task } from "@/api/types";
import { moveTaskFocus, useShortcuts, useTaskKeys } from "@/features/tasks/views";

/**
 * The list's keys on a planner page: j/k walk its tasks, and the task keys (e, d, t, s, 1–4) act
 * on the focused one, read from the page's own `tasks` (its cache is not the list's).
 */
export function usePlannerKeys(tasks: readonly Task[]): void {
  const keys = useMemo(() => ({ j: () => moveTaskFocus(1), k: () => moveTaskFocus(-1) }), []);
  useShortcuts(keys);
  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const find = useCallback((id: string) => byId.get(id), [byId]);
  useTaskKeys({ find });
}
