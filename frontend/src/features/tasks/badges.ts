import type { Task } from "@/api/types";

/**
 * Whether any of a task's badges shows (TaskBadges: parent, due, subtasks, priority, labels; each renders
 * nothing when it has nothing to say), so a row or card can leave out their empty line.
 */
export function hasBadges(task: Task): boolean {
  return (
    !!task.parent_id ||
    !!(task.due_date || task.due_on) ||
    task.subtask_count > 0 ||
    task.priority !== "medium" ||
    task.labels.length > 0
  );
}
