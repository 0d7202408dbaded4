import type { QueryClient } from "@tanstack/react-query";
import type { TaskStatus } from "@/api/types";
import type { TaskFilters } from "@/features/tasks/filters";
import { readQuickAdd } from "./read";
import { listProjects, projectLookup, toApiBody, toCreateRequest } from "./request";

/**
 * From the typed text and the view it was typed in to the POST body (in the lazy chunk: the
 * initial route only holds the field). `+name` is looked up among the user's projects only when
 * typed (one request, then cached).
 */
export async function prepareQuickAdd(
  text: string,
  opts: {
    dismissed: ReadonlySet<string>;
    timeZone: string | undefined;
    status: TaskStatus | undefined;
    filters: TaskFilters;
    queryClient: QueryClient;
  },
) {
  const { dismissed, timeZone, status, filters, queryClient } = opts;
  const read = readQuickAdd(text, { dismissed, timeZone });
  const view = {
    status: status ? [status] : filters.status,
    priority: filters.priority,
    label: filters.label || undefined,
  };
  let lookup: ((name: string) => string | undefined) | undefined;
  if (read.project !== null) {
    const projects = await queryClient
      .fetchQuery({ queryKey: ["projects"], queryFn: listProjects, staleTime: 30_000 })
      .catch(() => []);
    lookup = projectLookup(projects);
  }
  const { body, unknownProject } = toCreateRequest(read, view, lookup);
  return { body: toApiBody(body), unknownProject };
}
