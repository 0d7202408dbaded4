/**
 * Which project a task is in, in the task dialog: a new task starts in the page's project (or the
 * Inbox) and an own task can move to any of the user's projects (the API's rule: a task stays with
 * its project's owner). A subtask is in its parent's project, and a task of a project shared with
 * the user stays there: both are shown, not offered. A lazy chunk, loaded with the dialog.
 */
import type { UseFormRegisterReturn } from "react-hook-form";
import type { Task } from "@/api/types";
import { useProjects } from "@/features/projects/api";
import { projectChoices } from "./projectChoices";
import { cn } from "@/lib/cn";
import { Field, selectClass } from "@/ui/primitives";

const selectCls = cn(selectClass, "w-full disabled:opacity-60");

export default function ProjectField({
  task,
  field,
}: {
  task: Task | undefined;
  field: UseFormRegisterReturn<"projectId">;
}) {
  const projects = useProjects();
  // Registered once the options are there: the form sets the select's value when it registers,
  // and a value without its option would show the first project instead.
  if (!projects.data)
    return (
      <Field id="task-project" label="Project">
        <select id="task-project" className={selectCls} disabled />
      </Field>
    );
  const { choices, locked } = projectChoices(projects.data, task);
  return (
    <Field id="task-project" label="Project" hint={locked}>
      <select
        id="task-project"
        className={selectCls}
        disabled={locked !== null}
        aria-describedby={locked ? "task-project-hint" : undefined}
        {...field}
      >
        {choices.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </Field>
  );
}
