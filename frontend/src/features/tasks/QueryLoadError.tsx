import { errorMessage } from "@/api/problem";
import { LoadError } from "@/ui/LoadStates";

/** LoadError for a query that failed: the server's reason, and "Try again" fetches it anew. */
export function QueryLoadError({
  title,
  query,
}: {
  title: string;
  query: { error: unknown; refetch: () => unknown };
}) {
  return (
    <LoadError
      title={title}
      message={errorMessage(query.error)}
      onRetry={() => void query.refetch()}
    />
  );
}
