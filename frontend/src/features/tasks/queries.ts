import {
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  type QueryClient,
} from "@tanstack/react-query";
import { matchPath } from "react-router";
import { getLabels, getStats, listTasks, taskKeys } from "./api";
import { parseFilters, toApiQuery, type ApiTaskQuery } from "./filters";
import { isPendingDelete } from "./pendingDeletes";

const taskListQuery = (q: ApiTaskQuery, limit?: number) =>
  infiniteQueryOptions({
    queryKey: taskKeys.list(q),
    queryFn: async ({ pageParam }) => {
      const page = await listTasks(q, pageParam, limit);
      return { ...page, items: page.items.filter((t) => !isPendingDelete(t.id)) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });

/** With `keepPrevious`, the last answer stays shown while a changed query loads (a search as
 * the user types), instead of nothing. */
export function useTaskList(q: ApiTaskQuery, limit?: number, { keepPrevious = false } = {}) {
  return useInfiniteQuery({
    ...taskListQuery(q, limit),
    ...(keepPrevious && { placeholderData: keepPreviousData }),
  });
}

/** The first page of the list a /tasks or /projects/:id address shows (the query
 * TaskListPage derives from the same address through useTaskFilters). */
export function prefetchTaskList(qc: QueryClient, { pathname, search }: Location): Promise<void> {
  const project = matchPath("/projects/:projectId/*", pathname)?.params.projectId ?? "";
  const q = toApiQuery({ ...parseFilters(new URLSearchParams(search)), project });
  return qc.prefetchInfiniteQuery(taskListQuery(q));
}

export function useTaskStats() {
  return useQuery({ queryKey: taskKeys.stats(), queryFn: getStats });
}

/** The user's labels, the most used first (the label filter, autocomplete); with `project`,
 * the labels of that project's tasks (the filter on a project's page). `enabled: false` while no
 * label control is on screen, so a page does not fetch them for nothing. */
export function useLabels({
  enabled = true,
  project = "",
}: { enabled?: boolean; project?: string } = {}) {
  return useQuery({
    queryKey: taskKeys.labelsOf(project),
    queryFn: () => getLabels(project),
    staleTime: 60_000,
    enabled,
  });
}
