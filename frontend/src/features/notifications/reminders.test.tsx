import { QueryClientProvider } from "@tanstack/react-query";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task, User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import type { Reminder } from "./api";
import { TaskReminders } from "./TaskReminders";

beforeEach(() => setAccessToken("token"));

// Tokyo (UTC+9, no DST): a day and time typed there is a known instant.
const ZONE = "Asia/Tokyo";
const auth = { user: { id: "u1", time_zone: ZONE } as User } as AuthContextValue;

const reminder = (over: Partial<Reminder>): Reminder => ({
  id: "00000000-0000-4000-8000-000000000001",
  task_id: "t",
  at: null,
  before_due: null,
  fires_at: null,
  fired_at: null,
  created_at: "2026-12-01T00:00:00Z",
  ...over,
});

/** The reminders API of one task: starts with `initial`, adds what is posted (or answers `refuse`). */
function serve(task: Task, initial: Reminder[], refuse?: { status: number; body: unknown }) {
  let items = initial;
  let n = 100;
  return mockApi({
    "GET /api/v1/tasks/:id/reminders": () => json(items),
    "POST /api/v1/tasks/:id/reminders": async (req) => {
      if (refuse) return json(refuse.body, refuse.status);
      const body = (await req.json()) as { at?: string; before_due?: number };
      n += 1;
      const r = reminder({
        id: `00000000-0000-4000-8000-000000000${n}`,
        task_id: task.id,
        at: body.at ?? null,
        before_due: body.before_due ?? null,
        fires_at:
          body.at ??
          new Date(new Date(task.due_date!).getTime() - body.before_due! * 60_000).toISOString(),
      });
      items = [...items, r];
      return json(r, 201);
    },
    "DELETE /api/v1/tasks/:id/reminders/:rid": (req) => {
      const id = new URL(req.url).pathname.split("/").at(-1);
      items = items.filter((r) => r.id !== id);
      return new Response(null, { status: 204 });
    },
  });
}

const show = (task: Task) =>
  renderWith(
    <AuthContext.Provider value={auth}>
      <TaskReminders task={task} />
    </AuthContext.Provider>,
  );

/** Shows the reminders of `task`, which has none yet, once loaded; `refuse` as for `serve`. */
async function showNone(task: Task, refuse?: { status: number; body: unknown }) {
  const user = userEvent.setup();
  const { calls } = serve(task, [], refuse);
  show(task);
  expect(await screen.findByText("No reminders.")).toBeInTheDocument();
  return { user, calls };
}

/** Adds a reminder `amount` `unit` before the due through the form. */
async function addBeforeDue(user: UserEvent, amount: string, unit: "hours" | "days") {
  await user.selectOptions(screen.getByRole("combobox", { name: "Remind me" }), "before");
  const field = screen.getByLabelText("How long before");
  await user.clear(field);
  await user.type(field, amount);
  await user.selectOptions(screen.getByRole("combobox", { name: "Unit" }), unit);
  await user.click(screen.getByRole("button", { name: "Add reminder" }));
}

const posted = (calls: { method: string; body: string }[]) =>
  calls.filter((c) => c.method === "POST").map((c) => JSON.parse(c.body) as unknown);

