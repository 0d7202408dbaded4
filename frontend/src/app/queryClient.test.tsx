/**
 * The app's query client refetches the roles (the project list) after any write refused as 403
 * `role-forbids`, so a page whose role was lowered while open turns read-only, whichever
 * feature's code sent the write.
 */
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import type { User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { editor } from "@/features/tasks/editor";
import { TaskDialog } from "@/features/tasks/TaskDialog";
import { json, makeTask, mockApi, renderWith, roleForbidden } from "@/test/utils";
import { queryClient } from "./queryClient";

beforeEach(() => setAccessToken("token"));
afterEach(() => {
  act(() => editor.close());
  queryClient.clear();
});

const ME = "00000000-0000-4000-8000-0000000000e1";
const PROJECT = "00000000-0000-4000-8000-0000000000f1";

it(
  "a comment refused for the role refetches the roles: the editor's dialog turns read-only",
  { timeout: 15_000 },
  async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the ferry", project_id: PROJECT });
    // An editor when the dialog opened; the owner has made them a viewer since.
    const roles = ["editor", "viewer"] as const;
    let asked = 0;
    const { calls } = mockApi({
      "GET /api/v1/projects": () =>
        json({ items: [{ id: PROJECT, name: "Trip", role: roles[Math.min(asked++, 1)] }] }),
      "GET /api/v1/tasks/:id/comments": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/history": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/labels": () => json({ items: [] }),
      "POST /api/v1/tasks/:id/comments": roleForbidden,
    });
    renderWith(
      <AuthContext.Provider value={{ user: { id: ME } as User } as AuthContextValue}>
        <TaskDialog />
      </AuthContext.Provider>,
      { qc: queryClient },
    );
    act(() => editor.openEdit(task));

    const dialog = await screen.findByRole("dialog", { name: "Edit task" });
    await user.type(await within(dialog).findByLabelText("New comment"), "Ferry at 9?");
    await user.click(within(dialog).getByRole("button", { name: "Comment" }));

    // The comment code knows nothing of roles: the client's mutation cache refetched them.
    expect(await screen.findByRole("dialog", { name: "Task" })).toBeInTheDocument();
    expect(screen.queryByLabelText("New comment")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.path === "/api/v1/projects")).toHaveLength(2);
  },
);
