// Apart from days.ts: the zone arithmetic (@date-fns/tz) loads with Upcoming only, not Today.
import { TZDate } from "@date-fns/tz";
import type { Task, TaskUpdate } from "@/api/types";
import { parts } from "./days";

/**
 * The change that moves a task to `day`: a due day becomes that day; a due time keeps its clock
 * time in the user's zone (09:30 stays 09:30 across a DST change), unless that time on `day` is
 * past at `now`: then it becomes a due day, so a move to today never leaves a task overdue; no
 * due gives a due day.
 */
export function rescheduleTo(
  task: Pick<Task, "due_date">,
  day: string,
  timeZone: string,
  now = new Date(),
): TaskUpdate {
  if (!task.due_date) return { due_on: day };
  const wall = new TZDate(task.due_date, timeZone);
  const [y, m, d] = parts(day);
  const moved = new TZDate(
    y,
    m - 1,
    d,
    wall.getHours(),
    wall.getMinutes(),
    wall.getSeconds(),
    timeZone,
  );
  if (moved.getTime() < now.getTime()) return { due_on: day, due_date: null };
  return { due_date: new Date(moved.getTime()).toISOString() };
}
