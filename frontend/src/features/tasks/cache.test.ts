import { describe, expect, it } from "vitest";
import { makeTask, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import {
  applyPatch,
  findCachedTask,
  reinsertTask,
  removeTaskFromLists,
  snapshotLists,
  upsertTaskInLists,
  type ListData,
} from "./cache";
import type { ApiTaskQuery } from "./filters";

const page = (items: ReturnType<typeof makeTask>[]): ListData => ({
  pages: [{ items, next_cursor: null }],
  pageParams: [null],
});

describe("task list cache", () => {
  it("moves an edited task between the lists it now does and does not belong to", () => {
    const qc = newQueryClient();
    const todo: ApiTaskQuery = { sort: "-created_at", status: ["pending"] };
    const done: ApiTaskQuery = { sort: "-created_at", status: ["done"] };
    const a = makeTask({ title: "A" });
    const b = makeTask({ title: "B" });
    qc.setQueryData(taskKeys.list(todo), page([a, b]));
    qc.setQueryData(taskKeys.list(done), page([]));

    upsertTaskInLists(qc, applyPatch(a, { status: "done" }));

    const titles = (q: ApiTaskQuery) =>
      qc.getQueryData<ListData>(taskKeys.list(q))!.pages[0]!.items.map((t) => t.title);
    expect(titles(todo)).toEqual(["B"]);
    expect(titles(done)).toEqual(["A"]);
  });

  it("finds the newest copy of a task, whichever list holds it", () => {
    // A list not on screen is not refetched, so it can keep an older version of a task that a
    // shown list already has newer: an edit based on the older copy would be refused (412).
    const qc = newQueryClient();
    const t = makeTask({ title: "Renew the passport", version: 2 });
    qc.setQueryData(taskKeys.list({ sort: "-updated_at" }), page([t]));
    qc.setQueryData(
      taskKeys.list({ sort: "-created_at", status: ["pending"] }),
      page([{ ...t, version: 3, priority: "high" }]),
    );
    qc.setQueryData(taskKeys.list({ sort: "title" }), page([{ ...t, version: 1 }]));

    expect(findCachedTask(qc, t.id)).toMatchObject({ version: 3, priority: "high" });
    expect(findCachedTask(qc, "no-such-task")).toBeUndefined();
  });

  it("completing sets completed_at and reopening clears it", () => {
    const t = makeTask();
    const done = applyPatch(t, { status: "done" }, new Date("2026-05-10T10:00:00Z"));
    expect(done.completed_at).toBe("2026-05-10T10:00:00.000Z");
    expect(applyPatch(done, { status: "in_progress" }).completed_at).toBeNull();
    expect(applyPatch(t, { priority: "urgent" }).completed_at).toBeNull();
  });

  it("a new task joins a manual order at its end, where the API puts it, and other orders on top", () => {
    const qc = newQueryClient();
    const manual: ApiTaskQuery = { sort: "position" };
    const newest: ApiTaskQuery = { sort: "-created_at" };
    const manualMore: ApiTaskQuery = { sort: "position", status: ["pending"] };
    const a = makeTask({ title: "A" });
    qc.setQueryData(taskKeys.list(manual), page([a]));
    qc.setQueryData(taskKeys.list(newest), page([a]));
    // Not all of this list is loaded: its end, where the task goes, is on a later page.
    qc.setQueryData(taskKeys.list(manualMore), {
      pages: [{ items: [a], next_cursor: "more" }],
      pageParams: [null],
    });

    upsertTaskInLists(qc, makeTask({ title: "B" }));

    const titles = (q: ApiTaskQuery) =>
      qc.getQueryData<ListData>(taskKeys.list(q))!.pages[0]!.items.map((t) => t.title);
    expect(titles(manual)).toEqual(["A", "B"]);
    expect(titles(newest)).toEqual(["B", "A"]);
    expect(titles(manualMore)).toEqual(["A"]);
  });

  it("a task given a parent leaves its parent's subtask list when set free", () => {
    const qc = newQueryClient();
    const subtasksOfP: ApiTaskQuery = { sort: "created_at", parent: "p" };
    const child = makeTask({ title: "Child", parent_id: "p" });
    qc.setQueryData(taskKeys.list(subtasksOfP), page([child]));

    const freed = applyPatch(child, { parent_id: null });
    upsertTaskInLists(qc, freed);

    expect(freed.parent_id).toBeNull();
    expect(qc.getQueryData<ListData>(taskKeys.list(subtasksOfP))!.pages[0]!.items).toEqual([]);
    upsertTaskInLists(qc, applyPatch(freed, { parent_id: "p" }));
    expect(
      qc.getQueryData<ListData>(taskKeys.list(subtasksOfP))!.pages[0]!.items.map((t) => t.title),
    ).toEqual(["Child"]);
  });

  it("a due day and a due time replace each other, as the API does", () => {
    const timed = makeTask({ due_date: "2026-05-10T10:00:00Z", due_on: null });
    expect(applyPatch(timed, { due_on: "2026-05-12" })).toMatchObject({
      due_on: "2026-05-12",
      due_date: null,
    });
    const day = makeTask({ due_on: "2026-05-12", due_date: null });
    expect(applyPatch(day, { due_date: "2026-05-13T08:00:00Z" })).toMatchObject({
      due_on: null,
      due_date: "2026-05-13T08:00:00Z",
    });
    expect(applyPatch(day, { due_on: null })).toMatchObject({ due_on: null, due_date: null });
  });

  it("undo puts a removed task back at its old position, keeping newer tasks", () => {
    const qc = newQueryClient();
    const q: ApiTaskQuery = { sort: "-created_at" };
    const [a, b, c] = [
      makeTask({ title: "A" }),
      makeTask({ title: "B" }),
      makeTask({ title: "C" }),
    ];
    qc.setQueryData(taskKeys.list(q), page([a, b, c]));
    const before = snapshotLists(qc);
    removeTaskFromLists(qc, b.id);
    upsertTaskInLists(qc, makeTask({ title: "New" }));
    reinsertTask(qc, b, before);
    expect(
      qc.getQueryData<ListData>(taskKeys.list(q))!.pages[0]!.items.map((t) => t.title),
    ).toEqual(["New", "A", "B", "C"]);
  });
});
