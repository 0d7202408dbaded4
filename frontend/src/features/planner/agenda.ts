import type { Task } from "@/api/types";
import type { Agenda } from "./api";

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

/**
 * The agenda with `task` taken off its day and put on `day` (the optimistic move). Its later
 * occurrences go until the server's answer, which projects them from the new due.
 */
export function moveInAgenda(agenda: Agenda, task: Task, day: string): Agenda {
  return {
    ...agenda,
    days: agenda.days.map((d) => {
      const tasks = d.tasks.filter((t) => t.id !== task.id);
      return {
        ...d,
        tasks: d.date === day ? [...tasks, task] : tasks,
        repeats: d.repeats.filter((r) => r.task_id !== task.id),
      };
    }),
  };
}
