import { describe, expect, it } from "vitest";
import { parseQuickAdd } from "./parse";
import type { ParseOptions, Span } from "./types";

// Tuesday 1 December 2026, 11:00 in Berlin (UTC+1), 02:00 in Los Angeles, 23:00 in Auckland.
const NOW = new Date("2026-12-01T10:00:00Z");
const BERLIN: ParseOptions = { now: NOW, timeZone: "Europe/Berlin", dayFirst: true };
const parse = (text: string, extra: ParseOptions = {}) =>
  parseQuickAdd(text, { ...BERLIN, ...extra });

describe("parseQuickAdd: the whole sentence", () => {
  it("reads title, priority, label, project, recurrence and a due time", () => {
    const p = parse("Call mom tomorrow at 6pm p1 #family +Home every week");
    expect(p).toEqual({
      title: "Call mom",
      priority: "urgent",
      labels: ["family"],
      due: { kind: "time", instant: "2026-12-02T17:00:00.000Z" },
      project: "Home",
      recurrence: "FREQ=WEEKLY",
      spans: [
        { kind: "date", start: 9, end: 24, text: "tomorrow at 6pm" },
        { kind: "priority", start: 25, end: 27, text: "p1" },
        { kind: "label", start: 28, end: 35, text: "#family" },
        { kind: "project", start: 36, end: 41, text: "+Home" },
        { kind: "recurrence", start: 42, end: 52, text: "every week" },
      ],
    });
  });

  it("reads the phone placeholder's example as it promises (QuickAdd.tsx)", () => {
    // At 11:00 on Tuesday 1 December, "tue 7am" is next Tuesday's (today's 7am has passed).
    expect(parse("Gym tue 7am p2")).toMatchObject({
      title: "Gym",
      priority: "high",
      due: { kind: "time", instant: "2026-12-08T06:00:00.000Z" },
    });
  });

  it("leaves plain text alone", () => {
    expect(parse("Buy 2 apples  and read chapter 5")).toEqual({
      title: "Buy 2 apples and read chapter 5",
      priority: null,
      labels: [],
      due: null,
      project: null,
      recurrence: null,
      spans: [],
    });
  });
});

