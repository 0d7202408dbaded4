import { dateFormat } from "@/lib/dates";
// Calendar-only (apart from days.ts so Today and Upcoming do not load it).
import { addDays, parts } from "./days";

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

/** The month's weeks, Monday first: each week 7 cells, a day or null outside the month. */
export function monthGrid(month: string): Array<Array<string | null>> {
  const { from, to } = monthRange(month);
  const [y, m] = parts(from);
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
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
