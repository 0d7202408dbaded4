import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useQuery,
  type QueryClient,
} from "@tanstack/react-query";
import { matchPath } from "react-router";
import { getStats, listTasks, taskKeys } from "./api";
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

export function useTaskList(q: ApiTaskQuery, limit?: number) {
  return useInfiniteQuery(taskListQuery(q, limit));
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

/** The user's labels, for autocomplete: gathered from their most recently touched tasks. */
export function useLabels() {
  return useQuery({
    queryKey: taskKeys.labels(),
    queryFn: async () => {
      const page = await listTasks({ sort: "-updated_at" }, null, 200);
      const counts = new Map<string, number>();
      for (const t of page.items) for (const l of t.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    },
    staleTime: 60_000,
  });
}
