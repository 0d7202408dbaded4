import { api, dataOf, unwrap } from "@/api/client";
import type { Project, ProjectCreate, ProjectUpdate } from "./api";

export async function createProject(body: ProjectCreate): Promise<Project> {
  return dataOf<Project>(api.POST("/api/v1/projects", { body }));
}

export async function updateProject(p: Project, body: ProjectUpdate): Promise<Project> {
  return dataOf<Project>(
    api.PATCH("/api/v1/projects/{project_id}", {
      params: { path: { project_id: p.id }, header: { "if-match": `"${p.version}"` } },
      body,
    }),
  );
}

export async function deleteProject(p: Project): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/projects/{project_id}", {
      params: { path: { project_id: p.id }, header: { "if-match": `"${p.version}"` } },
    }),
  );
}

/** A new public link; any earlier link of the project stops working. */
export async function publishProject(p: Project): Promise<string> {
  const { data } = await unwrap(
    api.POST("/api/v1/projects/{project_id}/publish", { params: { path: { project_id: p.id } } }),
  );
  return data.url;
}

/** The public link answers 404 from now on. */
export async function unpublishProject(p: Project): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/projects/{project_id}/publish", { params: { path: { project_id: p.id } } }),
  );
}
