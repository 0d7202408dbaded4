import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

type S = components["schemas"];
export type Project = S["ProjectPublic"];
export type ProjectCreate = S["ProjectCreate"];
export type ProjectUpdate = S["ProjectUpdate"];
export type Colour = Project["colour"];

// The quick add's `+project` lookup caches the same list under the same key (an array of projects).
export const projectKeys = { all: ["projects"] as const };

export async function listProjects(): Promise<Project[]> {
  const { data } = await unwrap(api.GET("/api/v1/projects"));
  return data.items;
}

export function useProjects() {
  return useQuery({ queryKey: projectKeys.all, queryFn: listProjects, staleTime: 30_000 });
}

/** Counts and names change with every project write and with task writes: refetch the list. */
export const invalidateProjects = (qc: QueryClient) =>
  qc.invalidateQueries({ queryKey: projectKeys.all });
