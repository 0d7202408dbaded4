import { useLocation } from "react-router";

/** The address an `AuthLink` carried here, or "" (typed once, not again on the next page). */
export function useCarriedEmail(): string {
  const state = useLocation().state as { email?: unknown } | null;
  return typeof state?.email === "string" ? state.email : "";
}
