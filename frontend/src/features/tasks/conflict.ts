import { useSyncExternalStore } from "react";
import type { Task, TaskUpdate } from "@/api/types";

/** A 412 waiting for the user's decision: the server's fresh task and the change they made. */
export interface Conflict {
  fresh: Task;
  patch: TaskUpdate;
}

let current: Conflict | null = null;
const listeners = new Set<() => void>();

export const conflictStore = {
  open(conflict: Conflict) {
    current = conflict;
    listeners.forEach((l) => l());
  },
  close() {
    current = null;
    listeners.forEach((l) => l());
  },
  get: () => current,
};

export function useConflict(): Conflict | null {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    conflictStore.get,
    conflictStore.get,
  );
}
