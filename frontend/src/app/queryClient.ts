import { MutationCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "@/api/problem";
import { isRoleForbidden } from "@/features/projects/role";

/** The page's one query cache: the React tree gets it through QueryClientProvider (main.tsx), and
 * the router's start-up prefetch (router.tsx) fills it before the first render. */
export const queryClient: QueryClient = new QueryClient({
  // A write refused for the caller's role (it was lowered while the page was open): the projects
  // list carries the roles, so refetching it turns the pages of that project read-only. Each
  // mutation still rolls back and says why itself.
  mutationCache: new MutationCache({
    onError: (error) => {
      if (isRoleForbidden(error)) void queryClient.invalidateQueries({ queryKey: ["projects"] });
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Client errors will not fix themselves; retry only network and server failures.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});
