import type { components } from "./schema";

type S = components["schemas"];
export type Task = S["TaskPublic"];
export type TaskCreate = S["TaskCreate"];
export type TaskUpdate = S["TaskUpdate"];
export type TaskPage = S["TaskPage"];
export type TaskStats = S["TaskStats"];
export type LabelList = S["LabelList"];
export type TaskStatus = Task["status"];
export type Priority = Task["priority"];
export type User = S["UserPublic"];
export type TokenPair = S["TokenPair"];
export type FieldError = { field: string; message: string; type?: string };

export const STATUSES: readonly TaskStatus[] = ["pending", "in_progress", "done"];
export const PRIORITIES: readonly Priority[] = ["low", "medium", "high", "urgent"];
