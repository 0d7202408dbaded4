import { describe, expect, it, vi } from "vitest";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { inverseMove, keyboardMove, moveTask, reordered } from "./reorder";

vi.mock("sonner", () => ({ toast: Object.assign(vi.fn(), { error: vi.fn(), dismiss: vi.fn() }) }));

describe("manual order moves", () => {
  const [a, b, c] = [makeTask(), makeTask(), makeTask()];
  const order = [a, b, c];

  it("Alt+↑ goes right before the task above, Alt+↓ right after the one below; none at the ends", () => {
    expect(keyboardMove(order, b.id, -1)).toEqual({ before_id: a.id });
    expect(keyboardMove(order, b.id, 1)).toEqual({ after_id: c.id });
    expect(keyboardMove(order, a.id, -1)).toBeNull();
    expect(keyboardMove(order, c.id, 1)).toBeNull();
  });

  it("the inverse puts the task back on the other side of the same neighbour", () => {
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
      expect(reordered(moved, id, inverseMove(there))).toEqual(ids);
    }
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
    const first = moveTask(qc, task, { before_id: "a" }, false);
    const second = moveTask(qc, task, { before_id: "b" }, false); // the row still shows version 1
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    release();
    await Promise.all([first, second]);
    expect(calls.map((c) => JSON.parse(c.body).version)).toEqual([1, 2]);
  });
});
