import { describe, expect, it } from "vitest";
import type { Task } from "@/api/types";
import { addDays, dayLabel, dayOf, localToday } from "./dayMath";
import {
  firstDayOfWeek,
  monthGrid,
  monthRange,
  shiftMonth,
  weekdayNames,
  weekStartDay,
} from "./month";
import { makeTask } from "@/test/utils";
import { moveInAgenda, placeInToday, repeatsByDay, replaceInAgenda, withinDay } from "./agenda";
import { rescheduleTo } from "./reschedule";

describe("planner days", () => {
  it("counts calendar days across month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("reads today and an instant's day in the user's zone, not the browser's", () => {
    const now = new Date("2026-12-01T23:30:00Z");
    expect(localToday("Europe/Berlin", now)).toBe("2026-12-02");
    expect(localToday("America/New_York", now)).toBe("2026-12-01");
    expect(dayOf("2026-12-01T23:30:00Z", "Asia/Tokyo")).toBe("2026-12-02");
  });

  it("moves a due day to the new day and a due time to the same clock time, across DST", () => {
    const before = new Date("2026-12-01T00:00:00Z"); // every new time below is still ahead
    expect(rescheduleTo({ due_date: null }, "2027-01-05", "Europe/Berlin", before)).toEqual({
      due_on: "2027-01-05",
    });
    // 09:30 in Berlin in winter (UTC+1) moved past the March change stays 09:30 (now UTC+2).
    expect(
      rescheduleTo({ due_date: "2027-03-26T08:30:00Z" }, "2027-03-29", "Europe/Berlin", before),
    ).toEqual({ due_date: "2027-03-29T07:30:00.000Z" });
    // Late evening in New York is the next day in UTC: the local day is what moves.
    expect(
      rescheduleTo({ due_date: "2026-12-02T03:00:00Z" }, "2026-12-05", "America/New_York", before),
    ).toEqual({ due_date: "2026-12-06T03:00:00.000Z" });
  });

  it("makes a due time that is already past on the new day a due day, so it is not overdue", () => {
    const now = new Date("2026-12-01T14:00:00Z"); // 15:00 in Berlin
    const at = (due_date: string) => rescheduleTo({ due_date }, "2026-12-01", "Europe/Berlin", now);
    expect(at("2026-11-30T08:00:00Z")).toEqual({ due_on: "2026-12-01", due_date: null });
    expect(at("2026-11-30T17:00:00Z")).toEqual({ due_date: "2026-12-01T17:00:00.000Z" });
  });

  it("names days relative to today", () => {
    expect(dayLabel("2026-12-01", "2026-12-01")).toBe("Today");
    expect(dayLabel("2026-12-02", "2026-12-01")).toBe("Tomorrow");
    expect(dayLabel("2026-12-03", "2026-12-01", "en-GB")).toBe("Thursday 3 December");
    expect(dayLabel("2026-12-03", "2026-12-01", "en-GB", true)).toBe("Thu 3 Dec");
    expect(dayLabel("2026-12-02", "2026-12-01", "en-GB", true)).toBe("Tomorrow");
  });

  const decemberDays = (first: number, last: number) =>
    Array.from(
      { length: last - first + 1 },
      (_, i) => `2026-12-${String(first + i).padStart(2, "0")}`,
    );

  it("lays a month out in Monday-first weeks and asks the agenda for exactly that month", () => {
    expect(monthRange("2027-02")).toEqual({ from: "2027-02-01", to: "2027-02-28" });
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2027-01", -1)).toBe("2026-12");
    const grid = monthGrid("2026-12"); // 1 December 2026 is a Tuesday
    expect(grid[0]).toEqual([null, ...Array.from({ length: 6 }, (_, i) => `2026-12-0${i + 1}`)]);
    expect(grid.flat().filter(Boolean)).toHaveLength(31);
    expect(grid.every((w) => w.length === 7)).toBe(true);
    expect(grid.at(-1)).toEqual([
      "2026-12-28",
      "2026-12-29",
      "2026-12-30",
      "2026-12-31",
      null,
      null,
      null,
    ]);
  });

  it("starts the weeks where the language does: Sunday in en-US, Saturday in ar-EG", () => {
    expect(firstDayOfWeek("en-GB")).toBe(1);
    expect(firstDayOfWeek("en-US")).toBe(7);
    expect(firstDayOfWeek("ar-EG")).toBe(6);
    expect(firstDayOfWeek("not a tag")).toBe(1);
    expect(weekdayNames(1, "en-GB")).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(weekdayNames(7, "en-US")).toEqual(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
    // 1 December 2026 is a Tuesday: two days in on Sunday-first weeks, three on Saturday-first.
    expect(monthGrid("2026-12", 7)[0]).toEqual([null, null, "2026-12-01", ...decemberDays(2, 5)]);
    expect(monthGrid("2026-12", 6)[0]).toEqual([
      null,
      null,
      null,
      "2026-12-01",
      ...decemberDays(2, 4),
    ]);
    expect(monthGrid("2026-12", 7).at(-1)).toEqual([...decemberDays(27, 31), null, null]);
    // The user's choice wins over the language; none leaves it to the language (jsdom: en-US).
    expect([weekStartDay("monday"), weekStartDay("saturday"), weekStartDay("sunday")]).toEqual([
      1, 6, 7,
    ]);
    expect(weekStartDay(null)).toBe(firstDayOfWeek());
    // A month that starts on the week's first day has no empty cell before it.
    expect(monthGrid("2026-11", 7)[0]).toEqual(
      decemberDays(1, 7).map((d) => d.replace("-12-", "-11-")),
    );
  });
});

