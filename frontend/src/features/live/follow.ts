/**
 * What a live change makes stale, and the stream that reports them: loaded with the stream once
 * the first screen has painted (useLiveUpdates).
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Dispatch, SetStateAction } from "react";
import { api, unwrap } from "@/api/client";
import type { User } from "@/api/types";
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
  // A teammate's new name shows in the members and assignee lists.
  profile: [["projects"]],
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

/**
 * The signed-in user's profile as the server holds it: a time zone, week start or name changed in
 * another tab or on another device moves this tab's Today, weeks and name too. Set only when it
 * differs, so a `ready` with nothing new re-renders nothing.
 */
function profileReloader(setUser: Dispatch<SetStateAction<User | null>>) {
  return () =>
    void unwrap<User>(api.GET("/api/v1/users/me")).then(
      ({ data }) =>
        setUser((shown) =>
          shown === null || JSON.stringify(shown) === JSON.stringify(data) ? shown : data,
        ),
      () => {}, // the next notice or reconnection tries again
    );
}

/** Opens the stream and refetches what each change shows; answers how to close it. */
export function follow(
  qc: QueryClient,
  userId: string,
  setUser: Dispatch<SetStateAction<User | null>>,
): () => void {
  const stale = invalidator(qc);
  const reloadProfile = profileReloader(setUser);
  return openLiveStream({
    onChange: (change: LiveChange) => {
      stale(STALE[change.kind] ?? EVERYTHING);
      if (change.kind === "profile" && change.owner_id === userId) reloadProfile();
    },
    // As every kind without a version: a change made while the stream was away is not resent.
    onReady: () => {
      stale(EVERYTHING);
      reloadProfile();
    },
  });
}
