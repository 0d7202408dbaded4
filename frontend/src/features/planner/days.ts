import { dateFormat } from "@/lib/dates";
/**
 * Calendar days as the planner speaks them: `YYYY-MM-DD` strings in the user's time zone
 * (`users/me.time_zone`), never the browser's. Pure: the pages and their tests share it.
 * Today (a first screen) needs only these; the arithmetic and relative names are in dayMath.ts.
 */

export const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** "Thursday 3 December". */
export function longDay(day: string, locale?: string, width: "long" | "short" = "long"): string {
  const [y, m, d] = parts(day);
  return dateFormat(locale, {
    timeZone: "UTC",
    weekday: width,
    day: "numeric",
    month: width,
  }).format(new Date(Date.UTC(y, m - 1, d)));
}
