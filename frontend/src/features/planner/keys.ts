import { useMemo } from "react";
import { moveTaskFocus, useShortcuts } from "@/features/tasks/views";

/** j/k walk the page's tasks, as on the list and the board. */
export function useRowKeys(): void {
  const keys = useMemo(() => ({ j: () => moveTaskFocus(1), k: () => moveTaskFocus(-1) }), []);
  useShortcuts(keys);
}
