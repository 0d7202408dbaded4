import { describe, expect, it } from "vitest";
import {
  dateFormat,
  dayIn,
  formatDue,
  formatDueDay,
  formatTaskDueFull,
  isTaskDueToday,
  isTaskOverdue,
} from "./dates";

describe("dates", () => {
  it("keeps one formatter per locale and options, and a zone is part of the options", () => {
    const utc = dateFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit" });
    expect(dateFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit" })).toBe(utc);
    const tokyo = dateFormat("en-GB", {
      timeZone: "Asia/Tokyo",
      hour: "2-digit",
      minute: "2-digit",
    });
    expect(tokyo).not.toBe(utc);
    const instant = new Date("2026-05-10T12:30:00Z");
    expect([utc.format(instant), tokyo.format(instant)]).toEqual(["12:30", "21:30"]);
  });

  const now = new Date(2026, 4, 10, 12, 0); // Sun 10 May 2026, local time

  it("says Today, Tomorrow and Yesterday relative to now", () => {
    expect(formatDue(new Date(2026, 4, 10, 0, 0).toISOString(), now)).toBe("Today");
    expect(formatDue(new Date(2026, 4, 11, 0, 0).toISOString(), now)).toBe("Tomorrow");
    expect(formatDue(new Date(2026, 4, 9, 0, 0).toISOString(), now)).toBe("Yesterday");
    expect(formatDue(new Date(2026, 4, 10, 17, 30).toISOString(), now)).toMatch(/^Today \d/);
    expect(formatDue(new Date(2027, 0, 3).toISOString(), now)).toMatch(/2027/);
  });
});

describe("due dates in the profile's zone, not the browser's (issue 18)", () => {
  // 20:00 UTC on 1 Dec: 21:00 the 1st in Berlin, 12:00 the 1st in Los Angeles, 10:00 the 2nd
  // on Kiritimati (UTC+14).
  const now = new Date("2026-12-01T20:00:00Z");

  it("names the day an instant falls on in the zone", () => {
    expect(dayIn("2026-12-01T23:30:00Z", "Europe/Berlin")).toBe("2026-12-02");
    expect(dayIn("2026-12-01T23:30:00Z", "America/Los_Angeles")).toBe("2026-12-01");
    expect(formatDue("2026-12-01T23:30:00Z", now, "Europe/Berlin")).toMatch(/^Tomorrow \d/);
    expect(formatDue("2026-12-01T23:30:00Z", now, "America/Los_Angeles")).toMatch(/^Today \d/);
    expect(formatDue("2026-12-01T23:00:00Z", now, "Europe/Berlin")).toBe("Tomorrow");
  });

  it("writes the time as the locale does: no leading zero on a 12-hour clock", () => {
    // en-US (this suite's locale) writes "6:05 AM", not "06:05 AM"; a 24-hour locale "06:05".
    expect(formatDue("2026-12-02T06:05:00Z", now, "UTC")).toMatch(/^Tomorrow (6:05\sAM|06:05)$/);
  });

  it("a due day is overdue once that day is over in the zone", () => {
    const task = { due_on: "2026-12-01", due_date: null, status: "pending" };
    expect(isTaskOverdue(task, "Pacific/Kiritimati", now)).toBe(true);
    expect(isTaskOverdue(task, "America/Los_Angeles", now)).toBe(false);
    expect(isTaskDueToday(task, "America/Los_Angeles", now)).toBe(true);
    expect(isTaskDueToday(task, "Pacific/Kiritimati", now)).toBe(false);
    expect(formatDueDay("2026-12-01", "Pacific/Kiritimati", now)).toBe("Yesterday");
    expect(formatDueDay("2026-12-01", "America/Los_Angeles", now)).toBe("Today");
    expect(isTaskOverdue({ ...task, status: "done" }, "Pacific/Kiritimati", now)).toBe(false);
  });

  it("a due time is overdue once it has passed, in any zone", () => {
    const task = { due_on: null, due_date: "2026-12-01T19:59:00Z", status: "in_progress" };
    expect(isTaskOverdue(task, "Pacific/Kiritimati", now)).toBe(true);
    expect(isTaskOverdue(task, "America/Los_Angeles", now)).toBe(true);
    expect(isTaskDueToday(task, "Europe/Berlin", now)).toBe(true);
  });
});

describe("a due that is no date never throws where it is shown", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  it("shows a due day or time it cannot read as it is, where formatting it would throw", () => {
    expect(formatDueDay("2026-13", "UTC", now)).toBe("2026-13");
    expect(formatDue("not a time", now, "UTC")).toBe("not a time");
    expect(formatTaskDueFull({ due_on: "20261-12-25x" }, "UTC")).toBe("20261-12-25x");
  });

  it("reads days past 9999 and before 0100 as they are written (Date.UTC makes 0050 1950)", () => {
    expect(formatTaskDueFull({ due_on: "20261-12-25" }, "UTC")).toMatch(/20261/);
    expect(formatDueDay("0050-03-29", "UTC", now)).toMatch(/\b50\b/);
    expect(formatDueDay("0050-03-29", "UTC", now)).not.toMatch(/1950/);
  });
});
