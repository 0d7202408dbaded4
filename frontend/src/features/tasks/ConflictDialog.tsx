import { useQueryClient } from "@tanstack/react-query";
import type { Task, TaskUpdate } from "@/api/types";
import { useTimeZone } from "@/features/auth/context";
import { useProjects } from "@/features/projects/api";
import { formatDue, formatDueDay } from "@/lib/dates";
import { Dialog } from "@/ui/Dialog";
import { Button } from "@/ui/primitives";
import { personName, useSharedMembers } from "./assigneeMembers";
import { newestCachedTasks } from "./cache";
import { conflictStore, useConflict, type Conflict } from "./conflict";
import { useUpdateTask } from "./mutations";
import { describeRecurrence } from "./recurrence";
import { PRIORITY_LABEL, STATUS_LABEL } from "./statusPriorityDisplay";

const FIELD_LABEL: Record<keyof TaskUpdate, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  due_date: "Due",
  due_on: "Due day",
  recurrence: "Repeats",
  project_id: "Project",
  labels: "Labels",
  assignee_id: "Assignee",
  parent_id: "Subtask of",
};

/** A field's value in words: names for the ids (project, parent, assignee) that the caches
 * hold, and a neutral phrase for one they do not, never a raw id. */
function useShow(conflict: Conflict): (field: keyof TaskUpdate, value: unknown) => string {
  const timeZone = useTimeZone();
  const qc = useQueryClient();
  const projects = useProjects().data;
  // Members and cached titles are looked up only when the table has an id to name.
  const namesAnId = (field: keyof TaskUpdate) =>
    field in conflict.patch && !!(conflict.patch[field] || conflict.fresh[field]);
  const { me, members } = useSharedMembers(conflict.fresh, namesAnId("assignee_id"));
  const titles = namesAnId("parent_id") ? newestCachedTasks(qc) : new Map<string, Task>();
  return (field, value) => {
    if (value === null || value === undefined || value === "") return "—";
    const id = String(value);
    switch (field) {
      case "status":
        return STATUS_LABEL[value as keyof typeof STATUS_LABEL];
      case "priority":
        return PRIORITY_LABEL[value as keyof typeof PRIORITY_LABEL];
      case "due_date":
        return formatDue(id, undefined, timeZone);
      case "due_on":
        return formatDueDay(id, timeZone);
      case "recurrence":
        return describeRecurrence(id);
      case "labels":
        return (value as string[]).map((l) => `#${l}`).join(" ") || "—";
      case "project_id":
        return projects?.find((p) => p.id === id)?.name ?? "Another project";
      case "parent_id": {
        const title = titles.get(id)?.title;
        return title ? `“${title}”` : "Another task";
      }
      case "assignee_id":
        return personName(id, me, members) ?? "Another member";
      default:
        return id;
    }
  };
}

function ConflictTable({ conflict }: { conflict: Conflict }) {
  const show = useShow(conflict);
  const fields = Object.keys(conflict.patch) as (keyof TaskUpdate)[];
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="text-xs text-zinc-600 uppercase dark:text-zinc-400">
          <th scope="col" className="py-1 pr-3 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Saved version
          </th>
          <th scope="col" className="py-1 font-medium">
            Your change
          </th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f} className="border-t border-zinc-200 dark:border-zinc-800">
            <th scope="row" className="py-2 pr-3 font-medium">
              {FIELD_LABEL[f]}
            </th>
            <td className="py-2 pr-3" data-testid={`conflict-theirs-${f}`}>
              {show(f, conflict.fresh[f])}
            </td>
            <td className="py-2" data-testid={`conflict-mine-${f}`}>
              {show(f, conflict.patch[f])}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A 412: the task changed elsewhere. Show the fresh version and ask before overwriting. */
export function ConflictDialog() {
  const conflict = useConflict();
  const update = useUpdateTask();
  return (
    <Dialog
      open={!!conflict}
      onOpenChange={(o) => !o && conflictStore.close()}
      title="This task was changed elsewhere"
      description="Someone (or another tab) saved a newer version while you were editing. Review it before deciding."
    >
      {conflict && (
        <div className="space-y-4">
          <p className="text-sm">
            Current title: <strong className="font-semibold">{conflict.fresh.title}</strong>
          </p>
          <ConflictTable conflict={conflict} />
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={() => conflictStore.close()}>
              Keep saved version
            </Button>
            <Button
              onClick={() => {
                update.mutate({ task: conflict.fresh, patch: conflict.patch });
                conflictStore.close();
              }}
            >
              Overwrite with my change
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
