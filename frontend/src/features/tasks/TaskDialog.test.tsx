import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import { editor } from "./editor";
import { TaskDialog } from "./TaskDialog";

vi.mock("sonner", () => ({
  toast: Object.assign(vi.fn(), { error: vi.fn(), success: vi.fn(), dismiss: vi.fn() }),
}));

beforeEach(() => setAccessToken("token"));
afterEach(() => act(() => editor.close()));

function openOn(task = makeTask({ title: "Book the venue", description: "Ask for a quote" })) {
  const { calls } = mockApi({
    "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    "PATCH /api/v1/tasks/:id": async (req) => json({ ...task, ...(await req.json()), version: 2 }),
  });
  renderWith(<TaskDialog />);
  act(() => editor.openEdit(task));
  return { calls, task };
}

describe("the edit dialog keeps unsaved changes", () => {
  it("Esc with unsaved changes asks first; keeping edits leaves the form as typed", async () => {
    const user = userEvent.setup();
    openOn();
    const title = await screen.findByLabelText("Title");
    await user.clear(title);
    await user.type(title, "Book the hall");
    await user.keyboard("{Escape}");
    const confirm = await screen.findByRole("alertdialog", { name: "Discard your changes?" });
    expect(confirm).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Keep editing" }));
    expect(screen.getByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveValue("Book the hall");
  });

  it("Discard closes the editor without saving", async () => {
    const user = userEvent.setup();
    const { calls } = openOn();
    await user.type(await screen.findByLabelText("Description"), " by Friday");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(await screen.findByRole("button", { name: "Discard changes" }));
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Edit task" })).not.toBeInTheDocument(),
    );
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  });

  it("Esc without changes closes at once", async () => {
    const user = userEvent.setup();
    openOn();
    await screen.findByLabelText("Title");
    await user.keyboard("{Escape}");
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Edit task" })).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("Ctrl+Enter in the description saves", async () => {
    const user = userEvent.setup();
    const { calls, task } = openOn();
    const description = await screen.findByLabelText("Description");
    await user.type(description, " by Friday");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(patch.body)).toEqual({ description: `${task.description} by Friday` });
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Edit task" })).not.toBeInTheDocument(),
    );
  });
});
