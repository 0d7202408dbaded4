import { dateFormat } from "@/lib/dates";
/**
 * Calendar days as the planner speaks them: `YYYY-MM-DD` strings in the user's time zone
 * (`users/me.time_zone`), never the browser's. Pure: the pages and their tests share it.
 */

export const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

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

/** "Today", "Tomorrow", else "Thursday 3 December". */
export function dayLabel(day: string, today: string, locale?: string): string {
  if (day === today) return "Today";
  if (day === addDays(today, 1)) return "Tomorrow";
  if (day === addDays(today, -1)) return "Yesterday";
  return longDay(day, locale);
}

/** "Thursday 3 December". */
export function longDay(day: string, locale?: string): string {
  const [y, m, d] = parts(day);
  return dateFormat(locale, {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}
