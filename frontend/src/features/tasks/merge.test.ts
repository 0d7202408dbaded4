import { describe, expect, it } from "vitest";
import { makeTask } from "@/test/utils";
import { changedFields, conflictingFields } from "./merge";

describe("field-level merge of a stale edit", () => {
  const base = makeTask({ title: "Plan", priority: "low", labels: ["a"], due_date: null });

  it("finds no conflict when the server changed other fields", () => {
    const fresh = { ...base, status: "in_progress" as const, title: "Plan B", version: 4 };
    expect(conflictingFields(base, fresh, { priority: "high" })).toEqual([]);
  });

  it("finds a conflict when the server changed the same field to something else", () => {
    const fresh = { ...base, priority: "urgent" as const, version: 2 };
    expect(conflictingFields(base, fresh, { priority: "high", title: "Plan" })).toEqual([
      "priority",
    ]);
  });

  it("treats the same change made on both sides as no conflict", () => {
    const fresh = { ...base, priority: "high" as const, version: 2 };
    expect(conflictingFields(base, fresh, { priority: "high" })).toEqual([]);
  });

  it("compares labels as lists and due dates as instants", () => {
    const due = { ...base, due_date: "2026-12-02T10:00:00Z" };
    const fresh = { ...due, labels: ["a", "b"], due_date: "2026-12-02T10:00:00.000000Z" };
    expect(conflictingFields(due, fresh, { due_date: "2026-12-03T10:00:00Z" })).toEqual([]);
    expect(conflictingFields(due, fresh, { labels: ["c"] })).toEqual(["labels"]);
  });

  it("names every edited field the server changed, and nothing for a new version alone", () => {
    const fresh = { ...base, version: 7, updated_at: "2027-01-01T00:00:00Z" };
    expect(changedFields(base, fresh)).toEqual([]);
    expect(changedFields(base, { ...fresh, labels: ["a", "b"], assignee_id: "u2" })).toEqual([
      "labels",
      "assignee_id",
    ]);
  });
});
