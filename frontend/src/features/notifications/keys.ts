import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

// What the header's bell needs, apart from api.ts (which the panel and the task dialog bring): the
// bell comes just after the first paint, and the smaller it is the sooner.

// Every key starts with "notifications": the live-updates stream invalidates that prefix when a
// notification arrives, which refreshes the badge, the panel and the reminders (now fired) at once.
export const notificationKeys = {
  all: ["notifications"] as const,
  unread: ["notifications", "unread"] as const,
  list: ["notifications", "list"] as const,
  settings: ["notifications", "settings"] as const,
  reminders: (taskId: string) => ["notifications", "reminders", taskId] as const,
};

/** The unread count (the API has it on every page of the list: one item is the cheapest ask). */
export async function unreadCount(): Promise<number> {
  const { data } = await unwrap<components["schemas"]["NotificationPage"]>(
    api.GET("/api/v1/notifications", { params: { query: { limit: 1 } } }),
  );
  return data.unread_count;
}
