/** Date helpers; the API speaks RFC 3339 with a zone, inputs speak local time. */

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());

export function isOverdue(due: string | null, status: string, now = new Date()): boolean {
  return !!due && status !== "done" && new Date(due).getTime() < now.getTime();
}

export function isDueToday(due: string | null, now = new Date()): boolean {
  if (!due) return false;
  return startOfDay(new Date(due)).getTime() === startOfDay(now).getTime();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO string -> value for <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type="datetime-local"> value -> RFC 3339 with the zone (UTC), or null when empty. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** YYYY-MM-DD (a filter's day) -> the first or last instant of that local day as RFC 3339. */
export function dayBoundary(day: string, edge: "start" | "end"): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (edge === "end") d.setHours(23, 59, 59, 999);
  return d.toISOString();
}

export function todayKey(now = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "Today 14:00", "Tomorrow", "Mon 3 Mar", "3 Mar 2027": short and relative, like a planner. */
export function formatDue(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const days = Math.round((startOfDay(d).getTime() - startOfDay(now).getTime()) / 86_400_000);
  const time =
    d.getHours() === 0 && d.getMinutes() === 0
      ? ""
      : ` ${d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
  if (days === 0) return `Today${time}`;
  if (days === 1) return `Tomorrow${time}`;
  if (days === -1) return `Yesterday${time}`;
  if (days > 1 && days < 7) return `${d.toLocaleDateString(undefined, { weekday: "long" })}${time}`;
  const sameYear = d.getFullYear() === now.getFullYear();
  return (
    d.toLocaleDateString(undefined, {
      day: "numeric",
      month: "short",
      ...(sameYear ? {} : { year: "numeric" }),
    }) + time
  );
}
