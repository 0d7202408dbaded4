import { useIsMutating } from "@tanstack/react-query";
import { useEffect } from "react";
import { cn } from "@/lib/cn";
import { isDownloadStarting } from "@/lib/leaving";
import { useOnline, useWaitingChanges } from "@/lib/offline";

/** "Offline — 2 changes waiting" in the header while the network is gone. The live region is
 * always there (empty when online) so that screen readers announce the change. */
export function OfflineStatus() {
  const online = useOnline();
  const waiting = useWaitingChanges();
  // A change not yet answered (waiting offline, queued behind another, or on its way) or a file
  // being uploaded lives in this page only: leaving it would drop it, so the browser asks first.
  // Not for a download, which follows a link but stays on the page.
  const unsaved = useIsMutating() > 0;
  useEffect(() => {
    if (!unsaved) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (!isDownloadStarting()) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
  const text = online
    ? ""
    : waiting
      ? `Offline — ${waiting} ${waiting === 1 ? "change" : "changes"} waiting`
      : "Offline";
  return (
    <span
      role="status"
      data-testid="offline-status"
      className={cn(
        text &&
          "shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-500/15 dark:text-amber-300",
      )}
    >
      {text}
    </span>
  );
}
