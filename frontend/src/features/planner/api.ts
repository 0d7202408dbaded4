import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

type S = components["schemas"];
export type Today = S["TodayView"];
export type Agenda = S["Agenda"];

// Every task write invalidates ["planner"] (features/tasks/mutations.ts), so these follow.
export const plannerKeys = {
  all: ["planner"] as const,
  today: () => ["planner", "today"] as const,
  agenda: (from: string, to: string) => ["planner", "agenda", from, to] as const,
};

export function useToday() {
  return useQuery({
    queryKey: plannerKeys.today(),
    queryFn: async () => (await unwrap<Today>(api.GET("/api/v1/tasks/today"))).data,
  });
}

export function useAgenda(from: string, to: string) {
  return useQuery({
    queryKey: plannerKeys.agenda(from, to),
    queryFn: async () =>
      (await unwrap<Agenda>(api.GET("/api/v1/tasks/agenda", { params: { query: { from, to } } })))
        .data,
    placeholderData: (previous) => previous,
  });
}

/** The user's zone (profile), the browser's until the profile has loaded. */
export { useTimeZone } from "@/features/auth/context";
