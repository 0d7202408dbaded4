import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

type S = components["schemas"];
export type Today = S["TodayView"];
export type Agenda = S["Agenda"];

// The last task write to settle invalidates ["planner"] (resync in features/tasks/mutations.ts),
// so these follow.
export const plannerKeys = {
  all: ["planner"] as const,
  today: () => ["planner", "today"] as const,
  agenda: (from: string, to: string) => ["planner", "agenda", from, to] as const,
};

/** Shared by the page and the router's start-up prefetch, so both use one cache entry. */
export const todayQuery = () =>
  queryOptions({
    queryKey: plannerKeys.today(),
    queryFn: async () => (await unwrap<Today>(api.GET("/api/v1/tasks/today"))).data,
  });

export function useToday() {
  return useQuery(todayQuery());
}

/** The user's zone (profile), the browser's until the profile has loaded. */
export { useTimeZone } from "@/features/auth/context";
