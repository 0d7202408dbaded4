import type { Task } from "@/api/types";
import { initials, memberName, useSharedMembers } from "./assigneeMembers";

/** The assignee's initials on a row of a shared project's task; nothing otherwise. */
export function AssigneeInitials({ task }: { task: Task }) {
  const { members } = useSharedMembers(task, task.assignee_id != null);
  const assignee = members?.find((m) => m.user_id === task.assignee_id);
  if (!assignee) return null;
  const name = memberName(assignee);
  return (
    <span
      role="img"
      aria-label={`Assigned to ${name}`}
      title={`Assigned to ${name}`}
      className="bg-brand-100 text-brand-800 dark:bg-brand-600/25 dark:text-brand-100 inline-flex size-5 shrink-0 items-center justify-center rounded-full text-[10px] font-semibold"
    >
      {initials(assignee)}
    </span>
  );
}
