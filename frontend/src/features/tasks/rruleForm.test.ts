import { describe, expect, it } from "vitest";
import { describeRecurrence } from "./recurrence";
import { buildRule, parseRule, startForm, type RepeatForm } from "./rruleForm";

// Every choice of the editor: the rule it writes, and how the task says it in words.
const CASES: [RepeatForm, string, string][] = [
  [{ kind: "daily", interval: 1 }, "FREQ=DAILY", "Repeats every day"],
  [{ kind: "daily", interval: 3 }, "FREQ=DAILY;INTERVAL=3", "Repeats every 3 days"],
  [{ kind: "weekdays" }, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Repeats every weekday"],
  [{ kind: "weekly", interval: 1, days: ["MO"] }, "FREQ=WEEKLY;BYDAY=MO", "Repeats every Monday"],
  [
    { kind: "weekly", interval: 2, days: ["TU", "TH"] },
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "Repeats every 2 weeks on Tuesday and Thursday",
  ],
  [{ kind: "weekly", interval: 1, days: [] }, "FREQ=WEEKLY", "Repeats every week"],
  [
    { kind: "monthly", interval: 1, day: 15 },
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "Repeats every month on day 15",
  ],
  [
    { kind: "monthly", interval: 2, day: null },
    "FREQ=MONTHLY;INTERVAL=2",
    "Repeats every 2 months",
  ],
  [
    { kind: "monthlyLast", interval: 1 },
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "Repeats every month on the last day",
  ],
  [{ kind: "yearly", interval: 1 }, "FREQ=YEARLY", "Repeats every year"],
];

describe("repeat form <-> RRULE", () => {
  it.each(CASES)("%j writes %s, reads back the same and says it in words", (form, rule, words) => {
    expect(buildRule(form)).toBe(rule);
    expect(parseRule(rule)).toEqual(form);
    expect(describeRecurrence(rule)).toBe(words);
  });

  it("writes weekly days Monday first whatever order they were toggled in", () => {
    expect(buildRule({ kind: "weekly", interval: 1, days: ["SU", "MO"] })).toBe(
      "FREQ=WEEKLY;BYDAY=MO,SU",
    );
  });

  it.each([
    "FREQ=WEEKLY;BYDAY=FR,MO", // a valid rule in another order: shown raw, never reordered
    "RRULE:FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=1",
    "FREQ=DAILY;COUNT=5",
    "FREQ=WEEKLY;UNTIL=20270101T000000Z",
    "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYMONTHDAY=1,15",
    "FREQ=YEARLY;BYMONTH=3",
    "FREQ=HOURLY",
    "FREQ=WEEKLY;INTERVAL=0",
    "nonsense",
  ])("keeps %s as a custom rule, character for character", (rule) => {
    expect(parseRule(rule)).toEqual({ kind: "custom", rule });
    expect(buildRule(parseRule(rule))).toBe(rule);
  });

  it("reads no rule as no repeat", () => {
    expect(parseRule(null)).toEqual({ kind: "none" });
    expect(buildRule({ kind: "none" })).toBeNull();
  });

  it("starts a weekly or monthly choice on the due day", () => {
    // 2026-12-03 is a Thursday.
    expect(startForm("weekly", { kind: "none" }, "2026-12-03")).toEqual({
      kind: "weekly",
      interval: 1,
      days: ["TH"],
    });
    expect(startForm("monthly", { kind: "daily", interval: 2 }, "2026-12-03")).toEqual({
      kind: "monthly",
      interval: 2,
      day: 3,
    });
    expect(startForm("custom", { kind: "weekdays" }, "")).toEqual({
      kind: "custom",
      rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    });
  });
});
