import { describe, expect, it, vi } from "vitest";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { dropMove, keyboardMove, moveTask, placeOf, reordered } from "./reorder";

describe("manual order moves", () => {
  const [a, b, c] = [makeTask(), makeTask(), makeTask()];
  const order = [a, b, c];

  it("Alt+↑ goes right before the task above, Alt+↓ right after the one below; none at the ends", () => {
    expect(keyboardMove(order, b.id, -1)).toEqual({ before_id: a.id });
    expect(keyboardMove(order, b.id, 1)).toEqual({ after_id: c.id });
    expect(keyboardMove(order, a.id, -1)).toBeNull();
    expect(keyboardMove(order, c.id, 1)).toBeNull();
  });

  it("undo goes back to the place the task had (after the task above it, else before the one below)", () => {
    const ids = order.map((t) => t.id);
    for (const [id, delta] of [
      [b.id, -1],
      [b.id, 1],
      [a.id, 1],
      [c.id, -1],
    ] as const) {
      const there = keyboardMove(order, id, delta)!;
      const moved = reordered(ids, id, there);
      expect(moved).not.toEqual(ids);
      expect(reordered(moved, id, placeOf(ids, id))).toEqual(ids);
    }
  });

  it("a drag takes the index of the row dropped on, and undo restores the order, for every drag", () => {
    const ids = ["a", "b", "c", "d", "e"];
    for (const id of ids)
      for (const over of ids) {
        const target = dropMove(ids, id, over);
        if (id === over) {
          expect(target).toBeNull();
          continue;
        }
        const moved = reordered(ids, id, target!);
        // dnd-kit's arrayMove: remove at `from`, insert at `to`.
        const expected = ids.filter((x) => x !== id);
        expected.splice(ids.indexOf(over), 0, id);
        expect(moved).toEqual(expected);
        expect(reordered(moved, id, placeOf(ids, id))).toEqual(ids);
      }
  });

  it("a place with no neighbour is the end", () => {
    expect(placeOf(["a"], "a")).toEqual({});
    expect(reordered(["a", "b", "c"], "a", {})).toEqual(["b", "c", "a"]);
  });

  it("reorders ids locally as the server will (an unknown neighbour changes nothing)", () => {
    const ids = ["a", "b", "c", "d"];
    expect(reordered(ids, "d", { before_id: "b" })).toEqual(["a", "d", "b", "c"]);
    expect(reordered(ids, "a", { after_id: "c" })).toEqual(["b", "c", "a", "d"]);
    expect(reordered(ids, "a", { after_id: "zz" })).toEqual(ids);
  });
});

describe("two quick moves of one task", () => {
  it("send the second on the version the first one produced, not the version shown", async () => {
    const task = makeTask({ version: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/move": async (req) => {
        const { version } = (await req.json()) as { version: number };
        if (version === 1) await gate; // the first answer is slow
        return json({ ...task, version: version + 1 });
      },
    });
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [task], next_cursor: null }], pageParams: [null] });
    const first = moveTask(qc, task, { before_id: "a" }, null);
    const second = moveTask(qc, task, { before_id: "b" }, null); // the row still shows version 1
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    release();
    await Promise.all([first, second]);
    expect(calls.map((c) => JSON.parse(c.body).version)).toEqual([1, 2]);
  });
});

describe("a move that fails while a later one waits its turn", () => {
  it("puts back only its own task: the later move stays shown", async () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map((title) => makeTask({ title }));
    const gates = [0, 1].map(() => {
      let open!: () => void;
      return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    });
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/move": async () => {
        const n = calls.filter((c) => c.method === "POST").length - 1;
        await gates[n]!.opened;
        return n === 0
          ? json({ title: "Internal Server Error", status: 500, detail: "boom" }, 500)
          : json({ ...b, version: 2 });
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, {
      pages: [{ items: [a, b, c, d], next_cursor: null }],
      pageParams: [null],
    });
    const titles = () => qc.getQueryData<ListData>(list)!.pages[0]!.items.map((t) => t.title);

    const failing = moveTask(qc, d!, { before_id: a!.id }, null);
    const later = moveTask(qc, b!, { after_id: c!.id }, null);
    await vi.waitFor(() => expect(titles()).toEqual(["d", "a", "c", "b"]));
    gates[0]!.open();
    await failing;
    // d is back at the end; b's move, still on its way, is still shown.
    expect(titles()).toEqual(["a", "c", "b", "d"]);
    gates[1]!.open();
    await later;
    expect(titles()).toEqual(["a", "c", "b", "d"]);
  });
});

describe("a move that fails after an earlier one was answered", () => {
  it("keeps the earlier answer's version, which the next edit of that task must send", async () => {
    const [a, b, c] = ["a", "b", "c"].map((title) => makeTask({ title, version: 1 }));
    let gate!: () => void;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/move": async () => {
        if (calls.filter((c) => c.method === "POST").length === 1)
          return json({ ...c, version: 2 });
        await opened;
        return json({ title: "Conflict", status: 409, detail: "no" }, 409);
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    const list = taskKeys.list({ sort: "position" });
    qc.setQueryData(list, { pages: [{ items: [a, b, c], next_cursor: null }], pageParams: [null] });
    const answered = moveTask(qc, c!, { before_id: a!.id }, null);
    const failing = moveTask(qc, a!, { after_id: b!.id }, null); // its snapshot holds c at 1
    await answered;
    gate();
    await failing;
    const items = qc.getQueryData<ListData>(list)!.pages[0]!.items;
    expect(items.map((t) => `${t.title}${t.version}`)).toEqual(["c2", "a1", "b1"]);
  });
});

describe("a move into another board column", () => {
  it("leaves one column's list and lands next to the anchor in the other, status changed, at once", async () => {
    const [p1, p2, m1, m2] = [
      makeTask({ title: "p1" }),
      makeTask({ title: "p2" }),
      makeTask({ title: "m1", status: "in_progress" }),
      makeTask({ title: "m2", status: "in_progress" }),
    ];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/move": async () => {
        await gate;
        return json({ ...p1, status: "in_progress", version: 2 });
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const qc = newQueryClient();
    const page = (items: (typeof p1)[]) =>
      ({ pages: [{ items, next_cursor: null }], pageParams: [null] }) as ListData;
    const pending = taskKeys.list({ sort: "position", status: ["pending"] });
    const doing = taskKeys.list({ sort: "position", status: ["in_progress"] });
    qc.setQueryData(pending, page([p1, p2]));
    qc.setQueryData(doing, page([m1, m2]));
    const moving = moveTask(qc, p1, { after_id: m1.id, status: "in_progress" }, null);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const titles = (key: readonly unknown[]) =>
      qc.getQueryData<ListData>(key)!.pages[0]!.items.map((t) => `${t.title}:${t.status}`);
    expect(titles(pending)).toEqual(["p2:pending"]);
    expect(titles(doing)).toEqual(["m1:in_progress", "p1:in_progress", "m2:in_progress"]);
    expect(JSON.parse(calls[0]!.body)).toEqual({
      version: 1,
      after_id: m1.id,
      status: "in_progress",
    });
    release();
    await moving;
  });
});
