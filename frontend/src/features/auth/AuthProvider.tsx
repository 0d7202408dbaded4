import { useQueryClient } from "@tanstack/react-query";
import { startTransition, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { setAccessToken, setSessionExpiredHandler } from "@/api/session";
import type { TokenPair, User } from "@/api/types";
import { flushPendingDeletes } from "@/features/tasks/mutations";
import {
  AuthContext,
  resetSession,
  startSession,
  type AuthContextValue,
  type AuthStatus,
} from "./context";

/** A 422 about the registration's time zone only (the other fields were fine). */
const isZoneError = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 422 &&
  error.errors.length > 0 &&
  error.errors.every((e) => e.field === "body.time_zone");

/** `firstScreen`: the first page's code on its way (app/router.tsx). The session's first answer
 * is shown once that has come too, so the page renders at once rather than behind its spinner. */
export function AuthProvider({
  children,
  firstScreen,
}: {
  children: ReactNode;
  firstScreen?: Promise<unknown>;
}) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>("loading");
  const [user, setUserState] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // A chunk that failed to load is the page's own error to show, not a reason to wait.
    void Promise.all([startSession(), firstScreen?.catch(() => null)]).then(([me]) => {
      if (!live) return;
      // The signed-in shell and page are the load's biggest render: as a transition React renders
      // it in slices, so no single long task holds the main thread (Lighthouse's TBT). It waits for
      // nothing: its page's chunk is there (firstScreen), and such a page does not suspend
      // (lib/preloadable.ts). With plain lazy pages it did, and the tree came ~250 ms later at 4x
      // CPU than with a plain update.
      startTransition(() => {
        setUserState(me);
        setStatus(me ? "authenticated" : "anonymous");
      });
    });
    return () => {
      live = false;
    };
  }, [firstScreen]);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      qc.clear();
      setUserState(null);
      setStatus("anonymous");
      setNotice("Your session has expired. Please log in again.");
    });
    return () => setSessionExpiredHandler(null);
  }, [qc]);

  const login = useCallback(async (email: string, password: string) => {
    const { data } = await unwrap<TokenPair>(
      api.POST("/api/v1/auth/login", { body: { email, password } }),
    );
    setAccessToken(data.access_token);
    setUserState(data.user);
    setNotice(null);
    setStatus("authenticated");
  }, []);

  const register = useCallback(
    async (email: string, password: string, fullName?: string) => {
      const body = { email, password, ...(fullName ? { full_name: fullName } : {}) };
      // The new account's zone is the browser's; one the server does not know (an old or odd
      // browser) must not block signing up: the account then starts in UTC.
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      try {
        await unwrap(
          api.POST("/api/v1/auth/register", { body: zone ? { ...body, time_zone: zone } : body }),
        );
      } catch (error) {
        if (!(zone && isZoneError(error))) throw error;
        await unwrap(api.POST("/api/v1/auth/register", { body }));
      }
      await login(email, password);
    },
    [login],
  );

  const logout = useCallback(async () => {
    flushPendingDeletes();
    try {
      await api.POST("/api/v1/auth/logout", { body: {} });
    } finally {
      setAccessToken(null);
      resetSession(null);
      qc.clear();
      setUserState(null);
      setNotice("You have been logged out.");
      setStatus("anonymous");
    }
  }, [qc]);

  const value = useMemo<AuthContextValue>(
    () => ({ status, user, notice, login, register, logout, setUser: setUserState }),
    [status, user, notice, login, register, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
