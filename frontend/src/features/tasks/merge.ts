import type { Task, TaskUpdate } from "@/api/types";

type Field = keyof TaskUpdate;

/** Two values of one task field are the same (labels compare as lists, due dates as instants). */
function same(field: Field, a: unknown, b: unknown): boolean {
  if (field === "labels") return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (field === "due_date" && typeof a === "string" && typeof b === "string")
    return new Date(a).getTime() === new Date(b).getTime();
  return (a ?? null) === (b ?? null);
}

/**
 * The fields of `patch` that the server changed since `base` (the version the user edited) to a
 * different value than this patch sets: only those are a real conflict. An empty answer means the
 * patch can be re-sent on top of `fresh` without losing anyone's edit.
 */
export function conflictingFields(base: Task, fresh: Task, patch: TaskUpdate): Field[] {
  return (Object.keys(patch) as Field[]).filter(
    (f) =>
      // Keys are TaskUpdate's, and every one of them is a TaskPublic field too.
      !same(f, fresh[f], base[f]) && !same(f, fresh[f], patch[f]),
  );
}

/** Every field a user edits, so a new TaskUpdate field cannot be left out (`satisfies`). */
const EDITABLE = Object.keys({
  title: true,
  description: true,
  status: true,
  priority: true,
  due_date: true,
  due_on: true,
  labels: true,
  project_id: true,
  recurrence: true,
  assignee_id: true,
  parent_id: true,
} satisfies Record<Field, true>) as Field[];

/** The fields the server changed since `base`: none, and deleting `fresh` loses no one's edit. */
export function changedFields(base: Task, fresh: Task): Field[] {
  return EDITABLE.filter((f) => !same(f, fresh[f], base[f]));
}