describe("the optimistic move in Upcoming", () => {
  it("takes the task off its day and puts it on the new one, the rest untouched", () => {
    const a = makeTask({ id: "a", title: "A" });
    const b = makeTask({ id: "b", title: "B" });
    const agenda = {
      time_zone: "UTC",
      days: [
        { date: "2026-12-01", tasks: [a, b], repeats: [] },
        { date: "2026-12-02", tasks: [], repeats: [] },
      ],
      repeating: [],
    };
    const moved = moveInAgenda(agenda, a, "2026-12-02");
    expect(moved.days.map((d) => d.tasks.map((t) => t.id))).toEqual([["b"], ["a"]]);
    expect(agenda.days[0]!.tasks).toHaveLength(2); // the cached value is not mutated
  });

  it("drops a moved repeating task's later occurrences until the server projects them again", () => {
    const gym = makeTask({ id: "gym", title: "Gym", recurrence: "FREQ=DAILY" });
    const other = makeTask({ id: "other", title: "Read", recurrence: "FREQ=DAILY" });
    const repeat = (task_id: string, due_on: string) => ({ task_id, due_on, due_date: null });
    const agenda = {
      time_zone: "UTC",
      days: [
        { date: "2026-12-01", tasks: [gym, other], repeats: [] },
        {
          date: "2026-12-02",
          tasks: [],
          repeats: [repeat("gym", "2026-12-02"), repeat("other", "2026-12-02")],
        },
      ],
      repeating: [gym, other],
    };
    const moved = moveInAgenda(agenda, gym, "2026-12-02");
    expect(moved.days[1]!.tasks.map((t) => t.id)).toEqual(["gym"]);
    expect(moved.days[1]!.repeats.map((r) => r.task_id)).toEqual(["other"]);
  });
});

