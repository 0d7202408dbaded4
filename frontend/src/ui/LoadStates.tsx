import { AlertTriangle } from "lucide-react";
import { Button, EmptyState, Spinner } from "./primitives";

/** In place of a page's content while it loads: a spinner, named for screen readers. */
export function Loading({ label }: { label: string }) {
  return (
    <div className="flex justify-center py-16">
      <Spinner label={label} />
    </div>
  );
}

/** In place of a page's content that could not load: what failed, why, and "Try again" if given. */
export function LoadError({
  title,
  message,
  onRetry,
}: {
  title: string;
  message: string;
  onRetry?: () => void;
}) {
  return (
    <EmptyState icon={<AlertTriangle className="size-6" aria-hidden="true" />} title={title}>
      <p>{message}</p>
      {onRetry && (
        <Button variant="secondary" className="mt-4" onClick={onRetry}>
          Try again
        </Button>
      )}
    </EmptyState>
  );
}
