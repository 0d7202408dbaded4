import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
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

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>("loading");
  const [user, setUserState] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void startSession().then((me) => {
      if (!live) return;
      setUserState(me);
      setStatus(me ? "authenticated" : "anonymous");
    });
    return () => {
      live = false;
    };
  }, []);

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
