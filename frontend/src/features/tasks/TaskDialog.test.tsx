import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { json, makeProject, makeTask, mockApi, renderWith } from "@/test/utils";
import { toastMock } from "@/test/sonner";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { editor } from "./editor";
import { TaskDialog } from "./TaskDialog";
import { dueFields, dueOf } from "./taskForm";

beforeEach(() => setAccessToken("token"));
afterEach(() => act(() => editor.close()));

function openOn(task = makeTask({ title: "Book the venue", description: "Ask for a quote" })) {
  const { calls } = mockApi({
    "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/tasks/:id/reminders": () => json([]),
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

describe("the due day and time are checked before saving", () => {
  /** The editor on a task with no due, retitled, then `due` set (as a date or time input sets its
   * value: typed or picked) and saved. */
  async function savingWith(due: { day?: string; time?: string }) {
    const user = userEvent.setup();
    const { calls } = openOn(makeTask({ title: "Book the venue", due_on: null, due_date: null }));
    const title = await screen.findByLabelText("Title");
    await user.type(title, " hall");
    if (due.day !== undefined)
      fireEvent.change(screen.getByLabelText("Due day"), { target: { value: due.day } });
    if (due.time !== undefined)
      fireEvent.change(screen.getByLabelText("Time (optional)"), { target: { value: due.time } });
    await user.click(screen.getByRole("button", { name: "Save" }));
    return calls;
  }
  /** The error shows beside `label`'s input, which points at it; the dialog and the other edits
   * stay, and nothing was sent. */
  async function refusedAt(label: string, message: string, calls: { method: string }[]) {
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(message);
    const input = screen.getByLabelText(label);
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAttribute("aria-describedby", alert.id);
    expect(screen.getByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveValue("Book the venue hall");
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(calls.filter((c) => c.method !== "GET")).toHaveLength(0);
  }

  it("a five-digit year (Chromium's 20261-12-25) is refused in the form", async () => {
    const calls = await savingWith({ day: "20261-12-25" });
    await refusedAt("Due day", "Pick a day between 2 January 0001 and 30 December 9999", calls);
  });

  it("0001-01-01, a day the API refuses, is refused in the form", async () => {
    const calls = await savingWith({ day: "0001-01-01", time: "09:00" });
    await refusedAt("Due day", "Pick a day between 2 January 0001 and 30 December 9999", calls);
  });

  it("a time without a day asks for the day instead of saving no due", async () => {
    const calls = await savingWith({ time: "14:30" });
    await refusedAt("Time (optional)", "Pick a day for this time.", calls);
  });

  it("a half-typed day (empty to the form, a bad input to the browser) is not saved as no due", async () => {
    const user = userEvent.setup();
    const { calls } = openOn(makeTask({ due_on: "2026-12-03", due_date: null }));
    const day = await screen.findByLabelText("Due day");
    fireEvent.change(day, { target: { value: "" } });
    Object.defineProperty(day, "validity", { value: { badInput: true }, configurable: true });
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Enter a whole day");
    expect(screen.getByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    expect(calls.filter((c) => c.method !== "GET")).toHaveLength(0);
  });

  it("the day and its picker span the API's range, and a day in it saves", async () => {
    const user = userEvent.setup();
    const { calls } = openOn(makeTask({ due_on: null, due_date: null }));
    const day = await screen.findByLabelText("Due day");
    expect(day).toHaveAttribute("min", "0001-01-02");
    expect(day).toHaveAttribute("max", "9999-12-30");
    fireEvent.change(day, { target: { value: "9999-12-30" } });
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toEqual({
      due_on: "9999-12-30",
    });
  });
});

describe("due times in the first century", () => {
  it("a day in 0001–0099 with a time is saved in that year, not in 19xx, and reads back", () => {
    const due = dueOf({ dueDay: "0050-03-29", dueTime: "14:30" }, "Etc/GMT-5");
    expect(due).toEqual({ due_on: null, due_date: "0050-03-29T09:30:00.000Z" });
    expect(dueFields({ due_on: null, due_date: due.due_date ?? null }, "Etc/GMT-5")).toEqual({
      dueDay: "0050-03-29",
      dueTime: "14:30",
    });
  });
});

describe("the repeat editor", () => {
  const saved = async (calls: { method: string; body: string }[]) => {
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    return JSON.parse(calls.find((c) => c.method === "PATCH")!.body) as Record<string, unknown>;
  };

  it("weekly on toggled days saves the rule through the field-merge PATCH", async () => {
    const user = userEvent.setup();
    const { calls } = openOn(makeTask({ due_on: "2026-12-03", due_date: null }));
    await user.selectOptions(await screen.findByLabelText("Repeat"), "weekly");
    // Starts on the due day's weekday (a Thursday); add Monday.
    expect(screen.getByRole("button", { name: "Thursday" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    await user.click(screen.getByRole("button", { name: "Monday" }));
    expect(
      screen.getByText(
        "Repeats every Monday and Thursday. Completing it moves the due to the next date.",
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await saved(calls)).toEqual({ recurrence: "FREQ=WEEKLY;BYDAY=MO,TH" });
  });

  it("a rule the form cannot express shows raw and is saved untouched", async () => {
    const user = userEvent.setup();
    const rule = "FREQ=MONTHLY;BYDAY=2TU;COUNT=6";
    const { calls } = openOn(makeTask({ due_on: "2026-12-08", recurrence: rule }));
    expect(await screen.findByLabelText("Repeat")).toHaveValue("custom");
    expect(screen.getByLabelText("RRULE")).toHaveValue(rule);
    await user.type(screen.getByLabelText("Title"), "!");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await saved(calls)).not.toHaveProperty("recurrence");
  });

  it("a repeat without a due day is refused in the form, saying why", async () => {
    const user = userEvent.setup();
    const { calls } = openOn(makeTask({ due_on: null, due_date: null }));
    await user.selectOptions(await screen.findByLabelText("Repeat"), "daily");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("A repeating task needs a due day");
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  });
});

describe("an open editor follows the task as it changes elsewhere", () => {
  const Q = { sort: "-created_at" } as const;
  /** The editor open on `task`, held in a cached list; `arrive` puts a newer copy there (as a
   * live update's refetch or a change's answer does). */
  function openListed(task: Task) {
    const { calls } = mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": async (req) =>
        json({ ...task, ...(await req.json()), version: 9 }),
    });
    const { qc } = renderWith(<TaskDialog />);
    const list = (t: Task) =>
      qc.setQueryData<ListData>(taskKeys.list(Q), {
        pages: [{ items: [t], next_cursor: null }],
        pageParams: [null],
      });
    list(task);
    act(() => editor.openEdit(task));
    return { calls, arrive: (t: Task) => act(() => void list(t)) };
  }
  const patchOf = async (calls: { method: string; body: string; headers: Headers }[]) => {
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    return { body: JSON.parse(patch.body) as unknown, ifMatch: patch.headers.get("If-Match") };
  };

  /** The editor open on "Book the venue" (version 1), retitled "Book the hall", not saved yet. */
  async function retitling() {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the venue", priority: "medium", version: 1 });
    const opened = openListed(task);
    const title = await screen.findByLabelText("Title");
    await user.clear(title);
    await user.type(title, "Book the hall");
    return { ...opened, user, task, title };
  }

  it("a teammate's change shows in the fields not being edited, and the save builds on it", async () => {
    const { calls, arrive, user, task, title } = await retitling();
    arrive({ ...task, priority: "urgent", description: "Ask for a quote", version: 2 });
    await waitFor(() => expect(screen.getByLabelText("Priority")).toHaveValue("urgent"));
    expect(screen.getByLabelText("Description")).toHaveValue("Ask for a quote");
    expect(title).toHaveValue("Book the hall");
    await user.click(screen.getByRole("button", { name: "Save" }));
    // Only the user's own change, on the version shown: no 412, nothing of theirs sent back.
    expect(await patchOf(calls)).toEqual({ body: { title: "Book the hall" }, ifMatch: '"2"' });
  });

  it("a change to the very field being edited is not pulled in: the save meets the conflict", async () => {
    const { calls, arrive, user, task, title } = await retitling();
    arrive({ ...task, title: "Book the barn", priority: "urgent", version: 2 });
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(title).toHaveValue("Book the hall");
    expect(screen.getByLabelText("Priority")).toHaveValue("medium");
    await user.click(screen.getByRole("button", { name: "Save" }));
    // On the version the user started from: the 412 merge asks which title wins.
    expect(await patchOf(calls)).toEqual({ body: { title: "Book the hall" }, ifMatch: '"1"' });
  });

  it("opened again from the copy it was first opened with, it shows the newest one", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Book the venue", priority: "medium", version: 1 });
    const { calls, arrive } = openListed(task);
    await screen.findByLabelText("Title");
    arrive({ ...task, priority: "urgent", version: 2 });
    await waitFor(() => expect(screen.getByLabelText("Priority")).toHaveValue("urgent"));
    act(() => editor.close());
    act(() => editor.openEdit(task));
    await waitFor(() => expect(screen.getByLabelText("Priority")).toHaveValue("urgent"));
    await user.type(screen.getByLabelText("Title"), "!");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await patchOf(calls)).toEqual({ body: { title: "Book the venue!" }, ifMatch: '"2"' });
  });

  it("an untouched editor shows a skip's answer: the next occurrence, and Skip names it", async () => {
    // Skip names a due within a week by its weekday: "now" is fixed more than a week before the
    // 14th (a CI run on 8 December read "Skip Monday").
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    onTestFinished(() => void vi.useRealTimers());
    const task = makeTask({
      title: "Water the plants",
      due_on: "2026-12-07",
      recurrence: "FREQ=WEEKLY",
      version: 1,
    });
    const { arrive } = openListed(task);
    expect(await screen.findByLabelText("Due day")).toHaveValue("2026-12-07");
    arrive({ ...task, due_on: "2026-12-14", version: 2 });
    await waitFor(() => expect(screen.getByLabelText("Due day")).toHaveValue("2026-12-14"));
    expect(screen.getByRole("button", { name: /^Skip / })).toHaveTextContent(/14 Dec|Dec 14/);
  });
});

describe("the project field", () => {
  const WORK = "00000000-0000-4000-8000-00000000beef";

  it("a subtask shows its project, locked with the reason, and its other edits still save", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Scan the receipt", parent_id: "p", project_id: WORK });
    const { calls } = mockApi({
      "GET /api/v1/projects": () =>
        json({ items: [makeProject({ id: WORK, name: "Work" })], next_cursor: null }),
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id": () => json(makeTask({ id: "p", title: "Expenses" })),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": async (req) =>
        json({ ...task, ...(await req.json()), version: 2 }),
    });
    renderWith(<TaskDialog />);
    act(() => editor.openEdit(task));

    const project = await screen.findByRole("combobox", { name: "Project" });
    await waitFor(() => expect(project).toHaveValue(WORK));
    expect(project).toBeDisabled();
    expect(project).toHaveAccessibleDescription("A subtask is in its parent's project.");
    const title = screen.getByLabelText("Title");
    await user.clear(title);
    await user.type(title, "Scan both receipts");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body))).toEqual([
        { title: "Scan both receipts" },
      ]),
    );
  });
});

