import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWith } from "@/test/utils";
import { FilterBar } from "./FilterBar";
import { EMPTY_FILTERS } from "./filters";

const PROJECT = "00000000-0000-4000-8000-0000000000aa";

// The viewport the filter bar sees: matchMedia answers from `width` and tells its listeners.
let width = 400;
const listeners = new Set<() => void>();
beforeAll(() => {
  vi.stubGlobal("matchMedia", (query: string) => {
    const min = Number(/min-width: (\d+)px/.exec(query)?.[1] ?? 0);
    return {
      get matches() {
        return width >= min;
      },
      addEventListener: (_: string, cb: () => void) => listeners.add(cb),
      removeEventListener: (_: string, cb: () => void) => listeners.delete(cb),
    };
  });
});
afterAll(() => vi.unstubAllGlobals());

function serveLabels() {
  return mockApi({
    "GET /api/v1/tasks/labels": () =>
      json({
        items: [
          { name: "home", count: 3 },
          { name: "work", count: 1 },
        ],
      }),
  });
}
const labelCalls = (calls: { path: string }[]) =>
  calls.filter((c) => c.path === "/api/v1/tasks/labels").length;

describe("the label filter", () => {
  it("on a phone, fetches the labels only once the filters are opened", async () => {
    width = 400;
    const { calls } = serveLabels();
    const user = userEvent.setup();
    renderWith(<FilterBar filters={EMPTY_FILTERS} onChange={() => {}} />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(labelCalls(calls)).toBe(0);

    await user.click(screen.getByRole("button", { name: /filters/i }));
    const select = screen.getByLabelText("Label");
    await waitFor(() =>
      expect([...select.querySelectorAll("option")].map((o) => o.textContent)).toEqual([
        "All labels",
        "#home",
        "#work",
      ]),
    );
    expect(labelCalls(calls)).toBe(1);
  });

  it("on a wider screen, fetches them at once, and when a phone is turned wide", async () => {
    width = 1024;
    const wide = serveLabels();
    const first = renderWith(<FilterBar filters={EMPTY_FILTERS} onChange={() => {}} />);
    await waitFor(() => expect(labelCalls(wide.calls)).toBe(1));
    first.unmount();

    width = 400;
    const turned = serveLabels();
    renderWith(<FilterBar filters={EMPTY_FILTERS} onChange={() => {}} />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(labelCalls(turned.calls)).toBe(0);
    width = 800;
    act(() => listeners.forEach((notify) => notify()));
    await waitFor(() => expect(labelCalls(turned.calls)).toBe(1));
  });
  it("on a project's page, asks for that project's labels", async () => {
    width = 1024;
    const { calls } = serveLabels();
    renderWith(<FilterBar filters={{ ...EMPTY_FILTERS, project: PROJECT }} onChange={() => {}} />);
    await waitFor(() => expect(labelCalls(calls)).toBe(1));
    const asked = calls.find((c) => c.path === "/api/v1/tasks/labels")!;
    expect(new URLSearchParams(asked.search).get("project")).toBe(PROJECT);
  });
});

describe("the due range", () => {
  it("never runs backwards: a day past the other end moves that end along", () => {
    width = 1280;
    serveLabels();
    const onChange = vi.fn();
    const filters = { ...EMPTY_FILTERS, dueAfter: "2026-12-05", dueBefore: "2026-12-10" };
    renderWith(<FilterBar filters={filters} onChange={onChange} />);
    const from = screen.getByLabelText("Due from");
    const until = screen.getByLabelText("Due until");
    // The picker itself offers no day past the other end.
    expect(from).toHaveAttribute("max", "2026-12-10");
    expect(until).toHaveAttribute("min", "2026-12-05");

    fireEvent.change(from, { target: { value: "2026-12-12" } });
    expect(onChange).toHaveBeenLastCalledWith({ dueAfter: "2026-12-12", dueBefore: "2026-12-12" });
    fireEvent.change(until, { target: { value: "2026-12-01" } });
    expect(onChange).toHaveBeenLastCalledWith({ dueAfter: "2026-12-01", dueBefore: "2026-12-01" });
    fireEvent.change(until, { target: { value: "2026-12-07" } });
    expect(onChange).toHaveBeenLastCalledWith({ dueBefore: "2026-12-07" });
  });
});
