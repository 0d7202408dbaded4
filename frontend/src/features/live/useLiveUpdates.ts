/**
 * Live updates in the signed-in layout: a change made in another tab, on another device or by
 * a teammate refetches what shows it (docs/adr/0019). What it does (follow.ts), the stream and
 * its parser are a chunk of their own, loaded once the first screen has painted.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useAuth } from "@/features/auth/context";

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  const { user, setUser } = useAuth();
  const userId = user?.id;
  useEffect(() => {
    if (!userId) return;
    let close: (() => void) | undefined;
    let cancelled = false;
    const start = () =>
      void import("./follow").then(({ follow }) => {
        if (!cancelled) close = follow(qc, userId, setUser);
      });
    const idle = globalThis.requestIdleCallback?.(start, { timeout: 2000 });
    const timer = idle === undefined ? setTimeout(start, 1000) : undefined;
    return () => {
      cancelled = true;
      if (idle !== undefined) globalThis.cancelIdleCallback?.(idle);
      if (timer !== undefined) clearTimeout(timer);
      close?.(); // signed out, or another account: the stream ends with it
    };
  }, [qc, userId, setUser]);
}
