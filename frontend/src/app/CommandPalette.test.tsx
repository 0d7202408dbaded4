import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { editor, useEditor } from "@/features/tasks/editor";
import { json, makeProject, makeTask, mockApi, renderWith } from "@/test/utils";
import CommandPalette from "./CommandPalette";

const CALL = makeTask({ title: "Call mum", labels: ["family"] });
const DONE = makeTask({ title: "Book the dentist", status: "done", labels: ["health"] });

/** The API's search: a task matches when its title or a label contains q (case-insensitive). */
function mockSearch() {
  return mockApi({
    "GET /api/v1/tasks": (req) => {
      const q = (new URL(req.url).searchParams.get("q") ?? "").toLowerCase();
      const items = [CALL, DONE].filter((t) =>
        [t.title, ...t.labels].some((text) => text.toLowerCase().includes(q)),
      );
      return json({ items, next_cursor: null });
    },
    "GET /api/v1/projects": () => json({ items: [] }),
    "GET /api/v1/views": () => json({ items: [] }),
  });
}

function EditorProbe() {
  const state = useEditor();
  return (
    <output aria-label="editor">{state.mode === "edit" ? state.task.title : state.mode}</output>
  );
}

function renderPalette() {
  const auth = { logout: vi.fn(async () => {}) } as unknown as AuthContextValue;
  return renderWith(
    <AuthContext.Provider value={auth}>
      <CommandPalette open onOpenChange={() => {}} onHelp={() => {}} />
      <EditorProbe />
    </AuthContext.Provider>,
    { route: "/calendar" },
  );
}

// cmdk measures its list and scrolls the selected option into view: jsdom's stand-ins for both
// are in test/setup.ts.
beforeEach(() => setAccessToken("token"));
afterEach(() => act(() => editor.close()));

const selected = () => document.querySelector('[role="option"][aria-selected="true"]');

describe("the command palette finds tasks", () => {
  it("ranks a task whose title matches first and selects it once it arrives; Enter opens it", async () => {
    const { calls } = mockSearch();
    const user = userEvent.setup();
    renderPalette();
    await user.type(screen.getByRole("combobox"), "call");

    // "Go to Calendar" matches too, and is selected until the API's answer comes.
    const task = await screen.findByRole("option", { name: "Call mum" });
    await waitFor(() => expect(selected()).toBe(task));
    expect(screen.getAllByRole("option")[0]).toBe(task);
    expect(screen.getByRole("option", { name: "Go to Calendar g c" })).toBeInTheDocument();
    // One request for the pause in typing, not one a key.
    expect(calls.filter((c) => c.path === "/api/v1/tasks").map((c) => c.search)).toEqual([
      "?q=call&sort=-created_at&limit=6",
    ]);

    await user.keyboard("{Enter}");
    expect(document.querySelector("output")).toHaveTextContent("Call mum");
  });

  it("lists a task found by its label and a completed one, and always offers the full search", async () => {
    mockSearch();
    const user = userEvent.setup();
    renderPalette();
    await user.type(screen.getByRole("combobox"), "health");

    const task = await screen.findByRole("option", { name: /Book the dentist/ });
    expect(task).toHaveTextContent("Done");
    // Found by its label, it ranks above the commands that only loosely match ("Show
    // completed tasks"); the full search is last.
    const options = screen.getAllByRole("option").map((o) => o.textContent);
    expect(options[0]).toBe("Book the dentist Done");
    expect(options.at(-1)).toBe("Search tasks for “health”");
  });

  it("selects the task again when the same search is typed again (its answer cached)", async () => {
    mockSearch();
    const user = userEvent.setup();
    renderPalette();
    const input = screen.getByRole("combobox");
    await user.type(input, "call");
    await waitFor(() => expect(selected()).toBe(screen.getByRole("option", { name: "Call mum" })));
    await user.clear(input);
    await act(() => new Promise((resolve) => setTimeout(resolve, 300)));
    await user.type(input, "call");
    await waitFor(() => expect(selected()).toBe(screen.getByRole("option", { name: "Call mum" })));
  });

  it("keeps the option the arrow keys chose when the tasks arrive", async () => {
    mockSearch();
    const user = userEvent.setup();
    renderPalette();
    await user.type(screen.getByRole("combobox"), "call");
    await user.keyboard("{ArrowDown}");
    const chosen = selected();
    await screen.findByRole("option", { name: "Call mum" });
    // Give the palette the frame in which it would move the selection.
    await act(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    expect(selected()).toBe(chosen);
  });

  it("tells two tasks of the same title apart by their project and due", async () => {
    // Dues are worded relative to today: "now" is fixed more than a week before them.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    onTestFinished(() => void vi.useRealTimers());
    const WORK = "00000000-0000-4000-8000-00000000beef";
    const HOME = "00000000-0000-4000-8000-00000000cafe";
    mockApi({
      "GET /api/v1/tasks": () =>
        json({
          items: [
            makeTask({ title: "Weekly review", project_id: WORK, due_on: "2026-12-14" }),
            makeTask({ title: "Weekly review", project_id: HOME }),
          ],
          next_cursor: null,
        }),
      "GET /api/v1/projects": () =>
        json({
          items: [makeProject({ id: WORK, name: "Work" }), makeProject({ id: HOME, name: "Home" })],
        }),
      "GET /api/v1/views": () => json({ items: [] }),
    });
    const user = userEvent.setup();
    renderPalette();
    await user.type(screen.getByRole("combobox"), "weekly");

    await screen.findByRole("option", { name: "Weekly review Home" });
    expect(
      screen.getByRole("option", { name: /^Weekly review Work · (14 Dec|Dec 14)$/ }),
    ).toBeInTheDocument();
  });

  it("asks nothing for a single character", async () => {
    const { calls } = mockSearch();
    const user = userEvent.setup();
    renderPalette();
    await user.type(screen.getByRole("combobox"), "c");
    await act(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(calls.filter((c) => c.path === "/api/v1/tasks")).toEqual([]);
    expect(screen.queryByRole("option", { name: "Call mum" })).not.toBeInTheDocument();
  });
});
