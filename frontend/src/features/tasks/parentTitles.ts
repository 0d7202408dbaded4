import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useMemo } from "react";
import type { Task } from "@/api/types";
import { newestCachedTasks } from "./cache";

/** The titles of the tasks a page holds, by id: a subtask's row names its parent with them. */
export const ParentTitles = createContext<ReadonlyMap<string, string>>(new Map());

/** The titles for a page's rows: its own `tasks`, and any other task the cached lists hold (a
 * parent filtered out of this page may be in another). Built once per change of `tasks`. */
export function useParentTitles(tasks: readonly Task[]): ReadonlyMap<string, string> {
  const qc = useQueryClient();
  return useMemo(() => {
    const titles = new Map<string, string>();
    if (!tasks.some((t) => t.parent_id)) return titles;
    for (const [id, t] of newestCachedTasks(qc)) titles.set(id, t.title);
    for (const t of tasks) titles.set(t.id, t.title);
    return titles;
  }, [qc, tasks]);
}

export const useParentTitle = (parentId: string): string | undefined =>
  useContext(ParentTitles).get(parentId);
