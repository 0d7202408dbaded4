import { useEffect } from "react";

const typingTarget = (el: EventTarget | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

/** Single-key shortcuts ("n", "/", "?") that stay out of the way while typing or in dialogs. */
export function useShortcuts(map: Record<string, (e: KeyboardEvent) => void>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingTarget(e.target)) return;
      if (document.querySelector("[role=dialog][data-state=open], [role=alertdialog]")) return;
      const handler = map[e.key];
      if (handler) {
        e.preventDefault();
        handler(e);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [map]);
}
