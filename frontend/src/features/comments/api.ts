import { api, dataOf, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

type S = components["schemas"];
export type Comment = S["CommentPublic"];
export type CommentPage = S["CommentPage"];
export type TaskEvent = S["TaskEventPublic"];
export type HistoryPage = S["TaskHistoryPage"];

export const activityKeys = {
  comments: (taskId: string) => ["tasks", "comments", taskId] as const,
  history: (taskId: string) => ["tasks", "history", taskId] as const,
};

export const HISTORY_PAGE = 20;

export async function listComments(taskId: string): Promise<Comment[]> {
  // A thread is read whole (pages of 200, the API's largest): comments on one task are few.
  const items: Comment[] = [];
  let cursor: string | null = null;
  do {
    const { data }: { data: CommentPage } = await unwrap<CommentPage>(
      api.GET("/api/v1/tasks/{task_id}/comments", {
        params: { path: { task_id: taskId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    items.push(...data.items);
    cursor = data.next_cursor;
  } while (cursor);
  return items;
}

export async function addComment(taskId: string, body: string): Promise<Comment> {
  return dataOf<Comment>(
    api.POST("/api/v1/tasks/{task_id}/comments", {
      params: { path: { task_id: taskId } },
      body: { body },
    }),
  );
}

export async function editComment(id: string, body: string): Promise<Comment> {
  return dataOf<Comment>(
    api.PATCH("/api/v1/comments/{comment_id}", {
      params: { path: { comment_id: id } },
      body: { body },
    }),
  );
}

export async function deleteComment(id: string): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/comments/{comment_id}", { params: { path: { comment_id: id } } }),
  );
}

export async function taskHistory(taskId: string, cursor: string | null): Promise<HistoryPage> {
  return dataOf<HistoryPage>(
    api.GET("/api/v1/tasks/{task_id}/history", {
      params: {
        path: { task_id: taskId },
        query: { limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) },
      },
    }),
  );
}
