import { QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { BrowserRouter, Route, Routes, useLocation, useNavigate } from "react-router";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, makeTask, mockApi, newQueryClient, renderWith } from "@/test/utils";
import { upsertTaskInLists } from "./cache";
import { editor } from "./editor";
import { TaskDialog } from "./TaskDialog";
import TaskListPage from "./TaskListPage";

beforeEach(() => setAccessToken("token"));
afterEach(() => act(() => editor.close()));

function LocationProbe() {
  const l = useLocation();
  const navigate = useNavigate();
  return (
    <>
      <output data-testid="location">{l.pathname + l.search}</output>
      <button type="button" onClick={() => navigate(-1)}>
        Browser back
      </button>
    </>
  );
}

function renderAt(route: string) {
  return renderWith(
    <>
      <Routes>
        <Route path="/tasks" element={<TaskListPage />} />
        <Route path="/tasks/:taskId" element={<TaskListPage />} />
      </Routes>
      <LocationProbe />
      <TaskDialog />
    </>,
    { route },
  );
}

/** The list at `route` shows one task, `title`, and the user clicks its row to edit it. */
async function openFromList(route: string, title: string) {
  const user = userEvent.setup();
  const task = makeTask({ title });
  mockApi({ "GET /api/v1/tasks": () => json({ items: [task], next_cursor: null }) });
  renderAt(route);
  await user.click(await screen.findByRole("button", { name: `Edit “${title}”` }));
  return { user, task };
}

describe("a task's own URL", () => {
  it("/tasks/:id opens its editor over the list; closing returns to the list URL with filters", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Renew the lease", priority: "high" });
    mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      [`GET /api/v1/tasks/${task.id}`]: () => json(task),
    });
    renderAt(`/tasks/${task.id}?priority=high`);
    const dialog = await screen.findByRole("dialog", { name: "Edit task" });
    expect(screen.getByLabelText("Title")).toHaveValue("Renew the lease");
    expect(dialog).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() =>
      expect(screen.getByTestId("location")).toHaveTextContent(/^\/tasks\?priority=high$/),
    );
    expect(screen.queryByRole("dialog", { name: "Edit task" })).not.toBeInTheDocument();
  });

  it("an unknown or another account's id shows a clear not-found state, not a crash", async () => {
    mockApi({
      "GET /api/v1/tasks": () =>
        json({ items: [makeTask({ title: "Still here" })], next_cursor: null }),
      "GET /api/v1/tasks/:id": () =>
        json({ title: "Not Found", status: 404, detail: "Task not found" }, 404),
    });
    renderAt("/tasks/00000000-0000-4000-8000-999999999999");
    expect(await screen.findByRole("alert")).toHaveTextContent("Task not found.");
    expect(await screen.findByText("Still here")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to your tasks" })).toHaveAttribute(
      "href",
      "/tasks",
    );
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("opening a task from the list gives it its URL", async () => {
    const { user, task } = await openFromList("/tasks?sort=title", "Water the ferns");
    expect(screen.getByTestId("location")).toHaveTextContent(`/tasks/${task.id}?sort=title`);
    expect(await screen.findByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() =>
      expect(screen.getByTestId("location")).toHaveTextContent(/^\/tasks\?sort=title$/),
    );
  });

  it("the browser's Back from a task's address closes its editor", async () => {
    await openFromList("/tasks", "Feed the cat");
    expect(await screen.findByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    act(() => screen.getByText("Browser back").click());
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/tasks$/));
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Edit task" })).not.toBeInTheDocument(),
    );
  });

  it("closing the editor goes back once, even when the list changes before the browser has moved", async () => {
    // A real browser history (jsdom's): Back is asynchronous, as in a browser, unlike the memory
    // router's. The user came from another page, then opened the list.
    window.history.replaceState(null, "", "/elsewhere");
    window.history.pushState(null, "", "/tasks");
    const task = makeTask({ title: "Book the flights" });
    mockApi({ "GET /api/v1/tasks": () => json({ items: [task], next_cursor: null }) });
    const list = (
      <>
        <TaskListPage />
        <TaskDialog />
      </>
    );
    const qc = newQueryClient();
    render(
      <QueryClientProvider client={qc}>
        <BrowserRouter>
          <Routes>
            <Route path="/tasks" element={list} />
            <Route path="/tasks/:taskId" element={list} />
            <Route path="*" element={<p>Another page</p>} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit “Book the flights”" }));
    await waitFor(() => expect(window.location.pathname).toBe(`/tasks/${task.id}`));

    // The editor closes; before the browser has gone back, the list changes (a save's answer, a
    // live update): the route must not go back a second time, out of the app.
    act(() => editor.close());
    act(() =>
      upsertTaskInLists(qc, {
        ...task,
        title: "Book the flights today",
        version: task.version + 1,
      }),
    );
    await waitFor(() => expect(window.location.pathname).toBe("/tasks"));
    await new Promise((done) => setTimeout(done, 50));
    expect(window.location.pathname).toBe("/tasks");
  });
});
