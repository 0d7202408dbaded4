import type { QueryClient } from "@tanstack/react-query";
import { toast } from "@/ui/toast";
import type { Task, TaskStatus } from "@/api/types";
import { matchesQuery, toApiQuery, type TaskFilters } from "@/features/tasks/filters";
import { readQuickAdd } from "./read";
import { listProjects, projectLookup, toApiBody, toCreateRequest } from "./request";

/**
 * From the typed text and the view it was typed in to the POST body, and what to say once it is
 * saved (in the lazy chunk: the initial route only holds the field). `+name` is looked up among the user's projects only when
 * typed (one request, then cached).
 */
export async function prepareQuickAdd(
  text: string,
  opts: {
    dismissed: ReadonlySet<string>;
    /** The profile's zone: "6pm" and "tomorrow" are read there, as the field's preview. */
    timeZone: string;
    status: TaskStatus | undefined;
    filters: TaskFilters;
    queryClient: QueryClient;
    /** Leave the filters (the action of the "not shown here" toast). */
    showAll: () => void;
  },
) {
  const { dismissed, timeZone, status, filters, queryClient, showAll } = opts;
  const read = readQuickAdd(text, { dismissed, timeZone });
  const view = {
    status: status ? [status] : filters.status,
    priority: filters.priority,
    label: filters.label || undefined,
    projectId: filters.project || undefined,
  };
  let lookup: ((name: string) => string | undefined) | undefined;
  if (read.project !== null) {
    const projects = await queryClient
      .fetchQuery({ queryKey: ["projects"], queryFn: listProjects, staleTime: 30_000 })
      .catch(() => []);
    lookup = projectLookup(projects);
  }
  const { body, unknownProject } = toCreateRequest(read, view, lookup);
  if (unknownProject !== null) {
    toast(`No project is called “${unknownProject}”: the task goes to the Inbox.`);
  }
  const shown = { ...toApiQuery(filters), ...(status ? { status: [status] } : {}) };
  /** Typed parts can take a task out of the view (p4 in an urgent view): say where it went. */
  const onCreated = (task: Task) => {
    if (matchesQuery(task, shown)) return;
    toast(`“${task.title}” was added but is not shown here: it does not match the filters.`, {
      action: { label: "Show all tasks", onClick: showAll },
    });
  };
  return { body: toApiBody(body), onCreated };
}
