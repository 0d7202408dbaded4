import { dateFormat } from "@/lib/dates";
import { longDay, parts } from "./days";

/** Arithmetic on planner days (`YYYY-MM-DD`, see days.ts) and their names relative to today. */

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The day `n` days after `day` (calendar arithmetic: no zone, no DST). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day);
  return iso(new Date(Date.UTC(y, m - 1, d + n)));
}

/** The user's local date at `now`. */
export function localToday(timeZone: string, now = new Date()): string {
  return dateFormat("en-CA", { timeZone }).format(now);
}

/** The local day an instant falls on in `timeZone`. */
export function dayOf(instant: string, timeZone: string): string {
  return localToday(timeZone, new Date(instant));
}

/** "Today", "Tomorrow", else "Thursday 3 December" (`short`: "Thu 3 Dec"). */
export function dayLabel(day: string, today: string, locale?: string, short = false): string {
  if (day === today) return "Today";
  if (day === addDays(today, 1)) return "Tomorrow";
  if (day === addDays(today, -1)) return "Yesterday";
  return longDay(day, locale, short ? "short" : "long");
}
