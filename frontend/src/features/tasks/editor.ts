import { useSyncExternalStore } from "react";
import type { Task } from "@/api/types";

/** Which task the editor dialog shows: none, a new one, or an existing one. */
export type EditorState = { mode: "closed" } | { mode: "new" } | { mode: "edit"; task: Task };

let state: EditorState = { mode: "closed" };
const listeners = new Set<() => void>();
const set = (next: EditorState) => {
  state = next;
  listeners.forEach((l) => l());
};

export const editor = {
  openNew: () => set({ mode: "new" }),
  openEdit: (task: Task) => set({ mode: "edit", task }),
  close: () => set({ mode: "closed" }),
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