describe("parseQuickAdd: dates", () => {
  it("gives a due day, not a time, for a date without a time (defect 2)", () => {
    expect(parse("Pay rent tomorrow").due).toEqual({ kind: "day", date: "2026-12-02" });
    expect(parse("Pay rent friday").due).toEqual({ kind: "day", date: "2026-12-04" });
    expect(parse("Pay rent tonight").due).toEqual({ kind: "day", date: "2026-12-01" });
    expect(parse("Pay rent in 3 days").due).toEqual({ kind: "day", date: "2026-12-04" });
  });

  it("reads “next week” as next Monday, as the bulk bar's “Next week (Monday)” does", () => {
    // Tuesday 1 December: Monday 7 December; on a Monday, the Monday after; on a Sunday, tomorrow.
    expect(parse("Pay rent next week").due).toEqual({ kind: "day", date: "2026-12-07" });
    const monday = new Date("2026-12-07T10:00:00Z");
    expect(parse("Pay rent next week", { now: monday }).due).toEqual({
      kind: "day",
      date: "2026-12-14",
    });
    const sunday = new Date("2026-12-06T10:00:00Z");
    expect(parse("Pay rent next week", { now: sunday }).due).toEqual({
      kind: "day",
      date: "2026-12-07",
    });
    // A time next week keeps chrono's reading.
    expect(parse("Call next week at 5pm").due?.kind).toBe("time");
  });

  it("reads “next week friday” as that day of the week that starts next Monday", () => {
    // Tuesday 1 December: the week of Monday 7 December, as "friday next week" reads it too.
    expect(parse("Review next week friday")).toMatchObject({
      title: "Review",
      due: { kind: "day", date: "2026-12-11" },
    });
    expect(parse("Review friday next week").due).toEqual({ kind: "day", date: "2026-12-11" });
    expect(parse("Call mum next week on sun at 5pm")).toMatchObject({
      title: "Call mum",
      due: { kind: "time", instant: "2026-12-13T16:00:00.000Z" },
    });
    // On a Sunday, next week starts tomorrow.
    const sunday = new Date("2026-12-06T10:00:00Z");
    expect(parse("Review next week monday", { now: sunday }).due).toEqual({
      kind: "day",
      date: "2026-12-07",
    });
    // Not a weekday after it: "next week" alone, and the word stays.
    expect(parse("Next week fridge delivery")).toMatchObject({
      title: "fridge delivery",
      due: { kind: "day", date: "2026-12-07" },
    });
  });

  it("takes the word that leads into a date with it, so the title does not end in “on” or “by”", () => {
    expect(parse("Submit on Dec 15")).toMatchObject({
      title: "Submit",
      due: { kind: "day", date: "2026-12-15" },
      spans: [{ kind: "date", text: "on Dec 15" }],
    });
    expect(parse("Finish the draft by tomorrow").title).toBe("Finish the draft");
    expect(parse("Report due friday").title).toBe("Report");
    expect(parse("Report due by 5pm").title).toBe("Report");
    expect(parse("Pay on the 1st of january")).toMatchObject({
      title: "Pay",
      due: { kind: "day", date: "2027-01-01" },
    });
    expect(parse("Birthday every year on march 3")).toMatchObject({
      title: "Birthday",
      recurrence: "FREQ=YEARLY",
      due: { kind: "day", date: "2027-03-03" },
    });
    // Only a word right before the date, and only as a whole word.
    expect(parse("Walk to Avon tomorrow").title).toBe("Walk to Avon");
    expect(parse("Stand by me tomorrow").title).toBe("Stand by me");
  });

  it("reads “on the 15th” as the next 15th, and not a “3rd” that names something else", () => {
    expect(parse("Dentist on the 15th")).toMatchObject({
      title: "Dentist",
      due: { kind: "day", date: "2026-12-15" },
    });
    // 1 December: the 1st is today; the 31st of a short month is the next month that has one.
    expect(parse("Rent on the 1st").due).toEqual({ kind: "day", date: "2026-12-01" });
    const feb = new Date("2027-02-10T10:00:00Z");
    expect(parse("Pay on the 30th", { now: feb }).due).toEqual({ kind: "day", date: "2027-03-30" });
    expect(parse("Pay on the 5th", { now: feb }).due).toEqual({ kind: "day", date: "2027-03-05" });
    expect(parse("Dentist on the 15th at 3pm").due).toEqual({
      kind: "time",
      instant: "2026-12-15T14:00:00.000Z",
    });
    expect(parse("Dentist on the 15th p1 #health")).toMatchObject({
      title: "Dentist",
      due: { kind: "day", date: "2026-12-15" },
    });
    for (const words of ["Meeting on the 3rd floor", "Plan the 25th anniversary", "Read the 2nd"]) {
      expect(parse(words)).toMatchObject({ title: words, due: null });
    }
  });

  it("reads a month name before a two-digit day where the day is written first, too", () => {
    expect(parse("Taxes april 15").due).toEqual({ kind: "day", date: "2027-04-15" });
    expect(parse("Submit Dec 15").due).toEqual({ kind: "day", date: "2026-12-15" });
    expect(parse("Submit Dec 15", { dayFirst: false }).due).toEqual({
      kind: "day",
      date: "2026-12-15",
    });
  });

  it("puts a past month-day in the coming year", () => {
    expect(parse("Dentist on 5 May").due).toEqual({ kind: "day", date: "2027-05-05" });
  });

  it("gives a due time for a clock time, today or (once past) tomorrow", () => {
    expect(parse("Call at 6pm").due).toEqual({ kind: "time", instant: "2026-12-01T17:00:00.000Z" });
    expect(parse("Call at 9am").due).toEqual({ kind: "time", instant: "2026-12-02T08:00:00.000Z" });
    expect(parse("Lunch noon tomorrow").due).toEqual({
      kind: "time",
      instant: "2026-12-02T11:00:00.000Z",
    });
  });

  it("reads day-first or month-first numeric dates as the locale writes them", () => {
    expect(parse("Review 5/6").due).toEqual({ kind: "day", date: "2027-06-05" });
    expect(parse("Review 5/6", { dayFirst: false }).due).toEqual({
      kind: "day",
      date: "2027-05-06",
    });
  });

  it("keeps a month or year without a day as words", () => {
    for (const text of [
      "Fix bug in may release",
      "Renew passport next month",
      "Plan 2027 next year",
    ]) {
      expect(parse(text)).toMatchObject({ title: text, due: null, spans: [] });
    }
  });

  it("takes the last of two dates and keeps the first as words", () => {
    const p = parse("Send report dec 3 or dec 5");
    expect(p.due).toEqual({ kind: "day", date: "2026-12-05" });
    expect(p.title).toBe("Send report dec 3 or");
    expect(p.spans).toEqual([{ kind: "date", start: 21, end: 26, text: "dec 5" }]);
  });
});

