/**
 * A project shared with the user as a viewer: the web app offers no write the API would refuse
 * (403 `role-forbids`), an editor keeps every one, and a write refused because the role was
 * lowered meanwhile rolls back and turns the page read-only.
 */
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { toast } from "sonner";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import type { Project } from "@/features/projects/api";
import { json, makeProject, makeTask, mockApi, renderWith, roleForbidden } from "@/test/utils";
import { editor } from "./editor";
import { TaskDialog } from "./TaskDialog";
import TaskListPage from "./TaskListPage";

beforeEach(() => {
  setAccessToken("token");
  vi.mocked(toast.error).mockClear();
});
afterEach(() => act(() => editor.close()));

const ME = "00000000-0000-4000-8000-0000000000e1";
const PROJECT = "00000000-0000-4000-8000-0000000000f1";

const shared = (role: Project["role"]): Project => makeProject({ id: PROJECT, name: "Trip", role });

const comment = (author_id: string, body: string) => ({
  id: `00000000-0000-4000-8000-00000000c${author_id.slice(-3)}`,
  task_id: "",
  author_id,
  body,
  body_html: `<p>${body}</p>`,
  created_at: "2026-12-01T10:00:00Z",
  edited_at: null,
});

/** The shared project's API as the user sees it; `roles` answers successive GET /projects. */
function serve(task: ReturnType<typeof makeTask>, roles: Project["role"][]) {
  let asked = 0;
  return mockApi({
    "GET /api/v1/projects": () =>
      json({ items: [shared(roles[Math.min(asked++, roles.length - 1)]!)] }),
    "GET /api/v1/tasks": () => json({ items: [task], next_cursor: null }),
    "GET /api/v1/tasks/:id/comments": () =>
      json({ items: [comment(ME, "I wrote this as an editor")], next_cursor: null }),
    "GET /api/v1/tasks/:id/history": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tasks/labels": () => json({ items: [] }),
    "PATCH /api/v1/tasks/:id": roleForbidden,
  });
}

const as = (id: string) => ({ user: { id, time_zone: "UTC" } as User }) as AuthContextValue;

function renderProject() {
  return renderWith(
    <AuthContext.Provider value={as(ME)}>
      <Routes>
        <Route path="/projects/:projectId" element={<TaskListPage />} />
      </Routes>
      <TaskDialog />
    </AuthContext.Provider>,
    { route: `/projects/${PROJECT}` },
  );
}

describe("a viewer of a shared project", { timeout: 15_000 }, () => {
  it("gets no quick add, no complete toggle and no delete on the list", async () => {
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    serve(task, ["viewer"]);
    renderProject();

    const row = await screen.findByTestId("task-item");
    expect(await screen.findByText(/You can view this project/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Add a task")).not.toBeInTheDocument();
    expect(within(row).queryByRole("checkbox")).not.toBeInTheDocument();
    expect(within(row).getByRole("img", { name: "Not done" })).toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: /Delete/ })).not.toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Open “Book the ferry”" })).toBeEnabled();
  });

  it("opens a task read-only: disabled fields, no Save, no Delete, comments without a box", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    const { calls } = serve(task, ["viewer"]);
    renderProject();

    await user.click(await screen.findByRole("button", { name: "Open “Book the ferry”" }));
    const dialog = await screen.findByRole("dialog", { name: "Task" });
    expect(within(dialog).getByText(/You can view this project/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Title")).toHaveValue("Book the ferry");
    expect(within(dialog).getByLabelText("Title")).toBeDisabled();
    expect(within(dialog).getByLabelText("Status")).toBeDisabled();
    expect(within(dialog).queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
    // Comments stay readable, their own included, but a viewer may write none of them.
    expect(await within(dialog).findByText("I wrote this as an editor")).toBeInTheDocument();
    expect(within(dialog).queryByLabelText("New comment")).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Edit" })).not.toBeInTheDocument();

    // Ctrl+Enter saves nothing; Close closes.
    await user.keyboard("{Control>}{Enter}{/Control}");
    // The footer's Close (the title bar has its own).
    await user.click(within(dialog).getAllByRole("button", { name: "Close" }).at(-1)!);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(calls.filter((c) => c.method !== "GET")).toEqual([]);
  });
});

describe("a project's list before the roles have arrived", { timeout: 15_000 }, () => {
  it("offers nothing to write with, then what the role allows", async () => {
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    let answer!: (r: Response) => void;
    mockApi({
      "GET /api/v1/projects": () => new Promise<Response>((resolve) => (answer = resolve)),
      "GET /api/v1/tasks": () => json({ items: [task], next_cursor: null }),
    });
    renderProject();

    const row = await screen.findByTestId("task-item");
    expect(within(row).queryByRole("checkbox")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Add a task")).not.toBeInTheDocument();
    answer(json({ items: [shared("editor")] }));
    expect(
      await within(row).findByRole("checkbox", { name: "Complete “Book the ferry”" }),
    ).toBeEnabled();
    expect(screen.getByLabelText("Add a task")).toBeInTheDocument();
  });
});

describe("an editor of a shared project", { timeout: 15_000 }, () => {
  it("keeps the quick add, the toggles, Save, Delete and the comment box", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    const { calls } = serve(task, ["editor"]);
    renderProject();

    const row = await screen.findByTestId("task-item");
    expect(screen.getByLabelText("Add a task")).toBeInTheDocument();
    expect(within(row).getByRole("checkbox", { name: "Complete “Book the ferry”" })).toBeEnabled();
    await user.click(within(row).getByRole("button", { name: "Edit “Book the ferry”" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit task" });
    expect(within(dialog).getByLabelText("Title")).toBeEnabled();
    expect(within(dialog).getByRole("button", { name: "Save" })).toBeInTheDocument();
    expect(await within(dialog).findByLabelText("New comment")).toBeInTheDocument();
    // The task's Delete, and their own comment's Edit and Delete.
    const own = await within(dialog).findByTestId("comment");
    expect(within(own).getByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(within(dialog).getAllByRole("button", { name: "Delete" })).toHaveLength(2);
    expect(screen.queryByText(/You can view this project/)).not.toBeInTheDocument();
    // Label suggestions and the filter's choices are the project's (its owner's labels there),
    // never the member's own.
    const asked = calls.filter((c) => c.path === "/api/v1/tasks/labels");
    expect(asked.length).toBeGreaterThan(0);
    for (const c of asked) expect(new URLSearchParams(c.search).get("project")).toBe(PROJECT);
  });
});

describe("a role lowered while the page is open", { timeout: 15_000 }, () => {
  it("a refused completion rolls back, shows the server's reason and makes the list read-only", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    // Editor when the page loaded; the owner has made them a viewer since.
    const { calls } = serve(task, ["editor", "viewer"]);
    renderProject();

    const row = await screen.findByTestId("task-item");
    await user.click(within(row).getByRole("checkbox", { name: "Complete “Book the ferry”" }));

    await waitFor(() =>
      expect(toast.error).toHaveBeenCalledWith(
        "Could not save “Book the ferry”: Your role in this project (viewer) does not allow this; it needs editor.",
      ),
    );
    // The projects list was asked again, and the page follows the role it now gives.
    expect(await within(row).findByRole("img", { name: "Not done" })).toBeInTheDocument();
    expect(within(row).queryByRole("checkbox")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Add a task")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.path === "/api/v1/projects")).toHaveLength(2);
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1);
  });
});
