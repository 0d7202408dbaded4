import { Link } from "react-router";
import { cn } from "@/lib/cn";
import { useTaskStats } from "@/features/tasks/queries";

/**
 * Counts from /tasks/stats; each one opens the matching filtered list. The header leaves the bar
 * what its buttons do not take: as it narrows the least pressing counts go (Done, then In
 * progress, then To do) so that Overdue always shows whole instead of scrolling out of sight.
 */
export function StatsBar() {
  const stats = useTaskStats();
  const s = stats.data;
  const items = [
    {
      key: "open",
      label: "To do",
      value: s?.by_status.pending,
      to: "/tasks?status=pending",
      cls: "",
      hide: "max-[399px]:hidden",
    },
    {
      key: "progress",
      label: "In progress",
      short: "Doing",
      value: s?.by_status.in_progress,
      to: "/tasks?status=in_progress",
      cls: "",
      hide: "max-[519px]:hidden",
    },
    {
      key: "done",
      label: "Done",
      value: s?.by_status.done,
      to: "/tasks?status=done",
      cls: "",
      hide: "max-lg:hidden",
    },
    {
      key: "overdue",
      label: "Overdue",
      value: s?.overdue,
      to: "/tasks?overdue=true",
      cls: s && s.overdue > 0 ? "text-red-700 dark:text-red-400" : "",
      hide: "",
    },
  ];
  return (
    <nav
      aria-label="Task counts"
      className="flex min-w-0 items-center gap-0.5 overflow-x-auto sm:gap-1"
    >
      {items.map((i) => (
        <Link
          key={i.key}
          to={i.to}
          data-testid={`stat-${i.key}`}
          className={cn(
            "flex shrink-0 items-baseline gap-1 rounded-md px-1.5 py-1 text-xs hover:bg-zinc-100 sm:gap-1.5 sm:px-2 sm:text-sm dark:hover:bg-zinc-800",
            i.hide,
          )}
        >
          <span className={cn("min-w-[1ch] font-semibold tabular-nums", i.cls)}>
            {i.value ?? (
              <span className="inline-block h-3 w-3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-700" />
            )}
          </span>
          <span className="text-zinc-600 dark:text-zinc-400">
            {"short" in i ? (
              <>
                <span className="sm:hidden">{i.short}</span>
                <span className="max-sm:hidden">{i.label}</span>
              </>
            ) : (
              i.label
            )}
          </span>
        </Link>
      ))}
    </nav>
  );
}