describe("parseQuickAdd: time zones", () => {
  it("means the words in the user's zone", () => {
    expect(parse("Call tomorrow at 6pm", { timeZone: "America/Los_Angeles" }).due).toEqual({
      kind: "time",
      instant: "2026-12-03T02:00:00.000Z",
    });
  });

  it("takes today from the user's zone, not UTC's", () => {
    // At 12:00 UTC it is already 2 December in Auckland.
    const at = new Date("2026-12-01T12:00:00Z");
    expect(parse("Water plants today", { now: at, timeZone: "Pacific/Auckland" }).due).toEqual({
      kind: "day",
      date: "2026-12-02",
    });
    expect(parse("Water plants today", { now: at, timeZone: "America/New_York" }).due).toEqual({
      kind: "day",
      date: "2026-12-01",
    });
  });

  it("keeps the wall-clock time across a DST change", () => {
    // Berlin is UTC+1 now and UTC+2 on 30 March 2027.
    expect(parse("Dentist 30 March at 9am").due).toEqual({
      kind: "time",
      instant: "2027-03-30T07:00:00.000Z",
    });
  });

  it("honours a zone named in the text", () => {
    expect(parse("Call Bob tomorrow 6pm EST").due).toEqual({
      kind: "time",
      instant: "2026-12-02T23:00:00.000Z",
    });
  });
});

describe("parseQuickAdd: tokens", () => {
  it.each([
    ["p1", "urgent"],
    ["p2", "high"],
    ["P3", "medium"],
    ["p4", "low"],
    ["!urgent", "urgent"],
    ["!High", "high"],
    ["!medium", "medium"],
    ["!low", "low"],
  ] as const)("maps %s to %s", (token, priority) => {
    expect(parse(`Fix it ${token}`)).toMatchObject({ title: "Fix it", priority });
  });

  it("reads a named priority before punctuation, not inside a word or a shout", () => {
    expect(parse("Ship it !high, then rest")).toMatchObject({
      title: "Ship it , then rest",
      priority: "high",
    });
    expect(parse("Wow!high hopes !!low !lowest")).toMatchObject({
      title: "Wow!high hopes !!low !lowest",
      priority: null,
      spans: [],
    });
  });

  it("lets the last priority win and keeps the first as words", () => {
    expect(parse("Fix p1 it p3")).toMatchObject({ title: "Fix p1 it", priority: "medium" });
  });

  it("collects labels once each, without trailing punctuation", () => {
    const p = parse("Plan #home, #trip. #home");
    expect(p.labels).toEqual(["home", "trip"]);
    expect(p.title).toBe("Plan , .");
  });

  it("keeps issue numbers, C#, p5 and a lone sigil as words", () => {
    expect(parse("Fix #12 in C# p5 # + every")).toMatchObject({
      title: "Fix #12 in C# p5 # + every",
      spans: [],
    });
  });

  it.each(["p1", "!high", "#home", "+Work", "tomorrow", "every day"])(
    "keeps %s as the title when nothing else is typed",
    (text) => {
      expect(parse(text)).toMatchObject({ title: text, spans: [], due: null, priority: null });
    },
  );

  it("keeps tokens inside quotes, e-mail addresses and URLs as words", () => {
    expect(parse('Reply to "p1 #urgent tomorrow" thread').spans).toEqual([]);
    expect(parse("Answer ‘p2’ and “#x every day”").spans).toEqual([]);
    const mail = parse("Email bob+home@example.com about #budget");
    expect(mail).toMatchObject({ title: "Email bob+home@example.com about", labels: ["budget"] });
    expect(mail.project).toBeNull();
    expect(parse("Read https://example.com/#tomorrow p2")).toMatchObject({
      title: "Read https://example.com/#tomorrow",
      labels: [],
      due: null,
      priority: "high",
    });
  });
});

