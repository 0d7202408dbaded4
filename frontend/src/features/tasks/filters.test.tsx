import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import { makeTask } from "@/test/utils";
import {
  EMPTY_FILTERS,
  filtersToParams,
  matchesQuery,
  parseFilters,
  toApiQuery,
  useTaskFilters,
  type TaskFilters,
} from "./filters";

describe("filters in the URL", () => {
  it("parses a shared link and drops values the app does not know", () => {
    const f = parseFilters(
      new URLSearchParams(
        "q=milk&status=done&status=bogus&priority=urgent&overdue=true&due_after=2026-03-01&due_before=nope&sort=title&label=home",
      ),
    );
    expect(f).toEqual({
      q: "milk",
      status: ["done"],
      priority: ["urgent"],
      label: "home",
      overdue: true,
      dueAfter: "2026-03-01",
      dueBefore: "",
      sort: "title",
      showDone: false,
      project: "",
    });
    expect(parseFilters(new URLSearchParams("sort=DROP TABLE")).sort).toBe("-created_at");
  });

  it("round-trips every combination of filters through the URL, leaving defaults out", () => {
    const samples: TaskFilters[] = [
      EMPTY_FILTERS,
      { ...EMPTY_FILTERS, q: "report", status: ["pending", "in_progress"] },
      { ...EMPTY_FILTERS, priority: ["high", "urgent"], label: "work", overdue: true },
      { ...EMPTY_FILTERS, dueAfter: "2026-01-01", dueBefore: "2026-01-31", sort: "-priority" },
      { ...EMPTY_FILTERS, showDone: true },
    ];
    for (const f of samples) expect(parseFilters(filtersToParams(f))).toEqual(f);
    const backwards = parseFilters(
      new URLSearchParams("due_after=2026-02-03&due_before=2026-01-02"),
    );
    expect([backwards.dueAfter, backwards.dueBefore]).toEqual(["2026-01-02", "2026-02-03"]);
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe("");
  });

  it("asks the API for a range of days, which takes in due days as well as due times", () => {
    const q = toApiQuery({ ...EMPTY_FILTERS, dueAfter: "2026-03-01", dueBefore: "2026-03-02" });
    expect(q).toMatchObject({ due_from: "2026-03-01", due_to: "2026-03-02" });
    expect(q).not.toHaveProperty("due_after");
    expect(q).not.toHaveProperty("due_before");
  });

  it("hides completed tasks unless shown or asked for by status", () => {
    expect(toApiQuery(EMPTY_FILTERS)).toEqual({
      sort: "-created_at",
      status: ["pending", "in_progress"],
    });
    expect(parseFilters(new URLSearchParams("show_done=true")).showDone).toBe(true);
    expect(toApiQuery({ ...EMPTY_FILTERS, showDone: true })).toEqual({ sort: "-created_at" });
    expect(toApiQuery({ ...EMPTY_FILTERS, status: ["done"] }).status).toEqual(["done"]);
    expect(filtersToParams({ ...EMPTY_FILTERS, showDone: true }).toString()).toBe("show_done=true");
  });

  it("useTaskFilters reads the URL and writes changes back to it", () => {
    let search = "";
    function Spy({ children }: { children: ReactNode }) {
      search = useLocation().search;
      return <>{children}</>;
    }
    const wrapper = ({ children }: { children: ReactNode }) => (
      <MemoryRouter initialEntries={["/tasks?status=pending"]}>
        <Spy>{children}</Spy>
      </MemoryRouter>
    );
    const { result } = renderHook(() => useTaskFilters(), { wrapper });
    expect(result.current[0].status).toEqual(["pending"]);
    act(() => result.current[1]({ priority: ["urgent"], q: "tax" }));
    expect(result.current[0]).toMatchObject({
      status: ["pending"],
      priority: ["urgent"],
      q: "tax",
    });
    expect(new URLSearchParams(search).getAll("priority")).toEqual(["urgent"]);
    expect(new URLSearchParams(search).get("q")).toBe("tax");
  });
});

