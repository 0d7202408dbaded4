import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task, User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { parseQuickAdd } from "@/features/quickadd/parse";
import { json, makeTask, mockApi, newQueryClient, renderWith, type Call } from "@/test/utils";
import { taskKeys } from "./api";
import { localDay } from "./bulk";
import type { ListData } from "./cache";
import { editor, useEditor } from "./editor";
import { TASK_KEYS, useTaskKeys } from "./taskKeys";
import { undoStack } from "./undo";

// A zone far from the test machine's: "today" must be the user's day, not the browser's.
const ZONE = "Pacific/Kiritimati";
const auth = { user: { time_zone: ZONE } as User } as AuthContextValue;

function Page({
  tasks,
  selection,
  find,
}: {
  tasks: Task[];
  selection?: Task[];
  find?: (id: string) => Task | undefined;
}) {
  useTaskKeys({ selection, find });
  const state = useEditor();
  return (
    <>
      <ul>
        {tasks.map((t) => (
          <li key={t.id} data-task-id={t.id}>
            <button type="button" aria-label={`Edit “${t.title}”`}>
              {t.title}
            </button>
            <input aria-label={`Note for ${t.title}`} />
          </li>
        ))}
      </ul>
      <output aria-label="editor">
        {state.mode === "edit" ? `${state.task.title}:${state.focus ?? "title"}` : state.mode}
      </output>
    </>
  );
}

function setup(
  selection?: (tasks: Task[]) => Task[],
  /** The page's own copies of tasks (a planner page's), made from the listed ones. */
  own?: (tasks: Task[]) => Task[],
) {
  const tasks = [
    makeTask({ title: "Pay rent" }),
    makeTask({ title: "Book flights" }),
    makeTask({ title: "Gym", due_on: "2026-12-07", recurrence: "FREQ=WEEKLY;BYDAY=MO" }),
  ];
  const qc = newQueryClient();
  qc.setQueryData<ListData>(taskKeys.list({ sort: "-created_at" }), {
    pages: [{ items: tasks, next_cursor: null }],
    pageParams: [null],
  });
  const { calls } = mockApi({
    "PATCH /api/v1/tasks/:id": async (req) => {
      const id = new URL(req.url).pathname.split("/").pop();
      const t = tasks.find((x) => x.id === id)!;
      return json({ ...t, ...(await req.json()), version: t.version + 1 });
    },
    "POST /api/v1/tasks/bulk": async (req) => {
      const { operations } = (await req.json()) as {
        operations: { id: string; patch: Partial<Task> }[];
      };
      const changed = operations.map((op) => {
        const t = tasks.find((x) => x.id === op.id)!;
        return { ...t, ...op.patch, version: t.version + 1 };
      });
      return json({ tasks: changed, deleted: [] });
    },
    "POST /api/v1/tasks/:id/skip": async (req) => {
      const id = new URL(req.url).pathname.split("/").at(-2);
      const t = tasks.find((x) => x.id === id)!;
      return json({ ...t, due_on: "2026-12-14", version: t.version + 1 });
    },
    "GET /api/v1/tasks/stats": () => json({}),
  });
  renderWith(
    <AuthContext.Provider value={auth}>
      <Page
        tasks={tasks}
        selection={selection?.(tasks)}
        find={own && ((id) => own(tasks).find((t) => t.id === id))}
      />
    </AuthContext.Provider>,
    { qc },
  );
  return { tasks, calls };
}

const sent = (calls: Call[], method: string) =>
  calls.filter((c) => c.method === method).map((c) => JSON.parse(c.body) as unknown);

beforeEach(() => {
  setAccessToken("token");
  undoStack.clear();
  editor.close();
});
afterEach(() => vi.unstubAllGlobals());

