import type { User } from "@/api/types";
import { dateFormat } from "@/lib/dates";
// Calendar-only (apart from days.ts so Today and Upcoming do not load it).
import { addDays } from "./dayMath";
import { parts } from "./days";

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** A month (`YYYY-MM`): its first and last day, for `GET /tasks/agenda` (≤ 62 days). */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = parts(`${month}-01`);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

/** The month before or after (`delta` months). */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = parts(`${month}-01`);
  return iso(new Date(Date.UTC(y, m - 1 + delta, 1))).slice(0, 7);
}

type WeekInfo = { firstDay: number };

/**
 * The day a week starts on in `locale` (1 = Monday … 7 = Sunday): Sunday in the US, Saturday in
 * much of the Middle East. From Intl.Locale's week data (`getWeekInfo()`, or the older
 * `weekInfo` getter); where the browser has neither (Firefox), Monday, as in ISO 8601.
 */
export function firstDayOfWeek(locale?: string): number {
  try {
    const tagged = new Intl.Locale(locale ?? navigator.language) as Intl.Locale & {
      getWeekInfo?: () => WeekInfo;
      weekInfo?: WeekInfo;
    };
    return (tagged.getWeekInfo?.() ?? tagged.weekInfo)?.firstDay ?? 1;
  } catch {
    return 1; // not a language tag
  }
}

/** The user's choice (profile `week_start`) as a first day, else the browser language's. */
export function weekStartDay(choice: User["week_start"] | undefined): number {
  return choice ? { monday: 1, saturday: 6, sunday: 7 }[choice] : firstDayOfWeek();
}

/** The short names of the week's days from `firstDay` on ("Sun", "Mon", …). */
export function weekdayNames(firstDay: number, locale?: string): string[] {
  const format = dateFormat(locale, { timeZone: "UTC", weekday: "short" });
  // 1 January 2024 was a Monday (firstDay 1).
  return Array.from({ length: 7 }, (_, i) =>
    format.format(new Date(Date.UTC(2024, 0, firstDay + i))),
  );
}

/**
 * The month's weeks, each starting on `firstDay` (1 = Monday … 7 = Sunday): 7 cells a week, a
 * day or null outside the month.
 */
export function monthGrid(month: string, firstDay = 1): Array<Array<string | null>> {
  const { from, to } = monthRange(month);
  const [y, m] = parts(from);
  // getUTCDay: Sunday = 0, so Sunday's firstDay 7 counts as 0.
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() - (firstDay % 7) + 7) % 7;
  const cells: Array<string | null> = Array.from({ length: lead }, () => null);
  for (let day = from; day <= to; day = addDays(day, 1)) cells.push(day);
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

/** "December 2026". */
export function monthLabel(month: string, locale?: string): string {
  const [y, m] = parts(`${month}-01`);
  return dateFormat(locale, {
    timeZone: "UTC",
    month: "long",
    year: "numeric",
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}
