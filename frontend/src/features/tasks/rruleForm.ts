/**
 * The task editor's repeat choices and the RFC 5545 RRULE text they stand for. `parseRule` reads
 * a stored rule into the form, or into "custom" (the raw text, kept as it is) when the form cannot
 * express it exactly; `buildRule` writes the form back. For every rule the form can express,
 * `buildRule(parseRule(r)) === r` for the canonical spelling `buildRule` writes.
 */

export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];
const WORKDAYS: readonly WeekdayCode[] = ["MO", "TU", "WE", "TH", "FR"];

export type RepeatForm =
  | { kind: "none" }
  | { kind: "daily"; interval: number }
  | { kind: "weekdays" }
  /** No days: every N weeks on the due day's weekday. */
  | { kind: "weekly"; interval: number; days: WeekdayCode[] }
  /** `day` null: every N months on the due day's day of the month. */
  | { kind: "monthly"; interval: number; day: number | null }
  | { kind: "monthlyLast"; interval: number }
  | { kind: "yearly"; interval: number }
  | { kind: "custom"; rule: string };
export type RepeatKind = RepeatForm["kind"];

const FREQ_OF = {
  daily: "DAILY",
  weekly: "WEEKLY",
  monthly: "MONTHLY",
  monthlyLast: "MONTHLY",
  yearly: "YEARLY",
} as const;

const withInterval = (freq: string, interval: number) =>
  interval > 1 ? `FREQ=${freq};INTERVAL=${interval}` : `FREQ=${freq}`;

/** The RRULE (without `RRULE:`) for a form; null for no repeat. */
export function buildRule(form: RepeatForm): string | null {
  switch (form.kind) {
    case "none":
      return null;
    case "custom":
      return form.rule.trim() || null;
    case "weekdays":
      return `FREQ=WEEKLY;BYDAY=${WORKDAYS.join(",")}`;
    case "weekly": {
      const days = WEEKDAY_CODES.filter((d) => form.days.includes(d));
      const base = withInterval("WEEKLY", form.interval);
      return days.length ? `${base};BYDAY=${days.join(",")}` : base;
    }
    case "monthly":
      return form.day === null
        ? withInterval("MONTHLY", form.interval)
        : `${withInterval("MONTHLY", form.interval)};BYMONTHDAY=${form.day}`;
    case "monthlyLast":
      return `${withInterval("MONTHLY", form.interval)};BYMONTHDAY=-1`;
    default:
      return withInterval(FREQ_OF[form.kind], form.interval);
  }
}

const positiveInt = (s: string | undefined): number | null =>
  s === undefined ? 1 : /^[1-9]\d{0,2}$/.test(s) ? Number(s) : null;

/** A stored rule as the form shows it; anything the form cannot say exactly is "custom". */
export function parseRule(rule: string | null | undefined): RepeatForm {
  if (!rule) return { kind: "none" };
  const custom: RepeatForm = { kind: "custom", rule };
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, "").split(";")) {
    const [key, value, ...rest] = part.split("=");
    if (!key || value === undefined || rest.length || parts.has(key.toUpperCase())) return custom;
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get("FREQ");
  const interval = positiveInt(parts.get("INTERVAL"));
  const byDay = parts.get("BYDAY");
  const byMonthDay = parts.get("BYMONTHDAY");
  const known = [...parts.keys()].every((k) =>
    ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"].includes(k),
  );
  if (!known || interval === null) return custom;
  let form: RepeatForm | null = null;
  if (freq === "DAILY" && !byDay && !byMonthDay) form = { kind: "daily", interval };
  else if (freq === "YEARLY" && !byDay && !byMonthDay) form = { kind: "yearly", interval };
  else if (freq === "WEEKLY" && !byMonthDay) {
    const days = byDay?.split(",") ?? [];
    if (days.every((d): d is WeekdayCode => (WEEKDAY_CODES as readonly string[]).includes(d))) {
      const workdays =
        interval === 1 && days.length === 5 && WORKDAYS.every((d) => days.includes(d));
      form = workdays ? { kind: "weekdays" } : { kind: "weekly", interval, days };
    }
  } else if (freq === "MONTHLY" && !byDay) {
    if (byMonthDay === "-1") form = { kind: "monthlyLast", interval };
    else if (byMonthDay === undefined) form = { kind: "monthly", interval, day: null };
    else if (/^[1-9]\d?$/.test(byMonthDay) && Number(byMonthDay) <= 31)
      form = { kind: "monthly", interval, day: Number(byMonthDay) };
  }
  // Only a rule the form writes back character for character is the form's: any other spelling
  // (day order, a leading RRULE:, INTERVAL=1, lower case) stays custom and is never rewritten.
  return form && buildRule(form) === rule ? form : custom;
}

/** The form a repeat kind starts with when picked (from the due day where it helps). */
export function startForm(kind: RepeatKind, current: RepeatForm, dueDay: string): RepeatForm {
  const interval = "interval" in current ? current.interval : 1;
  const due = /^\d{4}-\d{2}-\d{2}$/.test(dueDay) ? new Date(`${dueDay}T12:00:00Z`) : null;
  switch (kind) {
    case "none":
      return { kind };
    case "weekdays":
      return { kind };
    case "custom":
      return { kind, rule: current.kind === "custom" ? current.rule : (buildRule(current) ?? "") };
    case "weekly":
      // getUTCDay: 0 = Sunday; the codes start on Monday.
      return { kind, interval, days: due ? [WEEKDAY_CODES[(due.getUTCDay() + 6) % 7]!] : [] };
    case "monthly":
      return { kind, interval, day: due ? due.getUTCDate() : null };
    default:
      return { kind, interval };
  }
}
