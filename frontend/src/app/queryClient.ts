import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "@/api/problem";

/** The page's one query cache: the React tree gets it through QueryClientProvider (main.tsx), and
 * the router's start-up prefetch (router.tsx) fills it before the first render. */
export const queryClient = new QueryClient({
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
