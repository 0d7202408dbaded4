import { describe, expect, it } from "vitest";
import { loadQuickAdd } from "./load";
import { chipKey, readQuickAdd } from "./read";
import { API_KNOWS } from "./request";

const options = {
  now: new Date("2026-12-01T10:00:00Z"),
  timeZone: "Europe/Berlin",
  dayFirst: true,
};

describe("readQuickAdd", () => {
  it("keeps a removed chip's words in the title", () => {
    const text = "Call mom at 6pm p1 #family";
    const dismissed = new Set([chipKey({ kind: "priority", text: "P1" })]);
    expect(readQuickAdd(text, { ...options, dismissed })).toMatchObject({
      title: "Call mom p1",
      priority: null,
      labels: ["family"],
      due: { kind: "time", instant: "2026-12-01T17:00:00.000Z" },
    });
  });

  it("stores a due day only once the API takes due_on; until then its words stay", () => {
    const read = readQuickAdd("Pay rent tomorrow at noon or friday", options);
    if (API_KNOWS.due_on) {
      expect(read.due).toEqual({ kind: "day", date: "2026-12-04" });
    } else {
      // The day-only "friday" stays words and the earlier due time is the due.
      expect(read).toMatchObject({
        title: "Pay rent or friday",
        due: { kind: "time", instant: "2026-12-02T11:00:00.000Z" },
      });
    }
  });

  it("keeps recurrence and +project as words while the API lacks them", () => {
    const read = readQuickAdd("Gym every Monday at 7am +Health", options);
    expect(read.recurrence !== null).toBe(API_KNOWS.recurrence);
    expect(read.project !== null).toBe(API_KNOWS.project_id);
    if (!API_KNOWS.recurrence && !API_KNOWS.project_id) {
      expect(read.title).toBe("Gym every Monday +Health");
    }
  });

  it("loads the parser chunk on demand, once", async () => {
    const first = loadQuickAdd();
    expect(loadQuickAdd()).toBe(first);
    expect((await first).readQuickAdd).toBe(readQuickAdd);
  });
});
