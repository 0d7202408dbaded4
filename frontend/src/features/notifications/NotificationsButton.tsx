import { lazy, Suspense } from "react";

// The bell (its unread-count query, icon and badge) arrives just after the shell, as the sidebar
// does, and its panel at the first click: /tasks and /today stay within their 150 kB first-screen
// budget. The placeholder keeps the bell's place, so the header does not shift when it comes.
const Bell = lazy(() => import("./Bell"));

/** The header's notifications bell: "Notifications, N unread", opening the notifications panel. */
export function NotificationsButton() {
  return (
    <Suspense fallback={<span className="size-9 shrink-0" aria-hidden="true" />}>
      <Bell />
    </Suspense>
  );
}