describe("a repeating task's later occurrences", () => {
  it("are put on their days with their tasks; one whose task is missing is left out", () => {
    const gym = makeTask({ id: "gym", title: "Gym", recurrence: "FREQ=WEEKLY" });
    const byDay = repeatsByDay({
      time_zone: "UTC",
      days: [
        { date: "2026-12-01", tasks: [], repeats: [] },
        {
          date: "2026-12-08",
          tasks: [],
          repeats: [
            { task_id: "gym", due_on: null, due_date: "2026-12-08T07:00:00Z" },
            { task_id: "gone", due_on: "2026-12-08", due_date: null },
          ],
        },
      ],
      repeating: [gym],
    });
    expect(byDay.get("2026-12-01")).toEqual([]);
    expect(byDay.get("2026-12-08")).toEqual([
      { task: gym, due_on: null, due_date: "2026-12-08T07:00:00Z" },
    ]);
  });
});

describe("a changed task shown before the server answers", () => {
  const day = "2026-12-07";
  const allDay = (id: string, priority: Task["priority"]) =>
    makeTask({ id, title: id, due_on: day, priority });
  const at = (id: string, due_date: string, priority: Task["priority"] = "medium") =>
    makeTask({ id, title: id, due_date, priority });
  const ids = (tasks: Task[]) => tasks.map((t) => t.id);

  it("goes where the server sorts it: due days first, then by time, the most urgent first, then by id", () => {
    const tasks = [
      at("t-late", "2026-12-07T15:00:00Z", "urgent"),
      at("t-early", "2026-12-07T08:00:00.000Z", "low"), // as a move writes it, with milliseconds
      allDay("b-medium", "medium"),
      allDay("a-medium", "medium"),
      allDay("c-urgent", "urgent"),
      at("t-early-urgent", "2026-12-07T08:00:00Z", "urgent"),
    ];
    expect(ids([...tasks].sort(withinDay))).toEqual([
      "c-urgent",
      "a-medium",
      "b-medium",
      "t-early-urgent",
      "t-early",
      "t-late",
    ]);
  });

  it("re-sorts its day when its priority changes, and keeps its later occurrences", () => {
    const gym = makeTask({ id: "gym", due_on: day, priority: "low", recurrence: "FREQ=DAILY" });
    const read = allDay("read", "high");
    const agenda = {
      time_zone: "UTC",
      days: [
        { date: day, tasks: [read, gym], repeats: [] },
        {
          date: "2026-12-08",
          tasks: [],
          repeats: [{ task_id: "gym", due_on: "2026-12-08", due_date: null }],
        },
      ],
      repeating: [gym],
    };
    const urgent = { ...gym, priority: "urgent" as const };
    const shown = replaceInAgenda(agenda, urgent);
    expect(ids(shown.days[0]!.tasks)).toEqual(["gym", "read"]);
    expect(shown.days[1]!.repeats).toEqual(agenda.days[1]!.repeats);
    expect(shown.repeating).toEqual([urgent]);
  });

  it("on Today: joins today from overdue in order, stays in its group on its day, leaves for another day", () => {
    const late = makeTask({ id: "late", due_on: "2026-12-05", priority: "high" });
    const older = makeTask({ id: "older", due_on: "2026-12-01" });
    const view = {
      date: day,
      time_zone: "UTC",
      overdue: [older, late],
      today: [allDay("urgent", "urgent"), allDay("low", "low")],
    };
    const toToday = placeInToday(view, { ...late, due_on: day }, day, false);
    expect(ids(toToday.overdue)).toEqual(["older"]);
    expect(ids(toToday.today)).toEqual(["urgent", "late", "low"]);

    const raised = placeInToday(view, { ...older, priority: "urgent" }, "2026-12-01", true);
    expect(ids(raised.overdue)).toEqual(["older", "late"]);
    expect(raised.overdue[0]!.priority).toBe("urgent");
    const low = view.today[1]!;
    expect(ids(placeInToday(view, { ...low, priority: "urgent" }, day, true).today)).toEqual([
      "low",
      "urgent",
    ]);

    const away = placeInToday(view, { ...low, due_on: "2026-12-09" }, "2026-12-09", false);
    expect(ids(away.today)).toEqual(["urgent"]);
  });
});
