/** Date helpers; the API speaks RFC 3339 with a zone, inputs speak local time. */

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * One Intl.DateTimeFormat per (locale, options), kept: building one costs far more than formatting
 * with it (ICU loads the locale's patterns each time), and a list formats several dates per row.
 * `toLocaleDateString(locale, options)` and friends build a new one on every call.
 */
export function dateFormat(
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** The zone the browser runs in (a fallback: due dates follow the profile's zone). */
export const browserZone = (): string => dateFormat(undefined, {}).resolvedOptions().timeZone;

/** The calendar day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function dayIn(instant: Date | string, timeZone: string): string {
  return dateFormat("en-CA", { timeZone }).format(new Date(instant));
}

/** Noon UTC of a YYYY-MM-DD day (an Invalid Date when it is not one). */
function dayNoon(day: string): Date {
  const m = /^(\d+)-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return new Date(NaN);
  const noon = new Date(Date.UTC(2000, 0, 1, 12));
  noon.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // Date.UTC reads 0–99 as 19xx
  return noon;
}

/** Days from `from` to `to` (both YYYY-MM-DD): calendar arithmetic, no zone, no DST. */
const daysBetween = (from: string, to: string) =>
  Math.round((dayNoon(to).getTime() - dayNoon(from).getTime()) / 86_400_000);

/** A task's due: a day (`due_on`, all day) or an instant (`due_date`). */
type Due = { due_on?: string | null; due_date?: string | null; status: string };

/**
 * Open and past due in the user's zone: a due time once it has passed, a due day once that day
 * is over there (not in the browser's zone).
 */
export function isTaskOverdue(task: Due, timeZone: string, now = new Date()): boolean {
  if (task.status === "done") return false;
  if (task.due_date) return new Date(task.due_date).getTime() < now.getTime();
  return !!task.due_on && task.due_on < dayIn(now, timeZone);
}

/** The day a task is due in `timeZone`: its due day, or the day its due time falls on (null: none). */
export function taskDueDay(task: Omit<Due, "status">, timeZone: string): string | null {
  return task.due_date ? dayIn(task.due_date, timeZone) : (task.due_on ?? null);
}

/** Due on the user's today (in `timeZone`). */
export function isTaskDueToday(task: Due, timeZone: string, now = new Date()): boolean {
  const day = taskDueDay(task, timeZone);
  return !!day && day === dayIn(now, timeZone);
}

function dayWords(day: string, timeZone: string, now: Date): string {
  const noon = dayNoon(day);
  // Formatting an Invalid Date throws, and would take the whole page down with it.
  if (Number.isNaN(noon.getTime())) return day;
  const days = daysBetween(dayIn(now, timeZone), day);
  if (days === 0) return "Today";
  if (days === 1) return "Tomorrow";
  if (days === -1) return "Yesterday";
  const y = noon.getUTCFullYear();
  if (days > 1 && days < 7)
    return dateFormat(undefined, { weekday: "long", timeZone: "UTC" }).format(noon);
  const sameYear = y === Number(dayIn(now, timeZone).slice(0, 4));
  return dateFormat(undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(noon);
}

/** A due day (YYYY-MM-DD) short and relative to today in `timeZone`: "Today", "Mon", "3 Mar". */
export function formatDueDay(day: string, timeZone: string, now = new Date()): string {
  return dayWords(day, timeZone, now);
}

/** A task's due as its row shows it: its due time (formatDue) or its due day (formatDueDay). */
export function formatTaskDue(
  task: { due_on?: string | null; due_date?: string | null },
  timeZone: string,
): string {
  return task.due_date
    ? formatDue(task.due_date, undefined, timeZone)
    : formatDueDay(task.due_on ?? "", timeZone);
}

/**
 * A task's due in full, for a tooltip: "Friday, 25 December 2026", or with the time and the zone
 * for a due time. Text that is no date is shown as it is (formatting it would throw).
 */
export function formatTaskDueFull(
  task: { due_on?: string | null; due_date?: string | null },
  timeZone: string,
): string {
  if (task.due_date) {
    const d = new Date(task.due_date);
    if (Number.isNaN(d.getTime())) return task.due_date;
    return `${dateFormat(undefined, { timeZone, dateStyle: "full", timeStyle: "short" }).format(d)} (${timeZone})`;
  }
  const noon = dayNoon(task.due_on ?? "");
  if (Number.isNaN(noon.getTime())) return task.due_on ?? "";
  return dateFormat(undefined, { timeZone: "UTC", dateStyle: "full" }).format(noon);
}

/**
 * "Today 14:00", "Tomorrow", "Mon 3 Mar", "3 Mar 2027": short and relative, like a planner, with
 * the day and time as they are in `timeZone` (the profile's; the browser's when not given).
 */
export function formatDue(iso: string, now = new Date(), timeZone = browserZone()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso; // as in dayWords: shown as it is, never thrown on
  const clock = dateFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
  // Midnight sharp reads as the day alone (how date-only dues were stored before due days).
  const time = clock === "00:00" ? "" : ` ${clockTime(d, timeZone)}`;
  return dayWords(dayIn(d, timeZone), timeZone, now) + time;
}

/** The time of day as the browser's locale writes it short ("6:00 PM", "18:00"), in `timeZone`. */
export const clockTime = (d: Date, timeZone: string): string =>
  dateFormat(undefined, { timeStyle: "short", timeZone }).format(d);
