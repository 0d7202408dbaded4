import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, unwrap } from "@/api/client";
import {
  refreshAccessToken,
  setAccessToken,
  setSessionExpiredHandler,
} from "@/api/session";
import type { TokenPair, User } from "@/api/types";
import { flushPendingDeletes } from "@/features/tasks/mutations";

type Status = "loading" | "anonymous" | "authenticated";

export interface AuthContextValue {
  status: Status;
  user: User | null;
  /** Why the user was sent to the login page, e.g. an expired session. */
  notice: string | null;
  login: (email: string, password: string) => Promise<void>;
  register: (email: string, password: string, fullName?: string) => Promise<void>;
  logout: () => Promise<void>;
  setUser: (user: User) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

async function fetchMe(): Promise<User> {
  return (await unwrap<User>(api.GET("/api/v1/users/me"))).data;
}

// One bootstrap per page load, even under StrictMode's double effects.
let bootstrap: Promise<User | null> | null = null;
export const resetBootstrapForTests = () => {
  bootstrap = null;
};

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>("loading");
  const [user, setUserState] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    bootstrap ??= refreshAccessToken().then((token) => (token ? fetchMe().catch(() => null) : null));
    let live = true;
    void bootstrap.then((me) => {
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
    const me = await fetchMe();
    setUserState(me);
    setNotice(null);
    setStatus("authenticated");
  }, []);

  const register = useCallback(
    async (email: string, password: string, fullName?: string) => {
      await unwrap(
        api.POST("/api/v1/auth/register", {
          body: { email, password, ...(fullName ? { full_name: fullName } : {}) },
        }),
      );
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
      bootstrap = Promise.resolve(null);
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

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside <AuthProvider>");
  return ctx;
}
