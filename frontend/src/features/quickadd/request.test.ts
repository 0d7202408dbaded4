import { describe, expect, it } from "vitest";
import { parseQuickAdd } from "./parse";
import { API_KNOWS, projectLookup, toApiBody, toCreateRequest } from "./request";
import type { ParsedTask } from "./types";

const NOW = new Date("2026-12-01T10:00:00Z");
const parse = (text: string) =>
  parseQuickAdd(text, { now: NOW, timeZone: "Europe/Berlin", dayFirst: true });
const projects = projectLookup([
  { id: "11111111-1111-4111-8111-111111111111", name: "Home" },
  { id: "22222222-2222-4222-8222-222222222222", name: "Work" },
]);

describe("projectLookup: a name two projects share", () => {
  const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
  it("means the first listed of equals (the sidebar's order)", () => {
    const lookup = projectLookup([
      { id: id(1), name: "Work" },
      { id: id(2), name: "work" },
    ]);
    expect(lookup("WORK")).toBe(id(1));
  });

  it("means an open project the user may add to, before a read-only or an archived one", () => {
    const lookup = projectLookup([
      { id: id(1), name: "Garden", archived: false, role: "viewer" },
      { id: id(2), name: "Garden", archived: false, role: "editor" },
      { id: id(3), name: "Garden", archived: true, role: "owner" },
      { id: id(4), name: "Attic", archived: false, role: "viewer" },
      { id: id(5), name: "Attic", archived: true, role: "owner" },
    ]);
    expect(lookup("garden")).toBe(id(2));
    expect(lookup("attic")).toBe(id(4));
  });
});

describe("toCreateRequest", () => {
  it("turns the whole sentence into the contract's create body", () => {
    expect(
      toCreateRequest(parse("Call mom tomorrow at 6pm p1 #family +home every week"), {}, projects),
    ).toEqual({
      body: {
        title: "Call mom",
        priority: "urgent",
        labels: ["family"],
        due_date: "2026-12-02T17:00:00.000Z",
        recurrence: "FREQ=WEEKLY",
        project_id: "11111111-1111-4111-8111-111111111111",
      },
      unknownProject: null,
    });
  });

  it("sends a due day as due_on, never as a time", () => {
    const { body } = toCreateRequest(parse("Pay rent every month on the last day"));
    expect(body).toEqual({
      title: "Pay rent",
      due_on: "2026-12-31",
      recurrence: "FREQ=MONTHLY;BYMONTHDAY=-1",
    });
    expect(body).not.toHaveProperty("due_date");
  });

  it("takes what was not typed from the view's filters (defect 1)", () => {
    const view = {
      priority: ["high", "urgent"] as const,
      label: "batch",
      status: ["in_progress"] as const,
    };
    expect(toCreateRequest(parse("Ship it #release"), view).body).toEqual({
      title: "Ship it",
      status: "in_progress",
      priority: "urgent",
      labels: ["release", "batch"],
    });
  });

  it("lets typed parts win over the view", () => {
    const view = { priority: ["urgent"] as const, label: "batch" };
    expect(toCreateRequest(parse("Ship it p4 #batch"), view).body).toEqual({
      title: "Ship it",
      priority: "low",
      labels: ["batch"],
    });
  });

  it("puts the task in the view's project unless a known +project is typed", () => {
    const view = { projectId: "22222222-2222-4222-8222-222222222222" };
    expect(toCreateRequest(parse("Fix tap +Home"), view, projects).body.project_id).toBe(
      "11111111-1111-4111-8111-111111111111",
    );
    expect(toCreateRequest(parse("Fix tap"), view, projects).body.project_id).toBe(
      "22222222-2222-4222-8222-222222222222",
    );
  });

  it("names an unknown +project instead of inventing an id", () => {
    expect(toCreateRequest(parse("Fix tap +Garden"), {}, projects)).toEqual({
      body: { title: "Fix tap" },
      unknownProject: "Garden",
    });
  });

  it("keeps a title within the API's 255 characters", () => {
    // Plain words (no date, label, project...), with a title longer than the API takes.
    const parsed: ParsedTask = { ...parse("Plain words"), title: "x".repeat(300) };
    expect(toCreateRequest(parsed).body.title).toHaveLength(255);
  });
});

describe("toApiBody (today's generated client)", () => {
  it("passes the fields today's API takes", () => {
    const { body } = toCreateRequest(parse("Call mom tomorrow at 6pm p2 #family"), {
      status: ["pending"],
    });
    expect(toApiBody(body)).toEqual({
      title: "Call mom",
      status: "pending",
      priority: "high",
      labels: ["family"],
      due_date: "2026-12-02T17:00:00.000Z",
    });
  });

  it("sends a due day only once the API takes it, never drops it", () => {
    const { body } = toCreateRequest(parse("Pay rent tomorrow"));
    if (API_KNOWS.due_on) {
      expect(toApiBody(body)).toEqual({ title: "Pay rent", due_on: "2026-12-02" });
    } else {
      expect(() => toApiBody(body)).toThrow("the API does not take due_on yet");
    }
  });
});
