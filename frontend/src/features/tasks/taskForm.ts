import { z } from "zod";
import type { Task, TaskUpdate } from "@/api/types";
import { fromLocalInput, toLocalInput } from "@/lib/dates";

export const taskFormSchema = z.object({
  title: z.string().trim().min(1, "Give the task a title").max(255, "Use at most 255 characters"),
  description: z.string().max(10_000, "Use at most 10,000 characters"),
  status: z.enum(["pending", "in_progress", "done"]),
  priority: z.enum(["low", "medium", "high", "urgent"]),
  due: z.string(),
  labels: z.array(z.string().min(1).max(50)).max(20, "Use at most 20 labels"),
});
export type TaskFormValues = z.infer<typeof taskFormSchema>;

export const toFormValues = (t?: Task): TaskFormValues => ({
  title: t?.title ?? "",
  description: t?.description ?? "",
  status: t?.status ?? "pending",
  priority: t?.priority ?? "medium",
  due: toLocalInput(t?.due_date),
  labels: t?.labels ?? [],
});

/** Only the fields the user changed, so a save never clobbers someone else's other edits. */
export function diffTask(task: Task, v: TaskFormValues): TaskUpdate {
  const patch: TaskUpdate = {};
  const description = v.description.trim() ? v.description : null;
  const due = fromLocalInput(v.due);
  if (v.title.trim() !== task.title) patch.title = v.title.trim();
  if (description !== task.description) patch.description = description;
  if (v.status !== task.status) patch.status = v.status;
  if (v.priority !== task.priority) patch.priority = v.priority;
  if (toLocalInput(due) !== toLocalInput(task.due_date)) patch.due_date = due;
  if (v.labels.join("\u0000") !== task.labels.join("\u0000")) patch.labels = v.labels;
  return patch;
}
