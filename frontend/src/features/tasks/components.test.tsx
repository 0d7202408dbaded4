import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { Route, Routes, useLocation } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import { SearchBox } from "./FilterBar";
import { LabelInput } from "./LabelInput";
import { describeRecurrence } from "./recurrence";
import { diffTask, dueForCreate, taskFormSchema, toFormValues } from "./taskForm";
import { TaskItem } from "./TaskItem";
import TaskListPage from "./TaskListPage";

beforeEach(() => setAccessToken("token"));

function LabelHarness({ initial = [] as string[] }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <label htmlFor="labels">Labels</label>
      <LabelInput
        id="labels"
        value={value}
        onChange={setValue}
        suggestions={["work", "home", "errands"]}
      />
      <output data-testid="value">{value.join(",")}</output>
    </>
  );
}

describe("LabelInput", () => {
  it("adds typed labels on Enter and comma, and removes the last with Backspace", async () => {
    const user = userEvent.setup();
    renderWith(<LabelHarness />);
    const input = screen.getByRole("combobox", { name: "Labels" });
    await user.type(input, "garden{Enter}");
    await user.type(input, "tools,");
    expect(screen.getByTestId("value")).toHaveTextContent("garden,tools");
    await user.type(input, "{Backspace}");
    expect(screen.getByTestId("value")).toHaveTextContent(/^garden$/);
  });

  it("autocompletes from existing labels with the arrow keys", async () => {
    const user = userEvent.setup();
    renderWith(<LabelHarness initial={["work"]} />);
    const input = screen.getByRole("combobox", { name: "Labels" });
    await user.type(input, "e");
    const options = screen.getAllByRole("option").map((o) => o.textContent);
    expect(options).toEqual(["#home", "#errands"]); // "work" is already chosen
    await user.keyboard("{ArrowDown}{Enter}");
    expect(screen.getByTestId("value")).toHaveTextContent("work,errands");
    await user.click(screen.getByRole("button", { name: "Remove label work" }));
    expect(screen.getByTestId("value")).toHaveTextContent(/^errands$/);
  });
});

describe("SearchBox", () => {
  it("debounces typing into one search", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const onSearch = vi.fn();
    renderWith(<SearchBox value="" onSearch={onSearch} />);
    const input = screen.getByRole("searchbox", { name: "Search tasks" });
    for (const text of ["r", "re", "rep", "report"])
      fireEvent.change(input, { target: { value: text } });
    expect(onSearch).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(350));
    expect(onSearch).toHaveBeenCalledTimes(1);
    expect(onSearch).toHaveBeenCalledWith("report");
    vi.useRealTimers();
  });
});

describe("diffTask", () => {
  it("sends only the fields the user changed", () => {
    const task = makeTask({ title: "Plan trip", labels: ["travel"], description: "Rome" });
    const base = {
      title: "Plan trip",
      description: "Rome",
      status: "pending" as const,
      priority: "medium" as const,
      dueDay: "",
      dueTime: "",
      labels: ["travel"],
      recurrence: "",
      projectId: task.project_id,
    };
    const tz = "Europe/Berlin";
    expect(diffTask(task, base, tz)).toEqual({});
    const work = "00000000-0000-4000-8000-00000000beef";
    expect(diffTask(task, { ...base, projectId: work }, tz)).toEqual({ project_id: work });
    expect(diffTask(task, { ...base, priority: "high", description: "  " }, tz)).toEqual({
      priority: "high",
      description: null,
    });
    expect(
      diffTask(
        task,
        { ...base, labels: ["travel", "family"], dueDay: "2026-06-01", dueTime: "09:00" },
        tz,
      ),
    ).toEqual({
      labels: ["travel", "family"],
      due_date: "2026-06-01T07:00:00.000Z", // 09:00 in Berlin's summer time
    });
  });
});