describe("matchesQuery (where an optimistic edit belongs)", () => {
  const now = new Date("2026-05-10T12:00:00Z");
  it("applies status, priority, label and text search like the API", () => {
    const t = makeTask({
      title: "Pay the Electricity bill",
      status: "pending",
      priority: "high",
      labels: ["home"],
    });
    expect(
      matchesQuery(
        t,
        { sort: "-created_at", status: ["pending"], priority: ["high", "urgent"] },
        now,
      ),
    ).toBe(true);
    expect(matchesQuery(t, { sort: "-created_at", status: ["done"] }, now)).toBe(false);
    expect(matchesQuery(t, { sort: "-created_at", label: "work" }, now)).toBe(false);
    expect(matchesQuery(t, { sort: "-created_at", q: "electricity" }, now)).toBe(true);
    expect(matchesQuery(t, { sort: "-created_at", q: "gas" }, now)).toBe(false);
  });

  it("treats overdue as past due and not done, and due ranges as excluding undated tasks", () => {
    const late = makeTask({ due_date: "2026-05-09T09:00:00Z" });
    const lateDay = makeTask({ due_on: "2026-05-09" });
    const overdue = { sort: "due_date" as const, overdue: true };
    expect(matchesQuery(late, overdue, now, "UTC")).toBe(true);
    expect(matchesQuery(lateDay, overdue, now, "UTC")).toBe(true);
    expect(matchesQuery({ ...late, status: "done" }, overdue, now, "UTC")).toBe(false);
    const range = { sort: "due_date" as const, due_from: "2026-05-09", due_to: "2026-05-31" };
    expect(matchesQuery(late, range, now, "UTC")).toBe(true);
    expect(matchesQuery(lateDay, range, now, "UTC")).toBe(true);
    expect(matchesQuery(makeTask({ due_on: "2026-06-01" }), range, now, "UTC")).toBe(false);
    expect(matchesQuery(makeTask({ due_on: "2026-05-08" }), range, now, "UTC")).toBe(false);
    // A due time counts on the day it falls on in the user's zone (Hawaii is UTC-10).
    expect(matchesQuery(late, range, now, "Pacific/Honolulu")).toBe(false);
    const lastEvening = makeTask({ due_date: "2026-06-01T05:00:00Z" });
    expect(matchesQuery(lastEvening, range, now, "Pacific/Honolulu")).toBe(true);
    expect(matchesQuery(lastEvening, range, now, "UTC")).toBe(false);
    expect(matchesQuery(makeTask({ due_date: null }), range, now, "UTC")).toBe(false);
  });

  it("keeps a task's subtask list to that task's subtasks", () => {
    const parent = "33333333-3333-4333-8333-333333333333";
    const q = { sort: "created_at" as const, parent };
    expect(matchesQuery(makeTask({ parent_id: parent }), q, now)).toBe(true);
    expect(matchesQuery(makeTask({ parent_id: null }), q, now)).toBe(false);
    expect(matchesQuery(makeTask({ parent_id: "4" }), q, now)).toBe(false);
  });
});

describe("a project's list", () => {
  const inbox = "11111111-1111-4111-8111-111111111111";
  const home = "22222222-2222-4222-8222-222222222222";

  it("asks the API for the project and keeps other projects' tasks out of its cached list", () => {
    const q = toApiQuery({ ...EMPTY_FILTERS, project: home });
    expect(q.project).toBe(home);
    expect(matchesQuery(makeTask({ project_id: home }), q)).toBe(true);
    expect(matchesQuery(makeTask({ project_id: inbox }), q)).toBe(false);
    // The plain list holds every project's tasks.
    expect(matchesQuery(makeTask({ project_id: inbox }), toApiQuery(EMPTY_FILTERS))).toBe(true);
  });

  it("takes the project from /projects/:projectId and keeps it out of the query string", () => {
    let search = "";
    function Probe() {
      search = useLocation().search;
      return null;
    }
    const wrapper = ({ children }: { children: ReactNode }) => (
      <MemoryRouter initialEntries={[`/projects/${home}?label=x`]}>
        <Routes>
          <Route
            path="/projects/:projectId"
            element={
              <>
                {children}
                <Probe />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    );
    const { result } = renderHook(() => useTaskFilters(), { wrapper });
    expect(result.current[0].project).toBe(home);
    expect(result.current[0].label).toBe("x");
    act(() => result.current[1]({ priority: ["high"] }));
    expect(result.current[0].project).toBe(home);
    expect(search).toBe("?priority=high&label=x");
  });

  it("keeps the project out of the query string (the path names it)", () => {
    expect(parseFilters(new URLSearchParams(`project=${home}`)).project).toBe("");
    expect(filtersToParams({ ...EMPTY_FILTERS, project: home }).toString()).toBe("");
  });
});
