import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { onlineManager } from "@tanstack/react-query";
import { afterEach, beforeEach, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { TaskItem } from "@/features/tasks/TaskItem";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import { OfflineStatus } from "./OfflineStatus";

beforeEach(() => setAccessToken("token"));
// The online state is TanStack Query's one singleton: the next test starts online.
afterEach(() => onlineManager.setOnline(true));

/** The header's status beside the row of `task`, whose completion the server answers once
 * `answered` resolves; answers the API calls made. */
function statusBesideRow(task: Task, answered: Promise<void> = Promise.resolve()) {
  const { calls } = mockApi({
    "PATCH /api/v1/tasks/:id": async () => {
      await answered;
      return json({ ...task, status: "done", version: 2 });
    },
    "GET /api/v1/tasks/stats": () =>
      json({ total: 1, by_status: { pending: 0, in_progress: 0, done: 1 }, overdue: 0 }),
  });
  renderWith(
    <>
      <OfflineStatus />
      <ul>
        <TaskItem task={task} />
      </ul>
    </>,
  );
  return calls;
}

/** Whether leaving the page now is held for the browser to ask first. */
function leavingAsks(): boolean {
  const leave = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(leave);
  return leave.defaultPrevented;
}

it("counts the changes waiting offline, marks their rows, and clears when they are sent", async () => {
  const calls = statusBesideRow(makeTask({ title: "Call the plumber" }));
  const status = screen.getByRole("status");
  const row = screen.getByTestId("task-item");
  expect(status).toHaveTextContent(/^$/);

  // What the browser does when the network goes: the window's offline event.
  act(() => void window.dispatchEvent(new Event("offline")));
  expect(status).toHaveTextContent(/^Offline$/);

  fireEvent.click(screen.getByRole("checkbox", { name: "Complete “Call the plumber”" }));
  await waitFor(() => expect(status).toHaveTextContent("Offline — 1 change waiting"));
  expect(row).toHaveAttribute("data-waiting", "true");
  expect(row).toHaveTextContent("Waiting to be sent");
  expect(screen.getByRole("button", { name: /waiting to be sent/ })).toBeInTheDocument();
  expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  // Leaving the page now would drop the change: the browser is asked to confirm.
  expect(leavingAsks()).toBe(true);

  act(() => void window.dispatchEvent(new Event("online")));
  await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1));
  expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toEqual({ status: "done" });
  await waitFor(() => expect(row).not.toHaveAttribute("data-waiting"));
  expect(status).toHaveTextContent(/^$/);
  expect(row).not.toHaveTextContent("Waiting to be sent");
  expect(leavingAsks()).toBe(false);
});

it("online, a change the server has not answered yet also asks before the page is left", async () => {
  let answer!: () => void;
  const calls = statusBesideRow(
    makeTask({ title: "Book the venue" }),
    new Promise<void>((resolve) => (answer = resolve)),
  );
  expect(leavingAsks()).toBe(false);

  fireEvent.click(screen.getByRole("checkbox", { name: "Complete “Book the venue”" }));
  await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1));
  // Not offline, so nothing is "waiting": the header stays quiet, but leaving would drop it.
  expect(screen.getByRole("status")).toHaveTextContent(/^$/);
  expect(leavingAsks()).toBe(true);

  answer();
  await waitFor(() => expect(leavingAsks()).toBe(false));
});