describe("task keys", () => {
  it("map 1–4 to the priorities quick add gives p1–p4", () => {
    for (const n of ["1", "2", "3", "4"]) {
      expect(TASK_KEYS[n]).toEqual({
        kind: "priority",
        priority: parseQuickAdd(`Pay rent p${n}`).priority,
      });
    }
  });

  it("1 sets the focused task's priority through an undoable update", async () => {
    const { calls, tasks } = setup();
    screen.getByRole("button", { name: "Edit “Book flights”" }).focus();
    fireEvent.keyDown(window, { key: "1" });
    await waitFor(() => expect(sent(calls, "PATCH")).toEqual([{ priority: "urgent" }]));
    expect(calls.find((c) => c.method === "PATCH")!.path).toBe(`/api/v1/tasks/${tasks[1]!.id}`);
    await waitFor(() => expect(undoStack.size()).toBe(1));
    act(() => void undoStack.undoLast());
    await waitFor(() =>
      expect(sent(calls, "PATCH")).toEqual([{ priority: "urgent" }, { priority: "medium" }]),
    );
  });

  it("a page's own copy of the task (Today, Upcoming, Calendar) is written on when it is newer", async () => {
    // Upcoming moved "Book flights" twice since the list was cached.
    const { calls, tasks } = setup(undefined, (listed) => [
      { ...listed[1]!, version: listed[1]!.version + 2 },
    ]);
    screen.getByRole("button", { name: "Edit “Book flights”" }).focus();
    fireEvent.keyDown(window, { key: "1" });
    await waitFor(() => expect(sent(calls, "PATCH")).toEqual([{ priority: "urgent" }]));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.headers.get("If-Match")).toBe(`"${tasks[1]!.version + 2}"`);
  });

  it("t makes the focused task due today in the user's zone, and undo clears it", async () => {
    const { calls } = setup();
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    fireEvent.keyDown(window, { key: "t" });
    const today = localDay(new Date(), ZONE);
    await waitFor(() => expect(sent(calls, "PATCH")).toEqual([{ due_on: today }]));
    await waitFor(() => expect(undoStack.size()).toBe(1));
    act(() => void undoStack.undoLast());
    await waitFor(() => expect(sent(calls, "PATCH")[1]).toEqual({ due_on: null, due_date: null }));
  });

  it("s skips the focused repeating task's occurrence, and only a repeating one", async () => {
    const { calls, tasks } = setup();
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    fireEvent.keyDown(window, { key: "s" });
    screen.getByRole("button", { name: "Edit “Gym”" }).focus();
    fireEvent.keyDown(window, { key: "s" });
    await waitFor(() => expect(sent(calls, "POST")).toEqual([{ version: tasks[2]!.version }]));
    expect(calls.find((c) => c.method === "POST")!.path).toBe(`/api/v1/tasks/${tasks[2]!.id}/skip`);
    await waitFor(() => expect(undoStack.size()).toBe(1));
    act(() => void undoStack.undoLast());
    await waitFor(() => expect(sent(calls, "PATCH")).toEqual([{ due_on: "2026-12-07" }]));
  });

  it("e opens the focused task's editor, d opens it on the due field", () => {
    setup();
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    fireEvent.keyDown(window, { key: "e" });
    expect(screen.getByRole("status", { name: "editor" })).toHaveTextContent("Pay rent:title");
    editor.close();
    fireEvent.keyDown(window, { key: "d" });
    expect(screen.getByRole("status", { name: "editor" })).toHaveTextContent("Pay rent:due");
  });

  it("do nothing while typing, with a dialog open, or with no task focused", async () => {
    const { calls } = setup();
    const input = screen.getByRole("textbox", { name: "Note for Pay rent" });
    input.focus();
    for (const key of ["1", "t", "e", "d"]) fireEvent.keyDown(input, { key });
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    const dialog = document.createElement("div");
    dialog.setAttribute("role", "dialog");
    dialog.dataset.state = "open";
    document.body.append(dialog);
    fireEvent.keyDown(window, { key: "2" });
    dialog.remove();
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(window, { key: "3" });
    // Ctrl+1 (a browser's tab switch) is not the key 1.
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    fireEvent.keyDown(window, { key: "4", ctrlKey: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.filter((c) => c.method !== "GET")).toEqual([]);
    expect(screen.getByRole("status", { name: "editor" })).toHaveTextContent("closed");
  });

  it("apply 1–4 and t to the whole selection in one bulk request", async () => {
    const { calls, tasks } = setup((ts) => ts);
    screen.getByRole("button", { name: "Edit “Pay rent”" }).focus();
    fireEvent.keyDown(window, { key: "2" });
    await waitFor(() =>
      expect(sent(calls, "POST")).toEqual([
        {
          operations: tasks.map((t) => ({ id: t.id, version: 1, patch: { priority: "high" } })),
        },
      ]),
    );
    expect(sent(calls, "PATCH")).toEqual([]);
    expect(undoStack.size()).toBe(1);
  });
});
