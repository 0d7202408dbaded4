import type { Task } from "@/api/types";
import type { Project } from "@/features/projects/api";

/** Where the user's own tasks may move: their own open projects (the API refuses another
 * owner's project; an archived one is out of sight). */
export const ownOpenProjects = <P extends { archived?: boolean; role?: string }>(
  projects: readonly P[],
): P[] => projects.filter((p) => p.role === "owner" && !p.archived);

/** Where the task can go: for a new task any project the user may add to, for an own task the
 * user's own projects; null (with why) where it cannot move. */
export function projectChoices(
  projects: readonly Project[],
  task: Pick<Task, "parent_id" | "project_id"> | undefined,
): { choices: Project[]; locked: string | null } {
  const current = projects.filter((p) => p.id === task?.project_id);
  if (task?.parent_id) return { choices: current, locked: "A subtask is in its parent's project." };
  if (task && current[0] && current[0].role !== "owner")
    return { choices: current, locked: "Tasks of a project shared with you stay in it." };
  const open = task
    ? ownOpenProjects(projects)
    : projects.filter((p) => !p.archived && p.role !== "viewer");
  // An archived current project is still named, so the select shows where the task is.
  const shown = current[0] && !open.includes(current[0]) ? [...current, ...open] : open;
  return { choices: shown, locked: null };
}
