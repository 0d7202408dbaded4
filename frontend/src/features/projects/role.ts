/**
 * The signed-in user's role in a project, read from the cached `GET /projects` list (the sidebar
 * and the project's page fill it; one request for the whole page, never one per row). The API
 * enforces roles on every write (403 `role-forbids`, ADR 0017): this only keeps the web app from
 * offering a viewer what the API would refuse.
 */
import { useQuery } from "@tanstack/react-query";
import { useContext } from "react";
import { ApiError } from "@/api/problem";
import { AuthContext } from "@/features/auth/context";
import type { Project } from "./api";

export type ProjectRole = Project["role"];

/** Whether the API lets this role change the project's tasks (and comment on them). */
export const canWrite = (role: ProjectRole | undefined): boolean => role !== "viewer";

/** A write the API refused for the caller's role: their role changed while the page was open. */
export const isRoleForbidden = (error: unknown): boolean =>
  error instanceof ApiError &&
  error.status === 403 &&
  String(error.body.type).endsWith("role-forbids");

/**
 * The user's role in `projectId`: "owner" for their Inbox (its id is the account's) and for no
 * project at all (a list without a project shows only the user's own tasks); undefined while the
 * projects list loads or when it could not (the API still refuses what the role forbids, and that
 * refusal refetches the list).
 */
export function useProjectRole(projectId: string | null | undefined): ProjectRole | undefined {
  const me = useContext(AuthContext)?.user?.id;
  const own = !projectId || projectId === me;
  const projects = useQuery<Project[]>({
    queryKey: ["projects"],
    // The projects code loads only when a role is needed (/tasks keeps its byte budget).
    queryFn: () => import("./api").then((m) => m.listProjects()),
    enabled: !own,
    staleTime: 30_000,
  });
  if (own) return "owner";
  return projects.data?.find((p) => p.id === projectId)?.role;
}
