/**
 * Assignees (issue 19): the picker in the task dialog, for tasks of shared projects only (it
 * loads with the dialog; the initials on rows are AssigneeInitials). Who may be assigned is the API's rule (docs/api.md, "Assignees"): the
 * project's owner or an editor; viewers are not offered (the API would refuse them with a 422).
 * The members come from GET /projects/{id}/members under the share dialog's own query key, so a
 * role change or a removal made there shows here too.
 */
import { useState } from "react";
import type { Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { Field, selectClass } from "@/ui/primitives";
import { memberName, useSharedMembers } from "./assigneeMembers";
import { useUpdateTask } from "./mutations";

const selectCls = cn(selectClass, "w-full disabled:opacity-60");

/** The assignee picker of a task in a shared project; nothing for other tasks. A choice is
 *  saved at once (undoable, merged on a 412 like every edit), apart from the dialog's form. */
export default function AssigneeField({ task }: { task: Task }) {
  const { me, members } = useSharedMembers(task);
  const update = useUpdateTask();
  // What this picker last chose or was answered: a second choice builds on the first one's
  // version, until the dialog hands a newer task.
  const [saved, setSaved] = useState<Task | null>(null);
  const current = saved && saved.id === task.id && saved.version >= task.version ? saved : task;
  if (!members) return null;
  const mine = members.find((m) => m.user_id === me);
  const offered = members.filter((m) => m.role !== "viewer");
  const assigned = members.find((m) => m.user_id === current.assignee_id);
  return (
    <Field
      id="task-assignee"
      label="Assignee"
      hint={mine?.role === "viewer" ? "Viewers cannot change it." : undefined}
    >
      <select
        id="task-assignee"
        className={selectCls}
        disabled={!mine || mine.role === "viewer"}
        value={current.assignee_id ?? ""}
        onChange={(e) => {
          const assignee_id = e.target.value || null;
          const base = current;
          setSaved({ ...current, assignee_id });
          update.mutate({ task: base, patch: { assignee_id } }, { onSuccess: setSaved });
        }}
      >
        <option value="">Nobody</option>
        {/* Someone assigned before losing the role is still shown as they are. */}
        {assigned && assigned.role === "viewer" && (
          <option value={assigned.user_id}>{memberName(assigned)}</option>
        )}
        {offered.map((m) => (
          <option key={m.user_id} value={m.user_id}>
            {memberName(m)}
            {m.user_id === me ? " (me)" : ""}
          </option>
        ))}
      </select>
    </Field>
  );
}
