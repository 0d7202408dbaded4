import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type SavedView = components["schemas"]["SavedViewPublic"];

export const viewKeys = { all: ["views"] as const };

/** The user's saved views; `enabled: false` reads only what is cached, asking for nothing. */
export function useViews({ enabled = true } = {}) {
  return useQuery({
    queryKey: viewKeys.all,
    queryFn: async () => (await unwrap(api.GET("/api/v1/views"))).data.items,
    staleTime: 60_000,
    enabled,
  });
}

export async function createView(name: string, query: string): Promise<SavedView> {
  return (await unwrap<SavedView>(api.POST("/api/v1/views", { body: { name, query } }))).data;
}

export async function renameView(view: SavedView, name: string): Promise<SavedView> {
  return (
    await unwrap<SavedView>(
      api.PATCH("/api/v1/views/{view_id}", {
        params: { path: { view_id: view.id } },
        body: { name },
      }),
    )
  ).data;
}

export async function deleteView(view: SavedView): Promise<void> {
  await unwrap(api.DELETE("/api/v1/views/{view_id}", { params: { path: { view_id: view.id } } }));
}