describe("due day or due time in the editor (issue 18, defect 2)", () => {
  const tz = "America/New_York";
  const form = (t: ReturnType<typeof makeTask>) => toFormValues(t, tz);

  it("a date without a time is a due day, not dropped", () => {
    const task = makeTask({ due_date: null, due_on: null });
    expect(diffTask(task, { ...form(task), dueDay: "2026-12-24" }, tz)).toEqual({
      due_on: "2026-12-24",
    });
    expect(dueForCreate({ ...form(task), dueDay: "2026-12-24" }, tz)).toEqual({
      due_on: "2026-12-24",
    });
  });

  it("shows a due time in the user's zone and moves between day and time", () => {
    // 03:30 UTC on the 2nd is 22:30 on the 1st in New York.
    const timed = makeTask({ due_date: "2026-12-02T03:30:00Z", due_on: null });
    expect(form(timed)).toMatchObject({ dueDay: "2026-12-01", dueTime: "22:30" });
    expect(diffTask(timed, form(timed), tz)).toEqual({});
    expect(diffTask(timed, { ...form(timed), dueTime: "" }, tz)).toEqual({ due_on: "2026-12-01" });
    const day = makeTask({ due_on: "2026-12-01", due_date: null });
    expect(form(day)).toMatchObject({ dueDay: "2026-12-01", dueTime: "" });
    expect(diffTask(day, { ...form(day), dueTime: "08:15" }, tz)).toEqual({
      due_date: "2026-12-01T13:15:00.000Z",
    });
  });

  it("clears whichever due there was, and a repeat with it; a repeat alone is refused", () => {
    const day = makeTask({ due_on: "2026-12-01", due_date: null });
    expect(diffTask(day, { ...form(day), dueDay: "" }, tz)).toEqual({ due_on: null });
    const repeating = makeTask({
      due_date: "2026-12-02T03:30:00Z",
      due_on: null,
      recurrence: "FREQ=WEEKLY;BYDAY=MO",
    });
    const cleared = { ...form(repeating), dueDay: "", dueTime: "" };
    expect(taskFormSchema.safeParse(cleared).error?.issues).toMatchObject([
      { path: ["recurrence"], message: expect.stringMatching(/needs a due day/) },
    ]);
    expect(diffTask(repeating, { ...cleared, recurrence: "" }, tz)).toEqual({
      due_date: null,
      recurrence: null,
    });
  });

  it("says how a task repeats", () => {
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=MO")).toBe("Repeats every Monday");
    expect(describeRecurrence("FREQ=WEEKLY;INTERVAL=2")).toBe("Repeats every 2 weeks");
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")).toBe("Repeats every weekday");
    expect(describeRecurrence("FREQ=MONTHLY;BYMONTHDAY=-1")).toBe(
      "Repeats every month on the last day",
    );
    expect(describeRecurrence("FREQ=WEEKLY;BYDAY=MO,TH")).toBe("Repeats every Monday and Thursday");
    expect(describeRecurrence("FREQ=HOURLY")).toBe("Repeats: FREQ=HOURLY");
  });
});

describe("TaskItem", () => {
  it("shows a due day (all day): its date, overdue only once the day is over", () => {
    vi.useFakeTimers({ now: new Date(2026, 11, 1, 15, 0), toFake: ["Date"] });
    renderWith(
      <ul>
        <TaskItem task={makeTask({ title: "Pay rent", due_on: "2026-12-01", due_date: null })} />
        <TaskItem task={makeTask({ title: "Tax", due_on: "2026-11-30", due_date: null })} />
      </ul>,
    );
    const rows = screen.getAllByTestId("task-item");
    expect(rows[0]).toHaveTextContent(/Today$/);
    expect(rows[0]).not.toHaveTextContent("Overdue");
    expect(rows[1]).toHaveTextContent("Overdue: Yesterday");
    vi.useRealTimers();
  });

  it("completes a task with one click, sending the status with If-Match", async () => {
    const user = userEvent.setup();
    const task = makeTask({ title: "Pay rent", version: 4 });
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": () => json({ ...task, status: "done", version: 5 }),
    });
    renderWith(
      <ul>
        <TaskItem task={task} />
      </ul>,
    );
    await user.click(screen.getByRole("checkbox", { name: "Complete “Pay rent”" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(patch.body)).toEqual({ status: "done" });
    expect(patch.headers.get("If-Match")).toBe('"4"');
  });

  it("makes overdue tasks stand out, also for screen readers", () => {
    const task = makeTask({
      title: "File taxes",
      due_date: new Date(Date.now() - 86_400_000 * 3).toISOString(),
    });
    renderWith(
      <ul>
        <TaskItem task={task} />
      </ul>,
    );
    expect(screen.getByText("This task is overdue.")).toBeInTheDocument();
    expect(screen.getByText("Overdue:", { exact: false }).closest("[title]")).toHaveClass(
      "text-red-700",
    );
  });
});

function LocationProbe() {
  const l = useLocation();
  return <output data-testid="location">{l.pathname + l.search}</output>;
}

