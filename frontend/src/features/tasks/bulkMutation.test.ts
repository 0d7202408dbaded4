import { MutationObserver, onlineManager, type QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isWaiting } from "@/lib/offline";
import type { Task } from "@/api/types";
import { setAccessToken } from "@/api/session";
import { toastMock } from "@/test/sonner";
import { toast } from "@/ui/toast";
import { json, makeTask, mockApi, newQueryClient, type Call } from "@/test/utils";
import { taskKeys } from "./api";
import type { BulkAction } from "./bulk";
import { runBulk } from "./bulkMutation";
import type { ListData } from "./cache";
import { flushPendingDeletes, updateTaskOptions } from "./mutations";
import { isPendingDelete } from "./pendingDeletes";
import { moveTask } from "./reorder";
import { undoStack } from "./undo";
import { changedTaskIds } from "./waiting";

/**
 * A server that checks versions as the API does: a PATCH's If-Match, each bulk operation's
 * version (a 412 naming `stale_ids`, nothing applied).
 */
function versionedServer(tasks: Task[], { bulkAfterAnEdit = false } = {}) {
  const saved = new Map(tasks.map((t) => [t.id, t]));
  let editApplied = () => {};
  const edited = bulkAfterAnEdit
    ? new Promise<void>((resolve) => (editApplied = resolve))
    : Promise.resolve();
  const stale = (ids: string[]) =>
    json({ title: "Precondition Failed", status: 412, detail: "stale", stale_ids: ids }, 412);
  const api = mockApi({
    "PATCH /api/v1/tasks/:id": async (req) => {
      const id = new URL(req.url).pathname.split("/").pop()!;
      const now = saved.get(id)!;
      if (req.headers.get("If-Match") !== `"${now.version}"`) return stale([id]);
      const next = { ...now, ...((await req.json()) as Partial<Task>), version: now.version + 1 };
      saved.set(id, next);
      editApplied();
      return json(next, 200);
    },
    "POST /api/v1/tasks/bulk": async (req) => {
      await edited; // the edit made first reaches the server first
      const { operations } = (await req.json()) as {
        operations: { id: string; version: number; patch?: Partial<Task>; delete?: true }[];
      };
      const changed = operations.filter((op) => saved.get(op.id)!.version !== op.version);
      if (changed.length) return stale(changed.map((op) => op.id));
      const after: Task[] = [];
      const deleted: string[] = [];
      for (const op of operations) {
        const now = saved.get(op.id)!;
        if (op.delete) {
          saved.delete(op.id);
          deleted.push(op.id);
          continue;
        }
        const next = { ...now, ...op.patch, version: now.version + 1 };
        saved.set(op.id, next);
        after.push(next);
      }
      return json({ tasks: after, deleted });
    },
    "POST /api/v1/tasks/:id/move": async (req) => {
      const id = new URL(req.url).pathname.split("/").at(-2)!;
      const now = saved.get(id)!;
      if (((await req.json()) as { version: number }).version !== now.version) return stale([id]);
      const next = { ...now, version: now.version + 1 };
      saved.set(id, next);
      return json(next);
    },
    "GET /api/v1/tasks/:id": (req) => json(saved.get(new URL(req.url).pathname.split("/").pop()!)),
    "GET /api/v1/tasks": () => new Promise(() => {}),
  });
  return { ...api, saved };
}

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

  it("made offline after an edit of the same task, it is sent after the edit and applies on top of it", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved } = versionedServer([a, b], { bulkAfterAnEdit: true });
    const qc = newQueryClient();
    qc.mount();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });
    const shown = () => qc.getQueryData<ListData>(list)!.pages[0]!.items;
    onlineManager.setOnline(false);
    try {
      const edit = new MutationObserver(qc, updateTaskOptions(qc)).mutate({
        task: a,
        patch: { priority: "high" },
        record: false,
      });
      // The rows as the list shows them now: a with its edit, at the version it had.
      expect(await runBulk(qc, shown(), { kind: "complete" }, "2026-12-06")).toBe(true);
      onlineManager.setOnline(true);
      await edit;
      await vi.waitFor(() => expect(qc.isMutating()).toBe(0));
      expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.status}`)).toEqual([
        "a:high:done",
        "b:medium:done",
      ]);
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });

  it.each<[string, Partial<Task>, BulkAction]>([
    ["sets a field changed elsewhere", { priority: "low" }, { kind: "priority", priority: "high" }],
    [
      "completes a task whose status changed elsewhere",
      { status: "in_progress" },
      { kind: "complete" },
    ],
  ])("is refused, nothing applied, when it %s", async (_, elsewhere, action) => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved, calls } = versionedServer([a, b]);
    saved.set(a.id, { ...a, ...elsewhere, version: 2 });
    const qc = newQueryClient();
    expect(await runBulk(qc, [a, b], action, "2026-12-06")).toBe(false);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
      `${elsewhere.title ?? "a"}:${elsewhere.priority ?? "medium"}:2`,
      "b:medium:1",
    ]);
  });

  it("applies on top of a change elsewhere to other fields, which it keeps", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved } = versionedServer([a, b]);
    saved.set(a.id, { ...a, title: "a, renamed", version: 2 });
    const qc = newQueryClient();
    expect(await runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06")).toBe(
      true,
    );
    expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
      "a, renamed:high:3",
      "b:high:2",
    ]);
  });

  it("its answer does not put back, on screen, an edit of the same task made after it", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    let answerBulk!: () => void;
    const bulkHeld = new Promise<void>((resolve) => (answerBulk = resolve));
    mockApi({
      "POST /api/v1/tasks/bulk": async () => {
        await bulkHeld;
        return json({
          tasks: [a, b].map((t) => ({ ...t, status: "done", version: 2 })),
          deleted: [],
        });
      },
      "PATCH /api/v1/tasks/:id": () => new Promise(() => {}), // the edit is still on its way
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });
    const shown = () =>
      qc
        .getQueryData<ListData>(list)!
        .pages[0]!.items.map((t) => `${t.title}:${t.status}:${t.priority}`);

    const applied = runBulk(qc, [a, b], { kind: "complete" }, "2026-12-06");
    await vi.waitFor(() => expect(shown()).toEqual(["a:done:medium", "b:done:medium"]));
    void new MutationObserver(qc, updateTaskOptions(qc))
      .mutate({ task: { ...a, status: "done" }, patch: { priority: "high" }, record: false })
      .catch(() => {});
    await vi.waitFor(() => expect(shown()[0]).toBe("a:done:high"));
    answerBulk();
    expect(await applied).toBe(true);
    expect(shown()).toEqual(["a:done:high", "b:done:medium"]);
  });

  /** A bulk sets a and b to high (its undo on the stack); then a changes elsewhere; then undo. */
  async function undoAfterAChangedElsewhere(elsewhere: Partial<Task>) {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved } = versionedServer([a, b]);
    const qc = newQueryClient();
    expect(await runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06")).toBe(
      true,
    );
    const afterBulk = saved.get(a.id)!;
    saved.set(a.id, { ...afterBulk, ...elsewhere, version: afterBulk.version + 1 });
    undoStack.undoLast();
    return () => [...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`);
  }

  it("is undone over a later change to other fields of its tasks, which the undo keeps", async () => {
    const stored = await undoAfterAChangedElsewhere({ title: "a, renamed" });
    await vi.waitFor(() => expect(stored()).toEqual(["a, renamed:medium:4", "b:medium:3"]));
  });

  it("is not undone over a later change to the same field: nothing reverts, and it says so", async () => {
    const errors = vi.spyOn(toast, "error");
    const stored = await undoAfterAChangedElsewhere({ priority: "urgent" });
    await vi.waitFor(() =>
      expect(errors).toHaveBeenCalledWith(
        "Could not undo: 1 of the tasks changed since. Nothing was reverted.",
      ),
    );
    expect(stored()).toEqual(["a:urgent:3", "b:high:2"]);
  });

  it("undone offline, the undo waits in the page with its rows marked, and is sent once online", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved } = versionedServer([a, b]);
    const qc = newQueryClient();
    qc.mount();
    try {
      expect(await runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06")).toBe(
        true,
      );
      onlineManager.setOnline(false);
      undoStack.undoLast();
      await vi.waitFor(() =>
        expect(
          qc
            .getMutationCache()
            .findAll({ predicate: isWaiting })
            .flatMap((m) => changedTaskIds(m.state.variables)),
        ).toEqual([a.id, b.id]),
      );
      onlineManager.setOnline(true);
      await vi.waitFor(() =>
        expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
          "a:medium:3",
          "b:medium:3",
        ]),
      );
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });

  it("a move of one of its tasks made while it is on its way is sent on the version it produced", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved } = versionedServer([a, b]);
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });
    const applied = runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06");
    const moved = moveTask(qc, a, { after_id: b.id }, null); // waits its turn behind the bulk
    expect(await applied).toBe(true);
    await moved;
    expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
      "a:high:3",
      "b:high:2",
    ]);
  });
});

