import { useSyncExternalStore } from "react";
import type { Task } from "@/api/types";
import type { TaskFormValues } from "./taskForm";

/** A save the server refused after the editor closed (saves are optimistic): the fields the user
 * had changed, as they were in the form, and the API's answer. */
export interface Refused {
  values: Partial<TaskFormValues>;
  error: unknown;
}

/** Which task the editor dialog shows: none, a new one, or an existing one. */
export type EditorState =
  | { mode: "closed" }
  // `dueDay` (YYYY-MM-DD): a planner day's "Add a task" starts the new task due that day.
  | { mode: "new"; dueDay?: string; refused?: Refused }
  // `focus: "due"`: the `d` shortcut opens the editor on its due field rather than the title.
  | { mode: "edit"; task: Task; focus?: "due"; refused?: Refused };

let state: EditorState = { mode: "closed" };
// The day a new task opened without one is due on: Today's date while Today is shown.
let pageDueDay: string | undefined;
const listeners = new Set<() => void>();
const set = (next: EditorState) => {
  state = next;
  listeners.forEach((l) => l());
};

export const editor = {
  openNew: (dueDay = pageDueDay) => set({ mode: "new", ...(dueDay && { dueDay }) }),
  /** `n`: due on the planner day holding the focus (a Calendar or Upcoming day), if any. */
  openNewAtFocus: () =>
    editor.openNew(document.activeElement?.closest<HTMLElement>("[data-day]")?.dataset.day),
  /** A page's day for new tasks (Today's date), or undefined as it goes. */
  setPageDueDay: (day: string | undefined) => {
    pageDueDay = day;
  },
  openEdit: (task: Task, focus?: "due") => set({ mode: "edit", task, ...(focus && { focus }) }),
  close: () => set({ mode: "closed" }),
  /** The editor again on a refused save (of `task`, or of a new task), as the user left it. */
  reopenRefused: (task: Task | undefined, refused: Refused) =>
    set(task ? { mode: "edit", task, refused } : { mode: "new", refused }),
  isOpen: () => state.mode !== "closed",
};

export function useEditor(): EditorState {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => state,
    () => state,
  );
}
