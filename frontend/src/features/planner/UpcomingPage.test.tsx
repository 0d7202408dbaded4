import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { browserZone } from "@/lib/dates";
import { json, makeTask, mockApi, renderWith } from "@/test/utils";
import type { Agenda } from "./api";
import { UPCOMING_DAYS } from "./agenda";
import { addDays, localToday } from "./dayMath";
import UpcomingPage from "./UpcomingPage";

beforeEach(() => setAccessToken("token"));

/** An agenda API over `tasks` (each due on a day): GET groups them by day, PATCH moves one. */
function serveAgenda(tasks: Task[]) {
  const today = localToday(browserZone());
  const agenda = (): Agenda => ({
    days: Array.from({ length: UPCOMING_DAYS }, (_, i) => {
      const date = addDays(today, i);
      return { date, repeats: [], tasks: tasks.filter((t) => t.due_on === date) };
    }),
    repeating: [],
    time_zone: browserZone(),
  });
  return mockApi({
    "GET /api/v1/tasks/agenda": () => json(agenda()),
    "PATCH /api/v1/tasks/:id": async (req) => {
      const i = tasks.findIndex((t) => req.url.endsWith(t.id));
      const task = tasks[i]!;
      if (req.headers.get("If-Match") !== `"${task.version}"`)
        return json({ title: "Precondition Failed", status: 412, detail: "changed" }, 412);
      tasks[i] = { ...task, ...(await req.json()), version: task.version + 1 };
      return json(tasks[i]);
    },
    "GET /api/v1/tasks/:id": (req) => json(tasks.find((t) => req.url.endsWith(t.id))),
  });
}

/** What ArrowDown does to a focused, closed menu: it picks the option after the shown one. */
function arrowDown(select: HTMLSelectElement) {
  fireEvent.change(select, { target: { value: select.options[select.selectedIndex + 1]!.value } });
}

describe("Upcoming's Move to menu", () => {
  it("goes on from the day just chosen when arrowed again before the row moves", async () => {
    const today = localToday(browserZone());
    const store = [makeTask({ title: "Water the plants", due_on: today })];
    const { calls } = serveAgenda(store);
    const { container } = renderWith(<UpcomingPage />);
    const menu = await screen.findByLabelText<HTMLSelectElement>(
      "Move “Water the plants” to another day",
    );

    // Two presses in a row: the agenda re-renders (and the row moves) only after both.
    arrowDown(menu);
    expect(menu).toHaveValue(addDays(today, 1));
    arrowDown(menu);

    const dayAfter = addDays(today, 2);
    await waitFor(() => expect(store[0]!.due_on).toBe(dayAfter));
    await waitFor(() =>
      expect(container.querySelector(`section[data-day="${dayAfter}"]`)).toHaveTextContent(
        "Water the plants",
      ),
    );
    // Each press's day, in order (a change that met a 412 and was merged is sent again).
    const days = calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body).due_on);
    expect([...new Set(days)]).toEqual([addDays(today, 1), dayAfter]);
  });
});
