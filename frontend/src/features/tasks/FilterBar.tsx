import { ArrowUpDown, Search, SlidersHorizontal, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { PRIORITIES, STATUSES } from "@/api/types";
import { cn } from "@/lib/cn";
import { useMediaQuery } from "@/lib/useMediaQuery";
import { useDebounced } from "@/lib/useDebounced";
import { activeFilterCount, EMPTY_FILTERS, SORTS, type SortKey, type TaskFilters } from "./filters";
import { useLabels } from "./queries";
import { PRIORITY_LABEL, STATUS_LABEL } from "./statusPriorityDisplay";

function Chip({
  pressed,
  onClick,
  children,
}: {
  pressed: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        "h-7 shrink-0 rounded-full border px-2.5 text-xs font-medium transition-colors",
        pressed
          ? "border-brand-600 bg-brand-600 dark:border-brand-500 dark:bg-brand-600 text-white"
          : "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800",
      )}
    >
      {children}
    </button>
  );
}

const toggle = <T,>(list: T[], v: T) =>
  list.includes(v) ? list.filter((x) => x !== v) : [...list, v];

/** One chip per value, pressed for those in `selected`; a press adds or removes its value. */
function ToggleChips<T extends string>({
  values,
  labels,
  selected,
  onChange,
}: {
  values: readonly T[];
  labels: Record<T, string>;
  selected: T[];
  onChange: (selected: T[]) => void;
}) {
  return values.map((v) => (
    <Chip key={v} pressed={selected.includes(v)} onClick={() => onChange(toggle(selected, v))}>
      {labels[v]}
    </Chip>
  ));
}

/** A thin rule between two groups of chips, left out by screen readers. */
function ChipDivider() {
  return (
    <span className="mx-1 h-4 w-px shrink-0 bg-zinc-300 dark:bg-zinc-700" aria-hidden="true" />
  );
}
const PRIORITIES_MOST_URGENT_FIRST = [...PRIORITIES].reverse();
const smallControl =
  "h-7 rounded-md border border-zinc-300 bg-white px-2 text-xs text-zinc-800 focus:border-brand-500 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200";

/** One end of the due range: a date input whose label only screen readers read. */
/** A typed day past the other end moves that end along: the range never runs backwards (the API
 * would refuse it and the list would show an error instead of tasks). */
function dueRange(
  filters: TaskFilters,
  change: Pick<TaskFilters, "dueAfter"> | Pick<TaskFilters, "dueBefore">,
): Partial<TaskFilters> {
  const { dueAfter, dueBefore } = { ...filters, ...change };
  if (!dueAfter || !dueBefore || dueAfter <= dueBefore) return change;
  return "dueAfter" in change
    ? { dueAfter, dueBefore: dueAfter }
    : { dueAfter: dueBefore, dueBefore };
}

function DueDayInput({
  id,
  label,
  value,
  onChange,
  min,
  max,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (day: string) => void;
  min?: string;
  max?: string;
}) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value}
        min={min || undefined}
        max={max || undefined}
        onChange={(e) => onChange(e.target.value)}
        className={smallControl}
      />
    </>
  );
}

export function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const debounced = useDebounced(text, 300);
  const last = useRef(value);
  useEffect(() => {
    if (debounced !== last.current) {
      last.current = debounced;
      onSearch(debounced);
    }
  }, [debounced, onSearch]);
  useEffect(() => {
    // The URL changed from elsewhere (back button, "clear filters").
    if (value !== last.current) {
      last.current = value;
      setText(value);
    }
  }, [value]);
  return (
    <div className="relative w-full sm:max-w-xs">
      <Search
        className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-500"
        aria-hidden="true"
      />
      <label htmlFor="task-search" className="sr-only">
        Search tasks
      </label>
      <input
        id="task-search"
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Search tasks"
        className="focus:border-brand-500 focus:ring-brand-500/20 h-9 w-full rounded-md border border-zinc-300 bg-white pr-8 pl-8 text-sm placeholder:text-zinc-500 focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      <span className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-zinc-300 px-1 font-mono text-[10px] text-zinc-500 max-sm:hidden dark:border-zinc-700">
        /
      </span>
    </div>
  );
}

