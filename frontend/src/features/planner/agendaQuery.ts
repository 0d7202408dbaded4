import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap } from "@/api/client";
import { plannerKeys, type Agenda } from "./api";
import { usePlannerKeys } from "./keys";

// Upcoming's and the Calendar's own: Today (a first screen) does not download them.

export function useAgenda(from: string, to: string) {
  return useQuery({
    queryKey: plannerKeys.agenda(from, to),
    queryFn: async () =>
      (await unwrap<Agenda>(api.GET("/api/v1/tasks/agenda", { params: { query: { from, to } } })))
        .data,
    placeholderData: (previous) => previous,
  });
}

/** usePlannerKeys over an agenda's tasks: each day's, and the repeating ones it projects. */
export function useAgendaKeys(agenda: Agenda | undefined): void {
  usePlannerKeys(
    useMemo(
      () => (agenda ? [...agenda.days.flatMap((d) => d.tasks), ...agenda.repeating] : []),
      [agenda],
    ),
  );
}
