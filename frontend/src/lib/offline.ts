import { onlineManager, useIsMutating } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

/** A change TanStack Query holds back because the browser is offline (mutations run in network
 * mode "online"): it stays in the page and is sent, in order, when the network returns. Online,
 * a paused change only waits its turn in a scope (a move behind another move): not this. */
export const isWaiting = (m: { state: { isPaused: boolean } }): boolean =>
  m.state.isPaused && !onlineManager.isOnline();

const subscribe = (cb: () => void) => onlineManager.subscribe(cb);

/** Whether TanStack Query believes the browser is online (the window's online/offline events). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => onlineManager.isOnline(),
    () => true,
  );
}

/** How many changes wait for the network. */
export const useWaitingChanges = (): number => useIsMutating({ predicate: isWaiting });
