import { onlineManager } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { isWaiting } from "@/lib/offline";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import { runBulk } from "./bulkMutation";
import type { ListData } from "./cache";
import { changedTaskIds } from "./waiting";

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

  it("offline, waits in the page: the bar is free at once, its rows are marked, and it is sent once online", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { calls } = mockApi({
      "POST /api/v1/tasks/bulk": () =>
        json({ tasks: [a, b].map((t) => ({ ...t, status: "done", version: 2 })), deleted: [] }),
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    qc.mount(); // resumes paused changes when the network returns, as the app's provider does
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });
    const shown = () =>
      qc.getQueryData<ListData>(list)!.pages[0]!.items.map((t) => `${t.title}:${t.status}`);
    onlineManager.setOnline(false);
    try {
      expect(await runBulk(qc, [a, b], { kind: "complete" }, "2026-12-06")).toBe(true);
      expect(shown()).toEqual(["a:done", "b:done"]);
      const waiting = qc.getMutationCache().findAll({ predicate: isWaiting });
      expect(waiting.flatMap((m) => changedTaskIds(m.state.variables))).toEqual([a.id, b.id]);
      expect(calls).toHaveLength(0);

      onlineManager.setOnline(true);
      await vi.waitFor(() => expect(qc.isMutating()).toBe(0));
      expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
      expect(shown()).toEqual(["a:done", "b:done"]);
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });
});
