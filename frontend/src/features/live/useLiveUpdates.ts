/**
 * Live updates in the signed-in layout: a change made in another tab, on another device or by
 * a teammate refetches what shows it (docs/adr/0019). The stream and its parser are a chunk of
 * their own, loaded once the first screen has painted.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useAuth } from "@/features/auth/context";
import type { LiveChange } from "./stream";

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

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  const userId = useAuth().user?.id;
  useEffect(() => {
    if (!userId) return;
    const stale = invalidator(qc);
    let close: (() => void) | undefined;
    let cancelled = false;
    const start = () =>
      void import("./stream").then(({ openLiveStream }) => {
        if (cancelled) return;
        close = openLiveStream({
          onChange: (change: LiveChange) => stale(STALE[change.kind] ?? EVERYTHING),
          onResumed: () => stale(EVERYTHING),
        });
      });
    const idle = globalThis.requestIdleCallback?.(start, { timeout: 2000 });
    const timer = idle === undefined ? setTimeout(start, 1000) : undefined;
    return () => {
      cancelled = true;
      if (idle !== undefined) globalThis.cancelIdleCallback?.(idle);
      if (timer !== undefined) clearTimeout(timer);
      close?.(); // signed out, or another account: the stream ends with it
    };
  }, [qc, userId]);
}
