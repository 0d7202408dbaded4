import { describe, expect, it } from "vitest";
import { makeTask } from "@/test/utils";
import { hasBadges } from "./badges";

describe("hasBadges", () => {
  it("is false for a task with nothing to show", () => {
    expect(hasBadges(makeTask())).toBe(false);
  });

  it.each([
    ["a due day", { due_on: "2026-12-01" }],
    ["a due time", { due_date: "2026-12-01T09:00:00Z" }],
    ["subtasks", { subtask_count: 2 }],
    ["a parent (it is a subtask)", { parent_id: "00000000-0000-4000-8000-000000000001" }],
    ["a priority other than medium", { priority: "low" as const }],
    ["a label", { labels: ["home"] }],
  ])("is true for a task with %s", (_what, over) => {
    expect(hasBadges(makeTask(over))).toBe(true);
  });
});
