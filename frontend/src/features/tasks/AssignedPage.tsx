import { useInfiniteQuery } from "@tanstack/react-query";
import { UserCheck } from "lucide-react";
import { api, unwrap } from "@/api/client";
import type { TaskPage } from "@/api/types";
import { Button, EmptyState } from "@/ui/primitives";
import { Loading } from "@/ui/LoadStates";
import { TaskItem } from "./views";
import { QueryLoadError } from "./QueryLoadError";

// Under ["planner"]: every task write invalidates it (mutations.ts), as it does Today's.
const assignedKey = ["planner", "assigned"] as const;

/**
 * "Assigned to me" (`GET /tasks/assigned`): open tasks assigned to the user, newest first, from
 * their own projects and every project shared with them, in keyset pages.
 */
export default function AssignedPage() {
  const assigned = useInfiniteQuery({
    queryKey: assignedKey,
    queryFn: async ({ pageParam }) =>
      (
        await unwrap<TaskPage>(
          api.GET("/api/v1/tasks/assigned", {
            params: { query: pageParam ? { cursor: pageParam } : {} },
          }),
        )
      ).data,
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const tasks = assigned.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-5 sm:px-8 sm:py-8">
      <h1 className="text-2xl font-bold tracking-tight">Assigned to me</h1>
      {assigned.isPending ? (
        <Loading label="Loading the tasks assigned to you" />
      ) : assigned.isError ? (
        <QueryLoadError title="Couldn’t load the tasks assigned to you" query={assigned} />
      ) : tasks.length === 0 ? (
        <EmptyState
          icon={<UserCheck className="size-6" aria-hidden="true" />}
          title="Nothing assigned to you"
        >
          Open tasks assigned to you, in your projects and those shared with you, show up here.
        </EmptyState>
      ) : (
        <>
          <ul aria-label="Assigned to me" className="mt-5">
            {tasks.map((t) => (
              <TaskItem key={t.id} task={t} />
            ))}
          </ul>
          {assigned.hasNextPage && (
            <div className="mt-4 flex justify-center">
              <Button
                variant="secondary"
                disabled={assigned.isFetchingNextPage}
                onClick={() => void assigned.fetchNextPage()}
              >
                Show more
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