export function FilterBar({
  filters,
  onChange,
  showStatus = true,
  showSort = true,
}: {
  filters: TaskFilters;
  onChange: (patch: Partial<TaskFilters>, opts?: { replace?: boolean }) => void;
  showStatus?: boolean;
  /** The board has no sort: its columns keep the manual order. */
  showSort?: boolean;
}) {
  const count = activeFilterCount(filters);
  // Phones: the chips sit behind a "Filters" button (with the active count) instead of
  // scrolling off-screen with no hint.
  const [open, setOpen] = useState(false);
  // The label filter's choices (those of the project shown, on a project's page) are fetched
  // once it is on screen: from the start on wider screens, when the chips are opened on a phone
  // (not at a phone's first paint).
  const wide = useMediaQuery("(min-width: 640px)");
  const labels = useLabels({ enabled: open || wide, project: filters.project });
  return (
    <div className="space-y-2.5" role="search" aria-label="Filter tasks">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <SearchBox value={filters.q} onSearch={(q) => onChange({ q }, { replace: true })} />
        <div className="flex items-center gap-2 sm:ml-auto">
          <button
            type="button"
            aria-expanded={open}
            aria-controls="filter-chips"
            onClick={() => setOpen((o) => !o)}
            className="mr-auto inline-flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2.5 text-sm font-medium text-zinc-800 sm:hidden dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
          >
            <SlidersHorizontal className="size-4" aria-hidden="true" />
            Filters
            {count > 0 && (
              <span className="bg-brand-600 rounded-full px-1.5 text-xs text-white">{count}</span>
            )}
          </button>
          {showSort && (
            <>
              <ArrowUpDown className="size-4 text-zinc-500" aria-hidden="true" />
              <label htmlFor="task-sort" className="sr-only">
                Sort by
              </label>
              <select
                id="task-sort"
                value={filters.sort}
                onChange={(e) => onChange({ sort: e.target.value as SortKey })}
                className={cn(smallControl, "h-8 text-sm")}
              >
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
      </div>
      <div
        id="filter-chips"
        className={cn(
          "relative -mx-1 flex-wrap items-center gap-1.5 px-1 pb-1",
          open ? "flex" : "hidden sm:flex",
        )}
      >
        {showStatus && (
          <>
            <ToggleChips
              values={STATUSES}
              labels={STATUS_LABEL}
              selected={filters.status}
              onChange={(status) => onChange({ status })}
            />
            <ChipDivider />
          </>
        )}
        <ToggleChips
          values={PRIORITIES_MOST_URGENT_FIRST}
          labels={PRIORITY_LABEL}
          selected={filters.priority}
          onChange={(priority) => onChange({ priority })}
        />
        <ChipDivider />
        <Chip pressed={filters.overdue} onClick={() => onChange({ overdue: !filters.overdue })}>
          Overdue
        </Chip>
        <Chip pressed={filters.showDone} onClick={() => onChange({ showDone: !filters.showDone })}>
          Show completed
        </Chip>
        <label htmlFor="filter-label" className="sr-only">
          Label
        </label>
        <select
          id="filter-label"
          value={filters.label}
          onChange={(e) => onChange({ label: e.target.value })}
          className={smallControl}
        >
          <option value="">All labels</option>
          {filters.label && !(labels.data ?? []).includes(filters.label) && (
            <option value={filters.label}>#{filters.label}</option>
          )}
          {(labels.data ?? []).map((l) => (
            <option key={l} value={l}>
              #{l}
            </option>
          ))}
        </select>
        {/* One group, so a wrapping row never leaves "Due" alone at the end of a line. */}
        <span className="inline-flex shrink-0 items-center gap-1.5">
          <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-400">Due</span>
          <DueDayInput
            id="filter-due-after"
            label="Due from"
            value={filters.dueAfter}
            max={filters.dueBefore}
            onChange={(dueAfter) => onChange(dueRange(filters, { dueAfter }))}
          />
          <span className="text-xs text-zinc-500" aria-hidden="true">
            –
          </span>
          <DueDayInput
            id="filter-due-before"
            label="Due until"
            value={filters.dueBefore}
            min={filters.dueAfter}
            onChange={(dueBefore) => onChange(dueRange(filters, { dueBefore }))}
          />
        </span>
        {count > 0 && (
          <button
            type="button"
            onClick={() =>
              onChange({ ...EMPTY_FILTERS, sort: filters.sort, showDone: filters.showDone })
            }
            className="text-brand-700 hover:bg-brand-50 dark:text-brand-400 dark:hover:bg-brand-600/15 inline-flex h-7 shrink-0 items-center gap-1 rounded-full px-2 text-xs font-medium"
          >
            <X className="size-3.5" aria-hidden="true" />
            Clear {count === 1 ? "filter" : `${count} filters`}
          </button>
        )}
      </div>
    </div>
  );
}
