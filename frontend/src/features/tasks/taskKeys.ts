/**
 * Keys on the focused task (issue 18, keyboard-first): `e` edit, `d` edit its due day, `1`–`4`
 * priority (quick add's p1–p4), `t` due today, `s` skip a repeating task's occurrence. With tasks
 * selected, `1`–`4` and `t` apply to the selection in one bulk request. Like every single-key shortcut they stay quiet while typing and
 * while a dialog is open (useShortcuts). The write code loads on the first press (taskKeyRun.ts):
 * the initial route keeps its byte budget.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useContext, useMemo } from "react";
import type { Priority, Task } from "@/api/types";
import { AuthContext } from "@/features/auth/context";
import { PRIORITY_TOKENS } from "@/features/quickadd/types";
import { useShortcuts } from "@/lib/useShortcuts";
import { findCachedTask } from "./cache";
import { useOpenTask } from "./taskRoute";

/** What a key does to the focused task (or the selection). */
export type TaskKeyAction =
  | { kind: "edit"; focus?: "due" }
  | { kind: "priority"; priority: Priority }
  | { kind: "today" }
  | { kind: "skip" };

/** The key → action table, shared by the hook, its tests and the help sheet's wording. */
export const TASK_KEYS: Readonly<Record<string, TaskKeyAction>> = {
  e: { kind: "edit" },
  d: { kind: "edit", focus: "due" },
  t: { kind: "today" },
  s: { kind: "skip" },
  ...Object.fromEntries(
    ["1", "2", "3", "4"].map((n) => [n, { kind: "priority", priority: PRIORITY_TOKENS[`p${n}`]! }]),
  ),
};

/** The task whose row or card holds the keyboard focus. */
export function focusedTaskId(): string | undefined {
  return document.activeElement?.closest<HTMLElement>("[data-task-id]")?.dataset.taskId;
}

const NONE: readonly Task[] = [];

/** The newer of two copies of a task (the one a write must be based on, or it meets a 412). */
const newer = (a: Task | undefined, b: Task | undefined) =>
  !a || (b && b.version > a.version) ? b : a;

/**
 * Wire the task keys on a page. `selection`: the selected tasks (the list's multi-select);
 * `onApplied` empties it after a bulk change, as the bulk bar does; `writable` false on a project
 * the user only views (the keys open tasks, never change them); `find`: the page's own copy of a
 * task where it is not in the list caches (Today, Upcoming and Calendar hold their own).
 */
export function useTaskKeys({
  selection = NONE,
  onApplied,
  writable = true,
  find,
}: {
  selection?: readonly Task[];
  onApplied?: () => void;
  writable?: boolean;
  find?: (id: string) => Task | undefined;
} = {}): void {
  const qc = useQueryClient();
  const openTask = useOpenTask();
  const timeZone = useContext(AuthContext)?.user?.time_zone ?? undefined;
  const keys = useMemo(() => {
    const press = (action: TaskKeyAction) => {
      const id = focusedTaskId();
      // A task still being created takes the changes that wait behind its create (priority, due
      // today), not the editor or a skip, which need it saved.
      if (id?.startsWith("temp-") && (action.kind === "edit" || action.kind === "skip")) return;
      const task = id ? newer(findCachedTask(qc, id), find?.(id)) : undefined;
      if (action.kind === "edit") {
        if (task) openTask(task, action.focus);
        return;
      }
      if (!writable || (!task && !selection.length)) return;
      void import("./taskKeyRun").then((m) =>
        m.runTaskKey(qc, action, { task, selection, timeZone, onApplied }),
      );
    };
    return Object.fromEntries(
      Object.entries(TASK_KEYS).map(([key, action]) => [key, () => press(action)]),
    );
  }, [qc, openTask, selection, timeZone, onApplied, writable, find]);
  useShortcuts(keys);
}
