/** A weekday's RFC 5545 code and its name, as the editor's day buttons and the summary show it. */
export const DAY_NAME = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
} as const;
const DAYS: Readonly<Record<string, string>> = DAY_NAME;
const UNIT: Record<string, string> = {
  DAILY: "day",
  WEEKLY: "week",
  MONTHLY: "month",
  YEARLY: "year",
};

/** An RFC 5545 RRULE in words ("Repeats every Monday"); an unusual rule is shown as it is. */
export function describeRecurrence(rule: string): string {
  const parts = new Map(
    rule
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((p) => p.split("=") as [string, string]),
  );
  const freq = parts.get("FREQ") ?? "";
  const unit = UNIT[freq];
  const interval = Number(parts.get("INTERVAL") ?? "1");
  const byDay = parts.get("BYDAY")?.split(",") ?? [];
  const known = [...parts.keys()].every((k) =>
    ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT"].includes(k),
  );
  if (!unit || !known || !(interval >= 1)) return `Repeats: ${rule}`;
  let text = interval === 1 ? `every ${unit}` : `every ${interval} ${unit}s`;
  if (byDay.length && byDay.every((d) => d in DAYS)) {
    const weekdays = ["MO", "TU", "WE", "TH", "FR"];
    if (byDay.length === 5 && weekdays.every((d) => byDay.includes(d))) text = "every weekday";
    else {
      const names = byDay.map((d) => DAYS[d]!);
      const list =
        names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
      text = interval === 1 ? `every ${list}` : `every ${interval} weeks on ${list}`;
    }
  } else if (byDay.length) return `Repeats: ${rule}`;
  const monthDay = parts.get("BYMONTHDAY");
  if (monthDay === "-1") text += " on the last day";
  else if (monthDay) text += ` on day ${monthDay}`;
  if (parts.get("COUNT")) text += `, ${parts.get("COUNT")} times`;
  if (parts.get("UNTIL"))
    text += `, until ${parts
      .get("UNTIL")!
      .slice(0, 8)
      .replace(/(\d{4})(\d{2})(\d{2})/, "$1-$2-$3")}`;
  return `Repeats ${text}`;
}
