/**
 * What a live change makes stale, and the stream that reports them: loaded with the stream once
 * the first screen has painted (useLiveUpdates).
 */
import type { QueryClient } from "@tanstack/react-query";
import { openLiveStream, type LiveChange } from "./stream";

type Key = readonly string[];

// What each kind of change makes stale (the query keys of features/*/api.ts).
const STALE: Record<string, Key[]> = {
  tasks: [["tasks"], ["planner"], ["projects"]],
  comments: [
    ["tasks", "comments"],
    ["tasks", "history"],
  ],
  attachments: [["tasks", "attachments"]],
  projects: [["projects"]],
  members: [["projects"]],
  membership: [["projects"], ["tasks"], ["planner"]],
  notification: [["notifications"]],
};
const EVERYTHING: Key[] = [["tasks"], ["planner"], ["projects"], ["notifications"]];

function invalidator(qc: QueryClient) {
  const pending = new Map<string, Key>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    // Not while this tab's own writes are on the wire: their own invalidation follows, and a
    // refetch in between would put back what an optimistic update (a move) has changed.
    if (qc.isMutating() > 0) {
      timer = setTimeout(flush, 200);
      return;
    }
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
  };
  return (keys: Key[]) => {
    for (const key of keys) pending.set(JSON.stringify(key), key);
    // A burst of changes (a bulk edit, a resumed stream) refetches once.
    timer ??= setTimeout(flush, 100);
  };
}

/** Opens the stream and refetches what each change shows; answers how to close it. */
export function follow(qc: QueryClient): () => void {
  const stale = invalidator(qc);
  return openLiveStream({
    onChange: (change: LiveChange) => stale(STALE[change.kind] ?? EVERYTHING),
    onReady: () => stale(EVERYTHING),
  });
}
