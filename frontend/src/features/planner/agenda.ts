import type { Task } from "@/api/types";
import type { Agenda } from "./api";

export const UPCOMING_DAYS = 14;

/** The agenda with `task` taken off its day and put on `day` (the optimistic move). */
export function moveInAgenda(agenda: Agenda, task: Task, day: string): Agenda {
  return {
    ...agenda,
    days: agenda.days.map((d) => {
      const tasks = d.tasks.filter((t) => t.id !== task.id);
      return { ...d, tasks: d.date === day ? [...tasks, task] : tasks };
    }),
  };
}
