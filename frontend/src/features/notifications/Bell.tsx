import { useQuery } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/ui/primitives";
import { notificationKeys, unreadCount } from "./keys";

// The panel (Radix popover, the list, snooze) is its own chunk, loaded at the first click.
const NotificationsPopover = lazy(() => import("./NotificationsPopover"));

/** The bell with the unread count, polled each minute while the tab is visible. */
export default function NotificationsBell() {
  const unread = useQuery({
    queryKey: notificationKeys.unread,
    queryFn: unreadCount,
    // TanStack pauses the interval while the tab is hidden (refetchIntervalInBackground: false);
    // the live-updates stream invalidates ["notifications"] for an instant badge.
    refetchInterval: 60_000,
  });
  const count = unread.data ?? 0;
  const label = count ? `Notifications, ${count} unread` : "Notifications";
  const [wanted, setWanted] = useState(false);
  const face = (
    <>
      <Bell className="size-5" aria-hidden="true" />
      {count > 0 && (
        <span
          aria-hidden="true"
          data-testid="unread-badge"
          className="absolute top-0.5 right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-700 px-1 text-[10px] leading-none font-semibold text-white"
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </>
  );
  // Same look and name as the real trigger; a click loads the panel and opens it.
  const placeholder = (
    <Button
      size="icon"
      variant="ghost"
      className="relative"
      aria-label={label}
      aria-haspopup="dialog"
      aria-expanded={false}
      onClick={() => setWanted(true)}
    >
      {face}
    </Button>
  );
  if (!wanted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <NotificationsPopover label={label} unread={count}>
        {face}
      </NotificationsPopover>
    </Suspense>
  );
}
