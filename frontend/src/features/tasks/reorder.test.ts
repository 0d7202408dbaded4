import { describe, expect, it } from "vitest";
import { makeTask } from "@/test/utils";
import { inverseMove, keyboardMove, reordered } from "./reorder";

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
