import { describe, expect, it } from "vitest";
import { formatDue, fromLocalInput, isDueToday, isOverdue, toLocalInput } from "./dates";

describe("dates", () => {
  const now = new Date(2026, 4, 10, 12, 0); // Sun 10 May 2026, local time

  it("says Today, Tomorrow and Yesterday relative to now", () => {
    expect(formatDue(new Date(2026, 4, 10, 0, 0).toISOString(), now)).toBe("Today");
    expect(formatDue(new Date(2026, 4, 11, 0, 0).toISOString(), now)).toBe("Tomorrow");
    expect(formatDue(new Date(2026, 4, 9, 0, 0).toISOString(), now)).toBe("Yesterday");
    expect(formatDue(new Date(2026, 4, 10, 17, 30).toISOString(), now)).toMatch(/^Today \d/);
    expect(formatDue(new Date(2027, 0, 3).toISOString(), now)).toMatch(/2027/);
  });

  it("only open tasks past their due time are overdue", () => {
    const past = new Date(2026, 4, 10, 11, 0).toISOString();
    expect(isOverdue(past, "pending", now)).toBe(true);
    expect(isOverdue(past, "done", now)).toBe(false);
    expect(isOverdue(null, "pending", now)).toBe(false);
    expect(isDueToday(past, now)).toBe(true);
  });

  it("converts between datetime-local values and zoned instants without drift", () => {
    const iso = fromLocalInput("2026-05-10T17:45")!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 4, 10, 17, 45).getTime());
    expect(toLocalInput(iso)).toBe("2026-05-10T17:45");
    expect(fromLocalInput("")).toBeNull();
  });
});
