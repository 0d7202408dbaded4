import { api, dataOf, unwrap } from "@/api/client";
import type {
  LabelList,
  Task,
  TaskCreate,
  TaskPage,
  TaskStats,
  TaskStatus,
  TaskUpdate,
} from "@/api/types";
import type { ApiTaskQuery } from "./filters";

export const PAGE_SIZE = 50;

export const taskKeys = {
  all: ["tasks"] as const,
  lists: () => ["tasks", "list"] as const,
  list: (q: ApiTaskQuery) => ["tasks", "list", q] as const,
  stats: () => ["tasks", "stats"] as const,
  /** One task read by its id (a deep link, a subtask's parent). */
  detail: (id: string | undefined) => ["tasks", "detail", id] as const,
  labels: () => ["tasks", "labels"] as const,
  labelsOf: (project: string) => ["tasks", "labels", project] as const,
  /** The command palette's matches: not a list page, so the list caches' updaters skip it. */
  search: (q: string) => ["tasks", "search", q] as const,
};

/** The ETag the API gives a task version (weak validators would work the same). */
export function etagOf(task: Pick<Task, "id" | "version">): string {
  return `"${task.version}"`;
}

export async function listTasks(q: ApiTaskQuery, cursor?: string | null, limit = PAGE_SIZE) {
  return dataOf<TaskPage>(
    api.GET("/api/v1/tasks", {
      params: {
        query: {
          ...q,
          label: q.label ? [q.label] : undefined,
          limit,
          ...(cursor ? { cursor } : {}),
        },
      },
    }),
  );
}

export async function getTask(id: string): Promise<Task> {
  return dataOf<Task>(api.GET("/api/v1/tasks/{task_id}", { params: { path: { task_id: id } } }));
}

export async function createTask(body: TaskCreate, idempotencyKey: string): Promise<Task> {
  return dataOf<Task>(
    api.POST("/api/v1/tasks", { body, params: { header: { "idempotency-key": idempotencyKey } } }),
  );
}

/** PATCH with If-Match; `completeSubtasks` completes open subtasks along with a `done`. */
export async function updateTask(
  task: Task,
  patch: TaskUpdate,
  completeSubtasks = false,
): Promise<Task> {
  return dataOf<Task>(
    api.PATCH("/api/v1/tasks/{task_id}", {
      params: {
        path: { task_id: task.id },
        header: { "if-match": etagOf(task) },
        ...(completeSubtasks && { query: { complete_subtasks: true } }),
      },
      body: patch,
    }),
  );
}

export async function deleteTask(id: string): Promise<void> {
  await unwrap(api.DELETE("/api/v1/tasks/{task_id}", { params: { path: { task_id: id } } }));
}

export async function getStats(): Promise<TaskStats> {
  return dataOf<TaskStats>(api.GET("/api/v1/tasks/stats"));
}

/** Every label on the user's own tasks, or on a project's (a shared one's are its owner's),
 * the most used first. */
export async function getLabels(project = ""): Promise<string[]> {
  const { data } = await unwrap<LabelList>(
    api.GET("/api/v1/tasks/labels", { params: { query: project ? { project } : {} } }),
  );
  return data.items.map((label) => label.name);
}

/**
 * `POST /tasks/{id}/move`: right after `after_id` or right before `before_id` (neither: the end of
 * the manual order), optionally into another `status` column.
 */
export async function moveTaskTo(
  task: Task,
  target: { after_id?: string; before_id?: string; status?: TaskStatus },
): Promise<Task> {
  return dataOf<Task>(
    api.POST("/api/v1/tasks/{task_id}/move", {
      params: { path: { task_id: task.id } },
      body: { version: task.version, ...target },
    }),
  );
}
