import { useCallback, useSyncExternalStore } from "react";

/** Whether `query` matches now, re-rendering when that changes. Where there is no matchMedia
 * (tests without it), `fallback`: what the wide layout answers. */
export function useMediaQuery(query: string, fallback = true): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = globalThis.matchMedia?.(query);
      list?.addEventListener("change", onChange);
      return () => list?.removeEventListener("change", onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => globalThis.matchMedia?.(query).matches ?? fallback,
    () => fallback,
  );
}
