import type { QueryClient } from "@tanstack/react-query";
import type { Priority, Task } from "@/api/types";
import { taskDueDay } from "@/lib/dates";
import { plannerKeys, type Agenda, type Today } from "./api";

export const UPCOMING_DAYS = 14;

/** A later occurrence of a repeating task: the task, and the due it would roll to. */
export type Occurrence = { task: Task; due_on: string | null; due_date: string | null };

/** Each day's later occurrences of repeating tasks, with their tasks (`agenda.repeating`). */
export function repeatsByDay(agenda: Agenda): Map<string, Occurrence[]> {
  const tasks = new Map(agenda.repeating.map((t) => [t.id, t]));
  return new Map(
    agenda.days.map((d) => [
      d.date,
      d.repeats.flatMap(({ task_id, due_on, due_date }) => {
        const task = tasks.get(task_id);
        return task ? [{ task, due_on, due_date }] : [];
      }),
    ]),
  );
}

const URGENCY: Record<Priority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/**
 * The server's order within a day (`_within_day` in tasks/agenda.py): due days first, then by
 * time of day, the most urgent first within either, then by id. A task shown before the server
 * answers goes where the answer will put it.
 */
export function withinDay(a: Task, b: Task): number {
  return (
    Number(a.due_on === null) - Number(b.due_on === null) ||
    Date.parse(a.due_date ?? "0") - Date.parse(b.due_date ?? "0") ||
    URGENCY[b.priority] - URGENCY[a.priority] ||
    (a.id < b.id ? -1 : Number(a.id > b.id))
  );
}

/**
 * The agenda with `task` taken off its day and put on `day`, in the day's order (the optimistic
 * move; `null` or a day outside the agenda: off it). Its later occurrences go until the server's
 * answer, which projects them from the new due.
 */
export function moveInAgenda(agenda: Agenda, task: Task, day: string | null): Agenda {
  return {
    ...agenda,
    days: agenda.days.map((d) => {
      const tasks = d.tasks.filter((t) => t.id !== task.id);
      return {
        ...d,
        tasks: d.date === day ? [...tasks, task].sort(withinDay) : tasks,
        repeats: d.repeats.filter((r) => r.task_id !== task.id),
      };
    }),
  };
}

/** The agenda with `task` changed on the day it is on (its priority, say): re-sorted there; its
 * later occurrences stay, as they carry no priority. */
export function replaceInAgenda(agenda: Agenda, task: Task): Agenda {
  const swap = (t: Task) => (t.id === task.id ? task : t);
  return {
    ...agenda,
    days: agenda.days.map((d) =>
      d.tasks.some((t) => t.id === task.id)
        ? { ...d, tasks: d.tasks.map(swap).sort(withinDay) }
        : d,
    ),
    repeating: agenda.repeating.map(swap),
  };
}

/**
 * Today's view with `task` changed: on the same day as before it stays in its group (overdue
 * keeps the server's order, today is re-sorted); moved to another `day`, it joins today if that
 * is today (`t`) and leaves otherwise.
 */
export function placeInToday(view: Today, task: Task, day: string | null, sameDay: boolean): Today {
  const swap = (t: Task) => (t.id === task.id ? task : t);
  if (sameDay)
    return {
      ...view,
      overdue: view.overdue.map(swap),
      today: view.today.map(swap).sort(withinDay),
    };
  const others = (list: Task[]) => list.filter((t) => t.id !== task.id);
  const today = others(view.today);
  return {
    ...view,
    overdue: others(view.overdue),
    today: day === view.date ? [...today, task].sort(withinDay) : today,
  };
}

/**
 * A change to one task shown at once in the planner's cached days (Today, Upcoming, the
 * Calendar's months), as the lists show it: the task keys (t, 1–4) on a planner page. The write
 * settling refetches them (resync in tasks/mutations.ts), so the server's answer, or a failure,
 * replaces what is shown here.
 */
export function showInPlanner(qc: QueryClient, before: Task, after: Task, timeZone: string) {
  const day = taskDueDay(after, timeZone);
  const sameDay = taskDueDay(before, timeZone) === day;
  const agendas = { queryKey: [...plannerKeys.all, "agenda"] };
  // A read already on its way was answered without this change: dropped, as a move's is.
  void qc.cancelQueries(agendas);
  void qc.cancelQueries({ queryKey: plannerKeys.today() });
  qc.setQueriesData<Agenda>(
    agendas,
    (a) => a && (sameDay ? replaceInAgenda(a, after) : moveInAgenda(a, after, day)),
  );
  qc.setQueryData<Today>(plannerKeys.today(), (v) => v && placeInToday(v, after, day, sameDay));
}
