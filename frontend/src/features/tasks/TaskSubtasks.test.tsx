import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import { TaskSubtasks } from "./TaskSubtasks";

const PROJECT = "00000000-0000-4000-8000-00000000abcd";

beforeEach(() => setAccessToken("token"));

/** A project with `count` open top-level tasks "Task 001" …: lists of 100 by title, `q` a
 * case-insensitive title match, and no subtasks under anyone. */
function serveProject(count: number) {
  const tasks = Array.from({ length: count }, (_, i) =>
    makeTask({ title: `Task ${String(i + 1).padStart(3, "0")}`, project_id: PROJECT }),
  );
  return {
    tasks,
    ...mockApi({
      "GET /api/v1/tasks": (req) => {
        const params = new URL(req.url).searchParams;
        if (params.get("parent")) return json({ items: [], next_cursor: null });
        const q = params.get("q")?.toLowerCase();
        const found = tasks.filter((t) => !q || t.title.toLowerCase().includes(q));
        const limit = Number(params.get("limit"));
        return json({
          items: found.slice(0, limit),
          next_cursor: found.length > limit ? "next" : null,
        });
      },
      "PATCH /api/v1/tasks/:id": async (req) => json({ ...(await req.json()), version: 2 }),
    }),
  };
}

const picker = () => screen.findByRole("combobox", { name: /a subtask of another task$/ });

describe("making a task a subtask of another", () => {
  it("offers the project's open tasks in one list when they fit", async () => {
    const { tasks } = serveProject(3);
    renderWith(<TaskSubtasks task={tasks[0]!} readOnly={false} onOpen={() => {}} />);

    const options = within(await picker()).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "Make it a subtask of…",
      "Task 002",
      "Task 003",
    ]);
    expect(screen.queryByRole("searchbox")).toBeNull();
  });

  it("past a hundred open tasks, finds the parent by title and sends it", async () => {
    const { tasks, calls } = serveProject(150);
    const user = userEvent.setup();
    renderWith(<TaskSubtasks task={tasks[0]!} readOnly={false} onOpen={() => {}} />);

    await picker();
    const search = await screen.findByRole("searchbox", { name: "Find the parent task by title" });
    await user.type(search, "nothing like it");
    expect(await screen.findByRole("status")).toHaveTextContent(
      "No open task matches “nothing like it”.",
    );
    await user.clear(search);
    await user.type(search, "task 14");
    await waitFor(() =>
      expect(
        within(screen.getByRole("combobox", { name: /subtask of another task$/ }))
          .getAllByRole("option")
          .map((o) => o.textContent)
          .slice(1),
      ).toEqual(Array.from({ length: 10 }, (_, i) => `Task 14${i}`)),
    );
    await user.selectOptions(await picker(), "Task 149");

    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.path).toBe(`/api/v1/tasks/${tasks[0]!.id}`);
    expect(JSON.parse(patch.body)).toEqual({ parent_id: tasks[148]!.id });
  });
});
