import { ApiError } from "@/api/problem";

/** The open subtasks a 409 `open-subtasks` counts (0 for any other answer). */
export function openSubtasksOf(error: unknown): number {
  if (!(error instanceof ApiError) || error.status !== 409) return 0;
  const n = error.body.open_subtasks;
  return String(error.body.type).endsWith("open-subtasks") && typeof n === "number" ? n : 0;
}
