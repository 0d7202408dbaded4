import { describe, expect, it } from "vitest";
import { NO_SELECTION, selectRange, toggleSelected } from "./selection";

const order = ["a", "b", "c", "d", "e"];
const ids = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort();

describe("list selection", () => {
  it("x toggles one task and becomes the anchor", () => {
    const one = toggleSelected(NO_SELECTION, "b");
    expect(ids(one)).toEqual(["b"]);
    expect(one.anchor).toBe("b");
    expect(ids(toggleSelected(one, "b"))).toEqual([]);
  });

  it("shift-click adds the range from the anchor, in either direction, keeping earlier picks", () => {
    const s = toggleSelected(toggleSelected(NO_SELECTION, "a"), "d");
    expect(ids(selectRange(s, order, "b"))).toEqual(["a", "b", "c", "d"]);
    const down = selectRange(toggleSelected(NO_SELECTION, "b"), order, "d");
    expect(ids(down)).toEqual(["b", "c", "d"]);
    // The clicked task is the next anchor: a second shift-click extends from it.
    expect(ids(selectRange(down, order, "e"))).toEqual(["b", "c", "d", "e"]);
  });

  it("shift-click with no anchor selects just the clicked task", () => {
    expect(ids(selectRange(NO_SELECTION, order, "c"))).toEqual(["c"]);
    expect(selectRange(NO_SELECTION, order, "zz")).toBe(NO_SELECTION);
  });
});