describe("parseQuickAdd: recurrence", () => {
  it.each([
    ["every day", "FREQ=DAILY", "2026-12-01"],
    ["every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-12-01"],
    ["every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", "2026-12-05"],
    ["every Monday", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07"],
    ["every fri, mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-12-02"],
    ["every week", "FREQ=WEEKLY", "2026-12-01"],
    ["every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", "2026-12-01"],
    ["every other month", "FREQ=MONTHLY;INTERVAL=2", "2026-12-01"],
    ["every 1 day", "FREQ=DAILY", "2026-12-01"],
    ["every month", "FREQ=MONTHLY", "2026-12-01"],
    ["every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-12-31"],
    ["every last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-12-31"],
    ["every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", "2026-12-15"],
    ["every year", "FREQ=YEARLY", "2026-12-01"],
    ["every 15th", "FREQ=MONTHLY;BYMONTHDAY=15", "2026-12-15"],
    ["every 1st of the month", "FREQ=MONTHLY;BYMONTHDAY=1", "2026-12-01"],
    ["every 2nd week", "FREQ=WEEKLY;INTERVAL=2", "2026-12-01"],
    ["every 3rd day", "FREQ=DAILY;INTERVAL=3", "2026-12-01"],
  ])("reads %s as %s, first due %s", (words, rrule, first) => {
    const p = parse(`Water plants ${words}`);
    expect(p).toMatchObject({ title: "Water plants", recurrence: rrule });
    expect(p.due).toEqual({ kind: "day", date: first });
  });

  it("skips months too short for the day", () => {
    const feb = new Date("2027-02-10T10:00:00Z");
    expect(parse("Pay every month on the 30th", { now: feb }).due).toEqual({
      kind: "day",
      date: "2027-03-30",
    });
  });

  it("puts the time on the rule's next day once today's is past", () => {
    expect(parse("Standup every weekday at 9am").due).toEqual({
      kind: "time",
      instant: "2026-12-02T08:00:00.000Z",
    });
    expect(parse("Review every Monday at 9am").due).toEqual({
      kind: "time",
      instant: "2026-12-07T08:00:00.000Z",
    });
  });

  it("starts on a stated date", () => {
    expect(parse("Report every 2 weeks from friday")).toMatchObject({
      recurrence: "FREQ=WEEKLY;INTERVAL=2",
      due: { kind: "day", date: "2026-12-04" },
    });
  });

  it("leaves 'every' without a rule in the title", () => {
    expect(parse("Thank every volunteer")).toMatchObject({
      title: "Thank every volunteer",
      recurrence: null,
      spans: [],
    });
  });
});

describe("parseQuickAdd: parts turned back into words", () => {
  const dismiss =
    (...keys: string[]) =>
    (s: Span) =>
      keys.includes(`${s.kind}:${s.text}`);

  it("keeps a dismissed part in the title and reads the rest", () => {
    const p = parse("Call mom tomorrow p1 #family", { literal: dismiss("label:#family") });
    expect(p).toMatchObject({ title: "Call mom #family", labels: [], priority: "urgent" });
    expect(p.due).toEqual({ kind: "day", date: "2026-12-02" });
  });

  it("does not read a date out of a dismissed rule", () => {
    const p = parse("Gym every Monday", { literal: dismiss("recurrence:every Monday") });
    expect(p).toMatchObject({ title: "Gym every Monday", recurrence: null, due: null, spans: [] });
  });

  it("falls back to an earlier date when the last one is dismissed", () => {
    const p = parse("Send report dec 3 or dec 5", { literal: dismiss("date:dec 5") });
    expect(p.due).toEqual({ kind: "day", date: "2026-12-03" });
    expect(p.title).toBe("Send report or dec 5");
  });
});
