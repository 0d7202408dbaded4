import { useEffect, type RefObject } from "react";

/**
 * The CSS variable the toaster (main.tsx) adds to its bottom offset: the room a bar pinned to the
 * bottom of the screen takes while it is shown, so an Undo toast never covers its controls.
 */
export const TOAST_CLEARANCE = "--toast-clearance";

const GAP_PX = 8;

/** Keeps the toasts above `bar` while it is mounted, at whatever height it wraps to. */
export function useToastClearance(bar: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = bar.current;
    if (!element) return;
    const root = document.documentElement.style;
    const measure = () => root.setProperty(TOAST_CLEARANCE, `${element.offsetHeight + GAP_PX}px`);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.removeProperty(TOAST_CLEARANCE);
    };
  }, [bar]);
}
