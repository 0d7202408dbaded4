import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/problem";
import { makeTask } from "@/test/utils";
import {
  buildBulkOperations,
  inverseOf,
  localDay,
  patchFor,
  rescheduleDay,
  staleIdsOf,
  type BulkOperation,
  type RescheduleTo,
} from "./bulk";
import { revertPatch } from "./revert";

const TODAY = "2026-12-01"; // a Tuesday

describe("bulk payloads", () => {
  it("sends every changed task with the version it was selected at, skipping no-ops", () => {
    const a = makeTask({ status: "pending", version: 3 });
    const b = makeTask({ status: "done", version: 7 });
    const c = makeTask({ status: "in_progress", version: 1 });
    expect(buildBulkOperations([a, b, c], { kind: "complete" }, TODAY)).toEqual([
      { id: a.id, version: 3, patch: { status: "done" } },
      { id: c.id, version: 1, patch: { status: "done" } },
    ]);
  });

  it("adds a label to the ones that lack it, keeping their other labels", () => {
    const a = makeTask({ labels: ["home"], version: 2 });
    const b = makeTask({ labels: ["work", "batch"] });
    expect(buildBulkOperations([a, b], { kind: "label", label: "batch" }, TODAY)).toEqual([
      { id: a.id, version: 2, patch: { labels: ["home", "batch"] } },
    ]);
  });

  it("deletes every selected task by version", () => {
    const a = makeTask({ version: 4 });
    expect(buildBulkOperations([a], { kind: "delete" }, TODAY)).toEqual([
      { id: a.id, version: 4, delete: true },
    ]);
  });

  it("reschedules to due days: today, tomorrow, next Monday, none", () => {
    expect(rescheduleDay("today", TODAY)).toBe("2026-12-01");
    expect(rescheduleDay("tomorrow", TODAY)).toBe("2026-12-02");
    expect(rescheduleDay("next_week", TODAY)).toBe("2026-12-07");
    expect(rescheduleDay("next_week", "2026-12-07")).toBe("2026-12-14"); // a Monday: the next one
    expect(rescheduleDay("next_week", "2026-12-06")).toBe("2026-12-07"); // a Sunday
    expect(rescheduleDay("tomorrow", "2026-12-31")).toBe("2027-01-01");
    const timed = makeTask({ due_date: "2026-12-03T09:00:00Z", due_on: null });
    const none = makeTask({ due_date: null, due_on: null });
    const clear = { kind: "reschedule", to: "none", timeZone: "UTC" } as const;
    expect(buildBulkOperations([timed, none], clear, TODAY)).toEqual([
      { id: timed.id, version: timed.version, patch: { due_on: null, due_date: null } },
    ]);
  });

  it("keeps a due time's clock time in the user's zone, unless it is past on the new day", () => {
    // 15:00 in Berlin on 1 December; the tasks are due at 09:00 and 18:00 Berlin time.
    const now = new Date("2026-12-01T14:00:00Z");
    const morning = makeTask({ due_date: "2026-11-28T08:00:00Z", due_on: null });
    const evening = makeTask({ due_date: "2026-11-28T17:00:00Z", due_on: null });
    const dueToday = makeTask({ due_date: "2026-12-01T17:00:00Z", due_on: null });
    const day = makeTask({ due_date: null, due_on: "2026-11-28" });
    const to = (when: RescheduleTo) =>
      ({ kind: "reschedule", to: when, timeZone: "Europe/Berlin" }) as const;

    expect(patchFor(evening, to("today"), TODAY, now)).toEqual({
      due_date: "2026-12-01T17:00:00.000Z",
    });
    // 09:00 today is past: a due day, so it does not stay overdue.
    expect(patchFor(morning, to("today"), TODAY, now)).toEqual({
      due_on: TODAY,
      due_date: null,
    });
    expect(patchFor(morning, to("tomorrow"), TODAY, now)).toEqual({
      due_date: "2026-12-02T08:00:00.000Z",
    });
    expect(patchFor(morning, to("next_week"), TODAY, now)).toEqual({
      due_date: "2026-12-07T08:00:00.000Z",
    });
    expect(patchFor(dueToday, to("today"), TODAY, now)).toBeNull();
    expect(patchFor(day, to("today"), TODAY, now)).toEqual({ due_on: TODAY });
  });

  it("reads the local day in the user's zone, not UTC", () => {
    const lateUtc = new Date("2026-12-01T23:30:00Z");
    expect(localDay(lateUtc, "UTC")).toBe("2026-12-01");
    expect(localDay(lateUtc, "Europe/Berlin")).toBe("2026-12-02");
    expect(localDay(lateUtc, "America/Los_Angeles")).toBe("2026-12-01");
  });
});

describe("bulk undo", () => {
  it("restores the previous values on the versions the bulk produced; a delete has no inverse", () => {
    const a = makeTask({ title: "A", priority: "low", version: 3 });
    const b = makeTask({ title: "B", priority: "high", version: 5, due_on: "2026-12-09" });
    const gone = makeTask({ title: "Gone", labels: ["x"], due_on: "2026-12-10", version: 2 });
    const sent: BulkOperation[] = [
      ...buildBulkOperations([a, b], { kind: "priority", priority: "urgent" }, TODAY),
    ];
    const inverse = inverseOf([a, b], sent, {
      tasks: [
        { ...a, priority: "urgent", version: 4 },
        { ...b, priority: "urgent", version: 6 },
      ],
      deleted: [],
    });
    expect(inverse).toEqual([
      { id: a.id, version: 4, patch: { priority: "low" } },
      { id: b.id, version: 6, patch: { priority: "high" } },
    ]);

    // Deleting is undone within its Undo window, before anything is sent (bulkMutation.ts).
    const del = buildBulkOperations([gone], { kind: "delete" }, TODAY);
    expect(inverseOf([gone], del, { tasks: [], deleted: [gone.id] })).toEqual([]);
  });

  it("a due change reverts both due fields, so a due time comes back as a time", () => {
    const timed = makeTask({ due_date: "2026-12-03T09:00:00Z", due_on: null });
    expect(revertPatch(timed, { due_on: "2026-12-01" })).toEqual({
      due_on: null,
      due_date: "2026-12-03T09:00:00Z",
    });
  });

  it("undoing the completion of a repeating task puts its due back: the API moved it on", () => {
    const rule = "FREQ=DAILY;INTERVAL=2";
    const daily = makeTask({ recurrence: rule, due_on: "2026-12-07", status: "pending" });
    expect(revertPatch(daily, { status: "done" })).toEqual({
      status: "pending",
      due_on: "2026-12-07",
      due_date: null,
    });
    const timed = makeTask({ recurrence: rule, due_date: "2026-12-07T09:00:00Z", due_on: null });
    expect(revertPatch(timed, { status: "done" })).toMatchObject({
      due_date: "2026-12-07T09:00:00Z",
    });
    // A task that does not repeat, or was done already, keeps its due out of it.
    expect(revertPatch(makeTask({ due_on: "2026-12-07" }), { status: "done" })).toEqual({
      status: "pending",
    });
    const done = makeTask({ recurrence: rule, status: "done", due_on: "2026-12-07" });
    expect(revertPatch(done, { status: "done" })).toEqual({ status: "done" });
  });

  it("reads the stale ids of a 412 and nothing else", () => {
    const stale = new ApiError(412, { title: "Precondition failed", stale_ids: ["a", "b"] });
    expect(staleIdsOf(stale)).toEqual(["a", "b"]);
    expect(staleIdsOf(new ApiError(404, { missing_ids: ["a"] }))).toEqual([]);
  });
});
