import { createContext, useContext, type Dispatch, type SetStateAction } from "react";
import { refreshOnLoad } from "@/api/session";
import type { User } from "@/api/types";
import { browserZone } from "@/lib/dates";

export type AuthStatus = "loading" | "anonymous" | "authenticated";

export interface AuthContextValue {
  status: AuthStatus;
  user: User | null;
  /** Why the user was sent to the login page, e.g. an expired session. */
  notice: string | null;
  login: (email: string, password: string) => Promise<void>;
  register: (email: string, password: string, fullName?: string) => Promise<void>;
  logout: () => Promise<void>;
  /** A new profile, or how to make it from the one shown (null once signed out). */
  setUser: Dispatch<SetStateAction<User | null>>;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

/** The user's (profile) time zone: due days, Today and overdue follow it; the browser's until the
 * profile has loaded (or outside an AuthProvider). */
export function useTimeZone(): string {
  return useContext(AuthContext)?.user?.time_zone ?? browserZone();
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside <AuthProvider>");
  return ctx;
}

// One session bootstrap (refresh cookie -> access token -> /users/me) per page load, even
// under StrictMode's double effects.
let bootstrap: Promise<User | null> | null = null;

export function bootstrapSession(start: () => Promise<User | null>): Promise<User | null> {
  bootstrap ??= start();
  return bootstrap;
}

/** The page load's session: the refresh answers with the account, so one round trip tells who is
 * signed in. main.tsx starts it before React renders, beside the route's chunks. */
export function startSession(): Promise<User | null> {
  return bootstrapSession(() => refreshOnLoad().then((pair) => pair?.user ?? null));
}

/** After logout the page must not reuse the old bootstrap; tests start each case afresh. */
export function resetSession(user: User | null | undefined = undefined): void {
  bootstrap = user === undefined ? null : Promise.resolve(user);
}
