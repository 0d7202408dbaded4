import { AlertTriangle } from "lucide-react";
import { Link } from "react-router";

/** The notice for a /tasks/:id link to no task of the user's (a lazy chunk: rarely shown). */
export default function TaskNotFound({ search }: { search: string }) {
  return (
    <div
      role="alert"
      className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <AlertTriangle className="size-4 shrink-0" aria-hidden="true" />
      <span>
        <strong className="font-semibold">Task not found.</strong> It may have been deleted, or the
        link is wrong.
      </span>
      <Link
        to={{ pathname: "/tasks", search }}
        className="font-medium underline underline-offset-2"
      >
        Back to your tasks
      </Link>
    </div>
  );
}
