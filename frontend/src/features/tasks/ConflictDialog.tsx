import type { TaskUpdate } from "@/api/types";
import { useTimeZone } from "@/features/auth/context";
import { formatDue } from "@/lib/dates";
import { Dialog } from "@/ui/Dialog";
import { Button } from "@/ui/primitives";
import { conflictStore, useConflict } from "./conflict";
import { useUpdateTask } from "./mutations";
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

function show(field: keyof TaskUpdate, value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (field === "status") return STATUS_LABEL[value as keyof typeof STATUS_LABEL];
  if (field === "priority") return PRIORITY_LABEL[value as keyof typeof PRIORITY_LABEL];
  if (field === "due_date") return formatDue(String(value), undefined, timeZone);
  if (field === "labels") return (value as string[]).map((l) => `#${l}`).join(" ") || "—";
  return String(value);
}

/** A 412: the task changed elsewhere. Show the fresh version and ask before overwriting. */
export function ConflictDialog() {
  const conflict = useConflict();
  const update = useUpdateTask();
  const timeZone = useTimeZone();
  const fields = conflict ? (Object.keys(conflict.patch) as (keyof TaskUpdate)[]) : [];
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
                    {show(f, conflict.fresh[f], timeZone)}
                  </td>
                  <td className="py-2" data-testid={`conflict-mine-${f}`}>
                    {show(f, conflict.patch[f], timeZone)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
