import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, filtersToParams, type TaskFilters } from "@/features/tasks/filters";
import { listFiltersAt, viewHref, viewQuery } from "./query";

const home = "22222222-2222-4222-8222-222222222222";

describe("saved views", () => {
  it("stores the API's query: hidden completed tasks as the open statuses, days as due_from/to", () => {
    expect(viewQuery(EMPTY_FILTERS)).toBe("status=pending&status=in_progress");
    expect(viewQuery({ ...EMPTY_FILTERS, showDone: true })).toBe("");
    expect(
      viewQuery({
        ...EMPTY_FILTERS,
        project: home,
        q: " rent ",
        priority: ["urgent"],
        label: "home",
        overdue: true,
        dueAfter: "2026-12-01",
        dueBefore: "2026-12-31",
        sort: "due_date",
      }),
    ).toBe(
      `project=${home}&q=rent&status=pending&status=in_progress&priority=urgent&label=home` +
        "&overdue=true&due_from=2026-12-01&due_to=2026-12-31&sort=due_date",
    );
  });

  it("opens the same list it was saved from", () => {
    const samples: TaskFilters[] = [
      EMPTY_FILTERS,
      { ...EMPTY_FILTERS, showDone: true },
      { ...EMPTY_FILTERS, status: ["done"], label: "work" },
      { ...EMPTY_FILTERS, project: home, priority: ["high", "urgent"], sort: "-priority" },
      {
        ...EMPTY_FILTERS,
        q: "milk",
        overdue: true,
        dueAfter: "2026-01-02",
        dueBefore: "2026-02-03",
      },
    ];
    for (const f of samples) {
      const href = new URL(viewHref(viewQuery(f)), "http://x");
      const back = listFiltersAt(href.pathname, href.search)!;
      expect(back, JSON.stringify(f)).toEqual({ ...f, q: f.q.trim() });
      expect(href.search.slice(1)).toBe(filtersToParams(f).toString());
    }
  });

  it("knows which pages are lists", () => {
    expect(listFiltersAt("/tasks", "?label=x")?.label).toBe("x");
    expect(listFiltersAt(`/projects/${home}`, "")?.project).toBe(home);
    expect(listFiltersAt("/today", "")).toBeNull();
    expect(listFiltersAt("/board", "")).toBeNull();
  });
});