describe("the task's reminders", () => {
  it("lists them, a fired one as fired, and deletes one", async () => {
    const user = userEvent.setup();
    const task = makeTask({ due_date: "2026-12-05T09:00:00Z" });
    const { calls } = serve(task, [
      reminder({
        id: "00000000-0000-4000-8000-000000000001",
        at: "2026-12-01T01:00:00Z",
        fires_at: "2026-12-01T01:00:00Z",
        fired_at: "2026-12-01T01:00:02Z",
      }),
      reminder({
        id: "00000000-0000-4000-8000-000000000002",
        before_due: 120,
        fires_at: "2026-12-05T07:00:00Z",
      }),
    ]);
    show(task);
    const rows = await screen.findAllByTestId("reminder");
    expect(rows[0]).toHaveTextContent(/^At .* · Fired /);
    expect(rows[1]).toHaveTextContent(/^2 hours before due · fires /);
    expect(rows[1]).not.toHaveTextContent("Fired");
    await user.click(
      within(rows[1]!).getByRole("button", { name: "Delete reminder: 2 hours before due" }),
    );
    await waitFor(() => expect(screen.getAllByTestId("reminder")).toHaveLength(1));
    expect(calls.find((c) => c.method === "DELETE")?.path).toBe(
      `/api/v1/tasks/${task.id}/reminders/00000000-0000-4000-8000-000000000002`,
    );
  });

  it("follows the task's due: a repeating task rolled on shows its reminder armed again", async () => {
    const task = makeTask({ due_date: "2026-12-05T09:00:00Z", recurrence: "FREQ=DAILY" });
    const before = (over: Partial<Reminder>) => reminder({ before_due: 60, ...over });
    let items = [before({ fires_at: "2026-12-05T08:00:00Z", fired_at: "2026-12-05T08:00:03Z" })];
    mockApi({ "GET /api/v1/tasks/:id/reminders": () => json(items) });
    const tree = (shown: Task) => (
      <AuthContext.Provider value={auth}>
        <TaskReminders task={shown} />
      </AuthContext.Provider>
    );
    const { rerender, qc } = renderWith(tree(task));
    expect(await screen.findByTestId("reminder")).toHaveTextContent(
      /^1 hour before each due · Fired /,
    );

    // Completed: the API rolls the due on a day and arms the reminder for it.
    items = [before({ fires_at: "2026-12-06T08:00:00Z" })];
    const rolled = { ...task, due_date: "2026-12-06T09:00:00Z", version: task.version + 1 };
    rerender(
      <QueryClientProvider client={qc}>
        <MemoryRouter>{tree(rolled)}</MemoryRouter>
      </QueryClientProvider>,
    );
    await waitFor(() =>
      expect(screen.getByTestId("reminder")).toHaveTextContent(
        /^1 hour before each due · fires .*6/,
      ),
    );
    expect(screen.getByTestId("reminder")).not.toHaveTextContent("Fired");
  });

  it("never shows another task's reminders while the next task's are read", async () => {
    const first = makeTask({ title: "First", due_date: "2026-12-05T09:00:00Z" });
    const second = makeTask({ title: "Second", due_date: "2026-12-06T09:00:00Z" });
    let answerSecond: (r: Response) => void = () => {};
    mockApi({
      "GET /api/v1/tasks/:id/reminders": (req) =>
        new URL(req.url).pathname.includes(first.id)
          ? json([
              reminder({ task_id: first.id, before_due: 60, fires_at: "2026-12-05T08:00:00Z" }),
            ])
          : new Promise<Response>((resolve) => (answerSecond = resolve)),
    });
    const tree = (shown: Task) => (
      <AuthContext.Provider value={auth}>
        <TaskReminders task={shown} />
      </AuthContext.Provider>
    );
    const { rerender, qc } = renderWith(tree(first));
    expect(await screen.findByTestId("reminder")).toHaveTextContent(/^1 hour before due/);
    rerender(
      <QueryClientProvider client={qc}>
        <MemoryRouter>{tree(second)}</MemoryRouter>
      </QueryClientProvider>,
    );
    expect(screen.queryByTestId("reminder")).not.toBeInTheDocument();
    answerSecond(json([]));
    expect(await screen.findByText("No reminders.")).toBeInTheDocument();
  });

  it("adds one at a day and time read in the profile's time zone", async () => {
    const { user, calls } = await showNone(makeTask());
    // No due: only "at" is offered.
    expect(
      within(screen.getByRole("combobox", { name: "Remind me" })).getAllByRole("option"),
    ).toHaveLength(1);
    const day = screen.getByLabelText("Reminder day");
    await user.clear(day);
    await user.type(day, "2026-12-03");
    const time = screen.getByLabelText("Reminder time");
    await user.clear(time);
    await user.type(time, "09:30");
    await user.click(screen.getByRole("button", { name: "Add reminder" }));
    await screen.findByTestId("reminder");
    // 09:30 in Tokyo is 00:30 UTC.
    expect(posted(calls)).toEqual([{ at: "2026-12-03T00:30:00.000Z" }]);
  });

  it("adds one some hours before the due, offered only when the task has one", async () => {
    const { user, calls } = await showNone(makeTask({ due_date: "2026-12-05T09:00:00Z" }));
    await addBeforeDue(user, "3", "hours");
    expect(await screen.findByTestId("reminder")).toHaveTextContent(/^3 hours before due · fires/);
    expect(posted(calls)).toEqual([{ before_due: 180 }]);
  });

  it("shows the API's refusal from its problem+json detail", async () => {
    const { user } = await showNone(makeTask(), {
      status: 422,
      body: {
        type: "https://taskapp.dev/problems/validation-error",
        title: "Validation failed",
        status: 422,
        detail: "A task has at most 20 reminders; delete one first.",
      },
    });
    await user.click(screen.getByRole("button", { name: "Add reminder" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A task has at most 20 reminders; delete one first.",
    );
    expect(screen.queryByTestId("reminder")).not.toBeInTheDocument();
  });

  it("refuses more than four weeks before the due without asking the API", async () => {
    const { user, calls } = await showNone(makeTask({ due_on: "2026-12-24" }));
    await addBeforeDue(user, "29", "days");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A reminder can be at most 4 weeks before the due.",
    );
    expect(posted(calls)).toEqual([]);
  });
});
