import { TZDate } from "@date-fns/tz";
import { z } from "zod";
import type { Task, TaskCreate, TaskUpdate } from "@/api/types";

/** The first and last due days the API takes (it refuses the calendar's very first and last). */
export const FIRST_DUE_DAY = "0001-01-02";
export const LAST_DUE_DAY = "9999-12-30";
export const DAY_NOT_WHOLE = "Enter a whole day: day, month and year.";
export const TIME_NOT_WHOLE = "Enter a whole time: hours and minutes.";

/** Whether a YYYY-MM-DD day exists (a date input can hold "2026-02-31" when typed into). */
function isCalendarDay(y: number, month: number, d: number): boolean {
  const at = new Date(Date.UTC(2000, 0, 1));
  at.setUTCFullYear(y, month - 1, d); // not Date.UTC(y, …): it reads years 0–99 as 1900–1999
  return at.getUTCFullYear() === y && at.getUTCMonth() === month - 1 && at.getUTCDate() === d;
}

/** What is wrong with a due day, in the user's words (undefined: nothing, or no day). Chromium's
 * date input takes years past 9999 ("20261-12-25"); the API takes only its range. */
function dueDayProblem(day: string): string | undefined {
  if (!day) return undefined;
  const m = /^(\d+)-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return DAY_NOT_WHOLE;
  if (m[1]!.length !== 4 || day < FIRST_DUE_DAY || day > LAST_DUE_DAY)
    return "Pick a day between 2 January 0001 and 30 December 9999.";
  if (!isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) return "This day does not exist.";
  return undefined;
}

export const taskFormSchema = z
  .object({
    title: z.string().trim().min(1, "Give the task a title").max(255, "Use at most 255 characters"),
    description: z.string().max(10_000, "Use at most 10,000 characters"),
    status: z.enum(["pending", "in_progress", "done"]),
    priority: z.enum(["low", "medium", "high", "urgent"]),
    /** YYYY-MM-DD, or "" for no due. Checked here, as the API's 422 would only come after the
     * optimistic save has closed the dialog and put the day in every list. */
    dueDay: z.string().superRefine((day, ctx) => {
      const problem = dueDayProblem(day);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    /** HH:MM, or "" for an all-day due day. */
    dueTime: z
      .string()
      .refine((time) => !time || /^([01]\d|2[0-3]):[0-5]\d$/.test(time), TIME_NOT_WHOLE),
    labels: z.array(z.string().min(1).max(50)).max(20, "Use at most 20 labels"),
    /** RFC 5545 RRULE text, or "" for no repeat. */
    recurrence: z.string().max(500, "Use at most 500 characters"),
    /** The project's id (the Inbox's is the owner's id). */
    projectId: z.string(),
  })
  // A time alone would be saved as no due at all.
  .refine((v) => !v.dueTime || v.dueDay, {
    path: ["dueTime"],
    message: "Pick a day for this time.",
  })
  // The API answers 422 for a rule without a due (it rolls the due to the next occurrence).
  .refine((v) => !v.recurrence.trim() || v.dueDay, {
    path: ["recurrence"],
    message: "A repeating task needs a due day: set one above, or choose “Does not repeat”.",
  });
export type TaskFormValues = z.infer<typeof taskFormSchema>;

/** 400 Gregorian years: 146,097 days exactly. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

type Due = Pick<TaskUpdate, "due_on" | "due_date">;

/** A task's due as the form shows it: its day, and its time when it has one (in `timeZone`). */
export function dueFields(t: Pick<Task, "due_on" | "due_date"> | undefined, timeZone: string) {
  if (t?.due_date) {
    const d = new TZDate(t.due_date, timeZone);
    const pad = (n: number) => String(n).padStart(2, "0");
    return {
      dueDay: `${String(d.getFullYear()).padStart(4, "0")}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
      dueTime: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
    };
  }
  return { dueDay: t?.due_on ?? "", dueTime: "" };
}

/** The form's day and time as the API's due: no time is a due day, a time is a due instant. */
export function dueOf(v: Pick<TaskFormValues, "dueDay" | "dueTime">, timeZone: string): Due {
  if (!v.dueDay) return { due_on: null, due_date: null };
  if (!v.dueTime) return { due_on: v.dueDay, due_date: null };
  const [y, m, d] = v.dueDay.split("-").map(Number) as [number, number, number];
  const [hh, mm] = v.dueTime.split(":").map(Number) as [number, number];
  // Date (and TZDate) read years 0–99 as 1900–1999: such a day is built 400 years on, where the
  // calendar repeats day for day and the zone still has its earliest (local mean time) offset.
  const early = y < 100;
  const at = new TZDate(early ? y + 400 : y, m - 1, d, hh, mm, 0, timeZone);
  const instant = at.getTime() - (early ? FOUR_CENTURIES_MS : 0);
  return { due_on: null, due_date: new Date(instant).toISOString() };
}

/** The form for `t`, or for a new task in `newTaskProject`. */
export const toFormValues = (
  t: Task | undefined,
  timeZone: string,
  newTaskProject = "",
): TaskFormValues => ({
  title: t?.title ?? "",
  description: t?.description ?? "",
  status: t?.status ?? "pending",
  priority: t?.priority ?? "medium",
  ...dueFields(t, timeZone),
  labels: t?.labels ?? [],
  recurrence: t?.recurrence ?? "",
  projectId: t?.project_id ?? newTaskProject,
});

/** Only the fields the user changed, so a save never clobbers someone else's other edits. */
export function diffTask(task: Task, v: TaskFormValues, timeZone: string): TaskUpdate {
  const patch: TaskUpdate = {};
  const description = v.description.trim() ? v.description : null;
  if (v.title.trim() !== task.title) patch.title = v.title.trim();
  if (description !== task.description) patch.description = description;
  if (v.status !== task.status) patch.status = v.status;
  if (v.priority !== task.priority) patch.priority = v.priority;
  const before = dueFields(task, timeZone);
  if (v.dueDay !== before.dueDay || v.dueTime !== before.dueTime) {
    const due = dueOf(v, timeZone);
    // Send the field that is set (setting one clears the other); clearing sends the one there was.
    if (due.due_on) patch.due_on = due.due_on;
    else if (due.due_date) patch.due_date = due.due_date;
    else if (task.due_on) patch.due_on = null;
    else patch.due_date = null;
  }
  const recurrence = v.recurrence.trim() || null;
  if (recurrence !== task.recurrence) patch.recurrence = recurrence;
  if (v.labels.join("\u0000") !== task.labels.join("\u0000")) patch.labels = v.labels;
  if (v.projectId && v.projectId !== task.project_id) patch.project_id = v.projectId;
  return patch;
}

/** The create body's due fields (only the one that is set). */
export function dueForCreate(v: TaskFormValues, timeZone: string): Partial<TaskCreate> {
  const due = dueOf(v, timeZone);
  const recurrence = v.recurrence.trim() ? { recurrence: v.recurrence.trim() } : {};
  if (due.due_on) return { due_on: due.due_on, ...recurrence };
  return due.due_date ? { due_date: due.due_date, ...recurrence } : {};
}