describe("quick changes, each made before the one ahead of it was answered", () => {
  it("a bulk after a bulk, and an edit after it, go on the versions they made: no 412", async () => {
    const [a, b] = [makeTask({ title: "a" }), makeTask({ title: "b" })];
    const { saved, calls } = versionedServer([a, b]);
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "-created_at" });
    qc.setQueryData(list, { pages: [{ items: [a, b], next_cursor: null }], pageParams: [null] });
    // Each made on the tasks as they were selected (1, 2, then the editor on a), a key press
    // after the other.
    const nextKey = () => new Promise((pressed) => setTimeout(pressed, 0));
    const first = runBulk(qc, [a, b], { kind: "priority", priority: "urgent" }, "2026-12-06");
    await nextKey();
    const second = runBulk(qc, [a, b], { kind: "priority", priority: "high" }, "2026-12-06");
    await nextKey();
    const edit = new MutationObserver(qc, updateTaskOptions(qc)).mutate({
      task: a,
      patch: { title: "a, renamed" },
    });
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    await edit;
    expect([...saved.values()].map((t) => `${t.title}:${t.priority}:${t.version}`)).toEqual([
      "a, renamed:high:4",
      "b:high:3",
    ]);
    const sent = calls.map((c) => `${c.method} ${c.path}`);
    expect(sent.filter((c) => c.startsWith("GET /api/v1/tasks/"))).toEqual([]); // no 412 reload
    expect(sent.filter((c) => c.startsWith("POST") || c.startsWith("PATCH"))).toHaveLength(3);
  });
});

