import { api, unwrap } from "@/api/client";
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
  const { data } = await unwrap<NotificationPage>(
    api.GET("/api/v1/notifications", {
      params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
    }),
  );
  return data;
}

/** Mark the listed notifications read, or all of them: answers the unread count left. */
export async function markRead(ids: string[] | "all"): Promise<number> {
  const { data } = await unwrap<S["UnreadCount"]>(
    api.POST("/api/v1/notifications/read", { body: ids === "all" ? { all: true } : { ids } }),
  );
  return data.unread_count;
}

export async function snooze(notificationId: string, minutes: number): Promise<Reminder> {
  const { data } = await unwrap<Reminder>(
    api.POST("/api/v1/notifications/{notification_id}/snooze", {
      params: { path: { notification_id: notificationId } },
      body: { minutes },
    }),
  );
  return data;
}

export async function listReminders(taskId: string): Promise<Reminder[]> {
  const { data } = await unwrap<Reminder[]>(
    api.GET("/api/v1/tasks/{task_id}/reminders", { params: { path: { task_id: taskId } } }),
  );
  return data;
}

export async function addReminder(taskId: string, body: ReminderCreate): Promise<Reminder> {
  const { data } = await unwrap<Reminder>(
    api.POST("/api/v1/tasks/{task_id}/reminders", { params: { path: { task_id: taskId } }, body }),
  );
  return data;
}

export async function deleteReminder(taskId: string, reminderId: string): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/tasks/{task_id}/reminders/{reminder_id}", {
      params: { path: { task_id: taskId, reminder_id: reminderId } },
    }),
  );
}

export async function getSettings(): Promise<NotificationSettings> {
  const { data } = await unwrap<NotificationSettings>(api.GET("/api/v1/notifications/settings"));
  return data;
}

export async function putSettings(body: NotificationSettings): Promise<NotificationSettings> {
  const { data } = await unwrap<NotificationSettings>(
    api.PUT("/api/v1/notifications/settings", { body }),
  );
  return data;
}