describe("a save the server refuses gives the form back", () => {
  // The API's 422 for a rule it does not take (errors.py): the detail names API fields.
  const hourly = () =>
    json(
      {
        type: "urn:taskapp:problem:validation-error",
        title: "Validation failed",
        status: 422,
        detail: "The request is invalid: body.recurrence.",
        errors: [
          {
            field: "body.recurrence",
            message: "must repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)",
            type: "value_error",
          },
        ],
      },
      422,
    );

  it("an edit: the editor opens again as the user left it, the field marked, and saves when fixed", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Water the plants", due_on: "2026-12-07", version: 1 });
    let refuse = true;
    const { calls } = mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": async (req) =>
        refuse ? hourly() : json({ ...task, ...(await req.json()), version: 2 }),
    });
    renderWith(<TaskDialog />);
    act(() => editor.openEdit(task));
    const title = await screen.findByLabelText("Title");
    await user.type(title, " on the balcony");
    await user.selectOptions(screen.getByLabelText("Repeat"), "custom");
    await user.clear(screen.getByLabelText("RRULE"));
    await user.type(screen.getByLabelText("RRULE"), "FREQ=HOURLY");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(
      await screen.findByText("Not saved: the server refused what is marked below."),
    ).toHaveAttribute("role", "alert");
    expect(screen.getByRole("dialog", { name: "Edit task" })).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveValue("Water the plants on the balcony");
    expect(screen.getByLabelText("RRULE")).toHaveValue("FREQ=HOURLY");
    expect(screen.getByText(/^Must repeat at most daily/)).toBeInTheDocument();
    // The marked field has the focus, not the title (which took it as the dialog opened).
    await waitFor(() => expect(screen.getByLabelText("Repeat")).toHaveFocus());
    expect(screen.getByLabelText("RRULE")).toHaveAttribute("aria-invalid", "true");
    // The form is unsaved work again: Esc asks before dropping it.
    await user.keyboard("{Escape}");
    await user.click(await screen.findByRole("button", { name: "Keep editing" }));

    refuse = false;
    await user.clear(screen.getByLabelText("RRULE"));
    await user.type(screen.getByLabelText("RRULE"), "FREQ=DAILY");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body))).toEqual([
        { title: "Water the plants on the balcony", recurrence: "FREQ=HOURLY" },
        { title: "Water the plants on the balcony", recurrence: "FREQ=DAILY" },
      ]),
    );
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("a new task: the editor opens again on it, saying why, on the day it was added on", async () => {
    const user = userEvent.setup();
    mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "POST /api/v1/tasks": () =>
        json(
          {
            title: "Service Unavailable",
            status: 503,
            detail: "The database is not reachable right now; try again shortly.",
          },
          503,
        ),
    });
    renderWith(<TaskDialog />);
    // Added from a planner day: the form starts due that day, which the user did not type.
    act(() => editor.openNew("2026-12-10"));
    await user.type(await screen.findByLabelText("Title"), "Call the plumber");
    await user.type(screen.getByLabelText("Description"), "Before Friday");
    await user.click(screen.getByRole("button", { name: "Add task" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Not saved: The database is not reachable right now; try again shortly.",
    );
    expect(screen.getByRole("dialog", { name: "New task" })).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveValue("Call the plumber");
    expect(screen.getByLabelText("Description")).toHaveValue("Before Friday");
    expect(screen.getByLabelText("Due day")).toHaveValue("2026-12-10");
  });

  it("completing a task with open subtasks: Cancel on the question gives back the other edits", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Move house", subtask_count: 2, version: 1 });
    mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": () =>
        json(
          {
            type: "urn:taskapp:problem:open-subtasks",
            title: "Open subtasks",
            status: 409,
            detail: "This task has 2 open subtasks.",
            open_subtasks: 2,
          },
          409,
        ),
    });
    renderWith(<TaskDialog />);
    act(() => editor.openEdit(task));
    await user.type(await screen.findByLabelText("Title"), " by March");
    await user.selectOptions(screen.getByLabelText("Status"), "done");
    await user.click(screen.getByRole("button", { name: "Save" }));

    const asked = () =>
      toastMock.mock.calls.find(([message]) => message === "Complete 2 open subtasks too?") as
        [string, { cancel: { onClick: () => void } }] | undefined;
    await waitFor(() => expect(asked()).toBeDefined());
    const [, options] = asked()!;
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    act(() => options.cancel.onClick());
    expect(await screen.findByLabelText("Title")).toHaveValue("Move house by March");
    expect(screen.getByLabelText("Status")).toHaveValue("done");
    expect(screen.getByText(/^Not saved: This task has 2 open subtasks/)).toBeInTheDocument();
  });

  it("while the editor shows another task, a toast offers the refused edit back", async () => {
    const user = userEvent.setup();
    const first = makeTask({ title: "Water the plants", due_on: "2026-12-07", version: 1 });
    const second = makeTask({ title: "Feed the cat", version: 1 });
    let answer: (r: Response) => void = () => {};
    mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": () => new Promise<Response>((r) => (answer = r)),
    });
    renderWith(<TaskDialog />);
    act(() => editor.openEdit(first));
    await user.type(await screen.findByLabelText("Title"), " twice");
    await user.click(screen.getByRole("button", { name: "Save" }));
    act(() => editor.openEdit(second));
    expect(await screen.findByLabelText("Title")).toHaveValue("Feed the cat");
    await act(async () => answer(await hourly()));

    await waitFor(() => expect(toastMock.error).toHaveBeenCalled());
    const [message, options] = toastMock.error.mock.lastCall as [
      string,
      { action: { label: string; onClick: () => void }; duration: number },
    ];
    expect(message).toBe("Could not save “Water the plants”");
    expect(options.duration).toBe(Infinity);
    // Not taken over: the editor still shows the task being edited now.
    expect(screen.getByLabelText("Title")).toHaveValue("Feed the cat");
    expect(options.action.label).toBe("Edit again");
    act(() => options.action.onClick());
    expect(await screen.findByLabelText("Title")).toHaveValue("Water the plants twice");
    expect(screen.getByText(/^Not saved/)).toHaveAttribute("role", "alert");
  });

  it("given back later, only the user's own edits come back: a change made since stays", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Water the plants", priority: "medium", version: 1 });
    const other = makeTask({ title: "Feed the cat", version: 1 });
    let answer: (r: Response) => void = () => {};
    mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/tasks/:id/reminders": () => json([]),
      "PATCH /api/v1/tasks/:id": () => new Promise<Response>((r) => (answer = r)),
    });
    const { qc } = renderWith(<TaskDialog />);
    const list = (t: Task) =>
      qc.setQueryData<ListData>(taskKeys.list({ sort: "-created_at" }), {
        pages: [{ items: [t], next_cursor: null }],
        pageParams: [null],
      });
    list(task);
    act(() => editor.openEdit(task));
    await user.type(await screen.findByLabelText("Title"), " twice");
    await user.click(screen.getByRole("button", { name: "Save" }));
    act(() => editor.openEdit(other));
    await act(async () => answer(await hourly()));
    // Meanwhile the task is made urgent (from the list, another tab, a teammate).
    act(() => void list({ ...task, priority: "urgent", version: 2 }));

    await waitFor(() => expect(toastMock.error).toHaveBeenCalled());
    const [, options] = toastMock.error.mock.lastCall as [
      string,
      { action: { onClick: () => void } },
    ];
    act(() => options.action.onClick());
    expect(await screen.findByLabelText("Title")).toHaveValue("Water the plants twice");
    // The priority the user never touched is the task's now, not the one the form showed then.
    expect(screen.getByLabelText("Priority")).toHaveValue("urgent");
  });
});