/** The task list page at `route`, with the current URL shown in the `location` test id. */
const showListPage = (route: string) =>
  renderWith(
    <Routes>
      <Route
        path="/tasks"
        element={
          <>
            <TaskListPage />
            <LocationProbe />
          </>
        }
      />
    </Routes>,
    { route },
  );

describe("TaskListPage", () => {
  it("loads the list with the filters from the URL and shows the tasks", async () => {
    const { calls } = mockApi({
      "GET /api/v1/tasks": () =>
        json({
          items: [makeTask({ title: "Fix the bike", priority: "urgent", labels: ["home"] })],
          next_cursor: null,
        }),
    });
    showListPage("/tasks?priority=urgent&q=bike&sort=title");
    const list = await screen.findByRole("list", { name: "Tasks" });
    expect(within(list).getByText("Fix the bike")).toBeInTheDocument();
    const listCall = calls.find((c) => c.path === "/api/v1/tasks" && c.search.includes("q=bike"))!;
    const params = new URLSearchParams(listCall.search);
    expect(params.getAll("priority")).toEqual(["urgent"]);
    expect(params.get("q")).toBe("bike");
    expect(params.get("sort")).toBe("title");
    expect(screen.getByRole("button", { name: "Urgent" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByText("1 task matches")).toBeInTheDocument();
  });

  it("toggling a filter chip updates the URL and refetches", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    });
    showListPage("/tasks");
    expect(await screen.findByText("All clear")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Overdue" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/tasks?overdue=true");
    expect(await screen.findByText("No tasks match these filters")).toBeInTheDocument();
    expect(calls.some((c) => c.search.includes("overdue=true"))).toBe(true);
  });

  it("a search that finds nothing open offers to include the completed tasks", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "GET /api/v1/tasks": (req) =>
        json({
          items: new URL(req.url).searchParams.has("status")
            ? []
            : [makeTask({ title: "Renew the passport", status: "done" })],
          next_cursor: null,
        }),
    });
    showListPage("/tasks?q=passport");
    expect(await screen.findByText("No tasks match these filters")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Include completed tasks" }));
    expect(screen.getByTestId("location")).toHaveTextContent("/tasks?q=passport&show_done=true");
    expect(await screen.findByText("Renew the passport")).toBeInTheDocument();
    expect(calls.filter((c) => c.path === "/api/v1/tasks").length).toBe(2);
  });

  it("on a phone, Select makes a tap pick a row for the bulk bar, and Cancel ends it", async () => {
    const user = userEvent.setup();
    const titles = ["Water the plants", "Pay rent", "Call Sam"];
    mockApi({
      "GET /api/v1/tasks": () =>
        json({ items: titles.map((title) => makeTask({ title })), next_cursor: null }),
      "GET /api/v1/projects": () => json({ items: [], next_cursor: null }),
    });
    showListPage("/tasks");
    await user.click(await screen.findByRole("button", { name: "Select" }));
    expect(screen.getByText("Tap tasks to select them.")).toHaveAttribute("role", "status");

    await user.click(screen.getByRole("button", { name: "Select “Pay rent”" }));
    await user.click(screen.getByRole("button", { name: "Select “Call Sam”" }));
    expect(screen.getByRole("button", { name: "Select “Pay rent”" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    expect(
      await screen.findByRole("toolbar", { name: "Bulk actions for 2 selected tasks" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument(); // a tap opened no editor

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("toolbar")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Edit “Pay rent”" })).toBeInTheDocument();
  });

  it("shows an error state with a retry when the list cannot load", async () => {
    const user = userEvent.setup();
    let fail = true;
    mockApi({
      "GET /api/v1/tasks": () =>
        fail
          ? json({ title: "Service Unavailable", status: 503, detail: "Database is down" }, 503)
          : json({ items: [], next_cursor: null }),
    });
    showListPage("/tasks");
    expect(await screen.findByText("Database is down", {}, { timeout: 5000 })).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("All clear")).toBeInTheDocument();
  });

  it("walks the API's cursor pages when more tasks are requested", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "GET /api/v1/tasks": (req) => {
        const cursor = new URL(req.url).searchParams.get("cursor");
        return cursor === "page-2"
          ? json({ items: [makeTask({ title: "Second page task" })], next_cursor: null })
          : json({ items: [makeTask({ title: "First page task" })], next_cursor: "page-2" });
      },
    });
    showListPage("/tasks");
    expect(await screen.findByText("First page task")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Second page task")).toBeInTheDocument();
    expect(screen.getByText("First page task")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    expect(calls.some((c) => c.search.includes("cursor=page-2"))).toBe(true);
  });
});
