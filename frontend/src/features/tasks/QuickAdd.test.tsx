import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { toast } from "sonner";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import { QuickAdd } from "./QuickAdd";

beforeEach(() => {
  setAccessToken("token");
  vi.mocked(toast).mockClear();
});

/** A backend that echoes the created task back, as the API does. */
function createApi() {
  return mockApi({
    "POST /api/v1/tasks": async (req) =>
      json(makeTask((await req.json()) as Partial<Task>), 201, { ETag: '"1"' }),
  });
}
const postedBody = (calls: ReturnType<typeof createApi>["calls"]) =>
  JSON.parse(calls.find((c) => c.method === "POST")!.body) as Record<string, unknown>;

describe("QuickAdd", () => {
  it("shows the parsed parts as chips; removing one by keyboard keeps its words", async () => {
    const user = userEvent.setup();
    const { calls } = createApi();
    renderWith(<QuickAdd />, { route: "/tasks" });
    const input = screen.getByLabelText("Add a task");
    await user.type(input, "Call mom at 6pm p2 #family #phone");

    const chips = await screen.findByRole("list", { name: "Read from what you typed" });
    expect(
      within(chips)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringMatching(/^due: (Today|Tomorrow) (18:00|6:00\sPM)$/),
      "priority: High",
      "label: family",
      "label: phone",
    ]);
    expect(input).toHaveAccessibleDescription("Saves as “Call mom”");

    await user.tab(); // from the field to the first chip's remove button ...
    await user.tab();
    await user.tab();
    await user.tab();
    expect(screen.getByRole("button", { name: "Remove label phone" })).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(within(chips).getAllByRole("listitem")).toHaveLength(3);
    expect(input).toHaveFocus();
    expect(input).toHaveAccessibleDescription("Saves as “Call mom #phone”");

    await user.keyboard("{Enter}");
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(postedBody(calls)).toEqual({
      title: "Call mom #phone",
      priority: "high",
      labels: ["family"],
      due_date: expect.stringMatching(/T\d\d:00:00\.000Z$/),
    });
    expect(input).toHaveValue("");
    expect(screen.queryByRole("list", { name: "Read from what you typed" })).toBeNull();
  });

  it("takes the view's filters and the board column's status (defect 1)", async () => {
    const user = userEvent.setup();
    const { calls } = createApi();
    renderWith(<QuickAdd status="in_progress" compact />, {
      route: "/board?priority=urgent&label=batch",
    });
    await user.type(screen.getByLabelText("Add a task to In progress"), "Rerun import{Enter}");
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(postedBody(calls)).toEqual({
      title: "Rerun import",
      status: "in_progress",
      priority: "urgent",
      labels: ["batch"],
    });
    expect(toast).not.toHaveBeenCalled();
  });

  it("says so when a typed part takes the new task out of the view", async () => {
    const user = userEvent.setup();
    createApi();
    renderWith(<QuickAdd />, { route: "/tasks?priority=urgent" });
    await user.type(screen.getByLabelText("Add a task"), "Tidy up p4{Enter}");
    await waitFor(() => expect(toast).toHaveBeenCalled());
    expect(vi.mocked(toast).mock.calls[0]).toEqual([
      "“Tidy up” was added but is not shown here: it does not match the filters.",
      { action: { label: "Show all tasks", onClick: expect.any(Function) } },
    ]);
  });
});
