import { describe, expect, it, vi } from "vitest";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import { runBulk } from "./bulkMutation";
import type { ListData } from "./cache";

describe("a bulk change on its way", () => {
  it("counts as this tab's mutation, so a live refetch waits for it (live/follow.ts)", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const { calls } = mockApi({
      "POST /api/v1/tasks/bulk": async () => {
        await answered;
        return json({
          tasks: [a, b].map((t) => ({ ...t, priority: "high", version: 2 })),
          deleted: [],
        });
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });

    const applied = runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06");
    await vi.waitFor(() => expect(calls.filter((c) => c.method === "POST")).toHaveLength(1));
    expect(qc.isMutating()).toBe(1);
    answer();
    expect(await applied).toBe(true);
    expect(qc.isMutating()).toBe(0);
    const items = qc.getQueryData<ListData>(list)!.pages[0]!.items;
    expect(items.map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
      "a:high:2",
      "b:high:2",
    ]);
  });
});
