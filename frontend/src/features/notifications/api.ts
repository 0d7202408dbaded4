import { api, dataOf, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export { notificationKeys } from "./keys";

type S = components["schemas"];
export type Notification = S["NotificationPublic"];
export type NotificationPage = S["NotificationPage"];
export type Reminder = S["ReminderPublic"];
export type ReminderCreate = S["ReminderCreate"];
export type NotificationSettings = S["NotificationSettingsPublic"];

export const PAGE_SIZE = 20;

/** Snooze offers (the API takes 1 minute to 7 days). */
export const SNOOZE_CHOICES = [
  { minutes: 10, label: "10 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 3 * 60, label: "3 hours" },
  { minutes: 24 * 60, label: "1 day" },
] as const;

export async function listNotifications(cursor: string | null): Promise<NotificationPage> {
  return dataOf<NotificationPage>(
    api.GET("/api/v1/notifications", {
      params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

/** Mark the listed notifications read, or all of them: answers the unread count left. */
export async function markRead(ids: string[] | "all"): Promise<number> {
  const { data } = await unwrap<S["UnreadCount"]>(
    api.POST("/api/v1/notifications/read", { body: ids === "all" ? { all: true } : { ids } }),
  );
  return data.unread_count;
}

export async function snooze(notificationId: string, minutes: number): Promise<Reminder> {
  return dataOf<Reminder>(
    api.POST("/api/v1/notifications/{notification_id}/snooze", {
      params: { path: { notification_id: notificationId } },
      body: { minutes },
    }),
  );
}

export async function listReminders(taskId: string): Promise<Reminder[]> {
  return dataOf<Reminder[]>(
    api.GET("/api/v1/tasks/{task_id}/reminders", { params: { path: { task_id: taskId } } }),
  );
}

export async function addReminder(taskId: string, body: ReminderCreate): Promise<Reminder> {
  return dataOf<Reminder>(
    api.POST("/api/v1/tasks/{task_id}/reminders", { params: { path: { task_id: taskId } }, body }),
  );
}

export async function deleteReminder(taskId: string, reminderId: string): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/tasks/{task_id}/reminders/{reminder_id}", {
      params: { path: { task_id: taskId, reminder_id: reminderId } },
    }),
  );
}

export async function getSettings(): Promise<NotificationSettings> {
  return dataOf<NotificationSettings>(api.GET("/api/v1/notifications/settings"));
}

export async function putSettings(body: NotificationSettings): Promise<NotificationSettings> {
  return dataOf<NotificationSettings>(api.PUT("/api/v1/notifications/settings", { body }));
}
