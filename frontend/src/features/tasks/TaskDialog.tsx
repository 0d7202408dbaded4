import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { PRIORITIES, STATUSES, type Task, type TaskUpdate } from "@/api/types";
import { Dialog } from "@/components/Dialog";
import { Button, Field, Input } from "@/components/ui";
import { fromLocalInput, toLocalInput } from "@/lib/dates";
import { editor, useEditor } from "./editor";
import { LabelInput } from "./LabelInput";
import { PRIORITY_LABEL, STATUS_LABEL } from "./meta";
import { newIdempotencyKey, useCreateTask, useDeleteTask, useUpdateTask } from "./mutations";
import { useLabels } from "./queries";

const schema = z.object({
  title: z.string().trim().min(1, "Give the task a title").max(255, "Use at most 255 characters"),
  description: z.string().max(10_000, "Use at most 10,000 characters"),
  status: z.enum(["pending", "in_progress", "done"]),
  priority: z.enum(["low", "medium", "high", "urgent"]),
  due: z.string(),
  labels: z.array(z.string().min(1).max(50)).max(20, "Use at most 20 labels"),
});
type Values = z.infer<typeof schema>;

const toValues = (t?: Task): Values => ({
  title: t?.title ?? "",
  description: t?.description ?? "",
  status: t?.status ?? "pending",
  priority: t?.priority ?? "medium",
  due: toLocalInput(t?.due_date),
  labels: t?.labels ?? [],
});

/** Only the fields the user changed, so a save never clobbers someone else's other edits. */
export function diffTask(task: Task, v: Values): TaskUpdate {
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

const selectCls =
  "h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900";

export function TaskDialog() {
  const state = useEditor();
  const open = state.mode !== "closed";
  const task = state.mode === "edit" ? state.task : undefined;
  const create = useCreateTask();
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const labels = useLabels();
  const {
    register,
    control,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: toValues(task) });

  useEffect(() => {
    if (open) reset(toValues(task));
  }, [open, task, reset]);

  const onSubmit = handleSubmit((v) => {
    if (task) {
      const patch = diffTask(task, v);
      if (Object.keys(patch).length) update.mutate({ task, patch });
    } else {
      create.mutate({
        key: newIdempotencyKey(),
        body: {
          title: v.title.trim(),
          description: v.description.trim() ? v.description : null,
          status: v.status,
          priority: v.priority,
          due_date: fromLocalInput(v.due),
          labels: v.labels,
        },
      });
    }
    editor.close();
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && editor.close()}
      title={task ? "Edit task" : "New task"}
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Field id="task-title" label="Title" error={errors.title?.message}>
          <Input id="task-title" autoFocus aria-invalid={!!errors.title} {...register("title")} />
        </Field>
        <Field id="task-description" label="Description" error={errors.description?.message}>
          <textarea
            id="task-description"
            rows={3}
            className="w-full resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900"
            placeholder="Notes, links, details…"
            {...register("description")}
          />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field id="task-priority" label="Priority">
            <select id="task-priority" className={selectCls} {...register("priority")}>
              {[...PRIORITIES].reverse().map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </Field>
          <Field id="task-status" label="Status">
            <select id="task-status" className={selectCls} {...register("status")}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field id="task-due" label="Due date and time">
          <Input id="task-due" type="datetime-local" {...register("due")} />
        </Field>
        <Field id="task-labels" label="Labels" error={errors.labels?.message}>
          <Controller
            control={control}
            name="labels"
            render={({ field }) => (
              <LabelInput
                id="task-labels"
                value={field.value}
                onChange={field.onChange}
                suggestions={labels.data ?? []}
              />
            )}
          />
        </Field>
        <div className="flex items-center justify-between gap-2 pt-2">
          {task ? (
            <Button
              variant="ghost"
              className="text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-950/40"
              onClick={() => {
                editor.close();
                remove(task);
              }}
            >
              Delete
            </Button>
          ) : (
            <span />
          )}
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => editor.close()}>
              Cancel
            </Button>
            <Button type="submit">{task ? "Save" : "Add task"}</Button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