describe("a bulk delete, as a single delete: sent when its Undo window closes", () => {
  const Q = taskKeys.list({ sort: "-created_at" });
  const byHand = taskKeys.list({ sort: "position" });
  const bulkCalls = (calls: Call[]) =>
    calls.filter((c) => c.method === "POST" && c.path === "/api/v1/tasks/bulk");
  const deletes = (calls: Call[]) => calls.filter((c) => c.method === "DELETE");

  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    setAccessToken("token");
    undoStack.clear();
  });
  afterEach(() => vi.useRealTimers());

  /** a, b and c in two lists, and a and b deleted in bulk from the bar. */
  async function deleteAandB() {
    const [a, b, c] = [
      makeTask({ title: "a" }),
      makeTask({ title: "b" }),
      makeTask({ title: "c" }),
    ];
    const server = versionedServer([a, b, c]);
    const qc = newQueryClient();
    for (const key of [Q, byHand])
      qc.setQueryData<ListData>(key, {
        pages: [{ items: [a, b, c], next_cursor: null }],
        pageParams: [null],
      });
    const shown = (key = Q) => qc.getQueryData<ListData>(key)!.pages[0]!.items;
    expect(await runBulk(qc, [a, b], { kind: "delete" }, "2026-12-06")).toBe(true);
    return { qc, a, b, c, shown, ...server };
  }

  /** Close every Undo window (and the next test's start clean: modules are shared). */
  async function closeTheWindow(qc: QueryClient) {
    await vi.advanceTimersByTimeAsync(6_500);
    await vi.waitFor(() => expect(qc.isMutating()).toBe(0));
  }

  it("hides the rows in every list, sends nothing in the window, then ONE bulk with the deletes", async () => {
    const { qc, a, b, c, shown, calls, saved } = await deleteAandB();
    expect(shown()).toEqual([c]);
    expect(shown(byHand)).toEqual([c]);
    expect(isPendingDelete(a.id) && isPendingDelete(b.id)).toBe(true);
    await vi.waitFor(() =>
      expect(toastMock).toHaveBeenCalledWith(
        "Deleted 2 tasks",
        expect.objectContaining({
          duration: 6000,
          action: expect.objectContaining({ label: "Undo" }),
        }),
      ),
    );
    expect(undoStack.size()).toBe(1);

    await vi.advanceTimersByTimeAsync(5_900);
    expect(calls.filter((c) => c.method !== "GET")).toEqual([]);

    await closeTheWindow(qc);
    expect(bulkCalls(calls)).toHaveLength(1);
    expect(JSON.parse(bulkCalls(calls)[0]!.body)).toEqual({
      operations: [
        { id: a.id, version: 1, delete: true },
        { id: b.id, version: 1, delete: true },
      ],
    });
    expect(deletes(calls)).toEqual([]);
    expect([...saved.keys()]).toEqual([c.id]);
    expect(shown()).toEqual([c]);
    // The window is closed: nothing left to undo, nor pending.
    expect(undoStack.size()).toBe(0);
    expect(isPendingDelete(a.id)).toBe(false);
    expect(toastMock.error).not.toHaveBeenCalled();
  });

  it.each([
    ["the toast's Undo", () => lastToastAction("Deleted 2 tasks")()],
    ["Ctrl/Cmd+Z", () => void undoStack.undoLast()],
  ])(
    "%s in the window sends nothing and puts the same rows back where they were",
    async (_, undo) => {
      const { qc, a, b, c, shown, calls, saved } = await deleteAandB();
      await vi.waitFor(() => expect(toastMock).toHaveBeenCalled()); // sonner loads on first use
      undo();
      expect(shown()).toEqual([a, b, c]);
      expect(shown(byHand)).toEqual([a, b, c]);
      expect(isPendingDelete(a.id) || isPendingDelete(b.id)).toBe(false);
      await vi.waitFor(() =>
        expect(toastMock.success).toHaveBeenCalledWith("2 tasks restored", expect.anything()),
      );
      await closeTheWindow(qc);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls.filter((c) => c.method !== "GET")).toEqual([]);
      expect(saved.size).toBe(3);
      expect(shown().map((t) => t.id)).toEqual([a.id, b.id, c.id]);
    },
  );

  it("before logging out, it is sent at once, not behind a change on its way", async () => {
    const { qc, a, b, c, calls, saved } = await deleteAandB();
    const held = mockApi({
      "PATCH /api/v1/tasks/:id": () => new Promise(() => {}), // an edit still on its way
      "POST /api/v1/tasks/bulk": async (req) => {
        for (const op of ((await req.json()) as { operations: { id: string }[] }).operations)
          saved.delete(op.id);
        return json({ tasks: [], deleted: [a.id, b.id] });
      },
    });
    void new MutationObserver(qc, updateTaskOptions(qc))
      .mutate({ task: c, patch: { priority: "high" }, record: false })
      .catch(() => {});
    await vi.waitFor(() => expect(held.calls.filter((x) => x.method === "PATCH")).toHaveLength(1));
    flushPendingDeletes();
    await vi.waitFor(() => expect(bulkCalls(held.calls)).toHaveLength(1));
    expect(JSON.parse(bulkCalls(held.calls)[0]!.body).operations).toEqual([
      { id: a.id, version: 1, delete: true },
      { id: b.id, version: 1, delete: true },
    ]);
    expect(calls.filter((x) => x.method !== "GET")).toEqual([]);
    // (An earlier test's single delete may still be in its window: it is sent along with it.)
    expect(
      deletes(held.calls).filter((x) => x.path.includes(a.id) || x.path.includes(b.id)),
    ).toEqual([]);
    expect([...saved.keys()]).toEqual([c.id]);
    expect(undoStack.size()).toBe(0);
    expect(isPendingDelete(a.id)).toBe(false);
  });

  it("as the page goes, it is sent once, as one keepalive bulk", async () => {
    const { a, b, calls } = await deleteAandB();
    const { fetchMock } = mockApi({ "POST /api/v1/tasks/bulk": () => json({}) });
    window.dispatchEvent(new Event("pagehide"));
    // (An earlier test's single delete may still be in its window: it goes as its own DELETE.)
    const sent = () =>
      fetchMock.mock.calls
        .map(([url, init]) => ({ url: String(url), init }))
        .filter(({ url }) => url.includes(a.id) || url.includes(b.id) || url.endsWith("/bulk"));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.url).toMatch(/\/api\/v1\/tasks\/bulk$/);
    expect(sent()[0]!.init).toMatchObject({ method: "POST", keepalive: true });
    expect(JSON.parse(String(sent()[0]!.init!.body)).operations).toEqual([
      { id: a.id, version: 1, delete: true },
      { id: b.id, version: 1, delete: true },
    ]);
    expect(calls).toEqual([]);
    expect(isPendingDelete(a.id)).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent()).toHaveLength(1); // its timer went with it
  });

  it("refused (a task changed elsewhere in the window): nothing deleted, the rows come back, it says which", async () => {
    const { qc, a, b, c, shown, calls, saved } = await deleteAandB();
    saved.set(a.id, { ...a, title: "a, renamed", version: 2 });
    await closeTheWindow(qc);
    expect(bulkCalls(calls)).toHaveLength(1);
    expect(saved.size).toBe(3);
    await vi.waitFor(() =>
      expect(toastMock.error).toHaveBeenCalledWith(
        expect.stringContaining("Nothing was changed: “a” changed elsewhere"),
        expect.anything(),
      ),
    );
    expect(shown().map((t) => t.id)).toEqual([a.id, b.id, c.id]);
  });

  it("offline when its window closes, it waits like any change (its rows marked) and is sent once online", async () => {
    const { qc, a, b, c, calls, saved } = await deleteAandB();
    qc.mount(); // resumes paused changes when the network returns, as the app's provider does
    onlineManager.setOnline(false);
    try {
      await vi.advanceTimersByTimeAsync(6_500);
      const waiting = qc.getMutationCache().findAll({ predicate: isWaiting });
      expect(waiting.flatMap((m) => changedTaskIds(m.state.variables))).toEqual([a.id, b.id]);
      expect(calls.filter((x) => x.method !== "GET")).toEqual([]);
      onlineManager.setOnline(true);
      await vi.waitFor(() => expect(qc.isMutating()).toBe(0));
      expect(bulkCalls(calls)).toHaveLength(1);
      expect([...saved.keys()]).toEqual([c.id]);
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });
});

/** The onClick of the Undo action of the last toast that says `text`. */
function lastToastAction(text: string): () => void {
  const call = toastMock.mock.calls.filter(([message]) => message === text).at(-1);
  return (call![1] as { action: { onClick: () => void } }).action.onClick;
}
