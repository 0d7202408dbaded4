/**
 * The bar shown while tasks are selected: each control is ONE atomic `POST /tasks/bulk` over the
 * selection (see bulkMutation.ts). A lazy chunk: the list page loads it on the first selection.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Trash2, X } from "lucide-react";
import { useContext, useEffect, useRef, useState, type FormEvent } from "react";
import { PRIORITIES, type Task } from "@/api/types";
import { AuthContext } from "@/features/auth/context";
import { listProjects } from "@/features/quickadd/request";
import { cn } from "@/lib/cn";
import { browserZone } from "@/lib/dates";
import { ActionSelect } from "@/ui/ActionSelect";
import { Button } from "@/ui/primitives";
import { useToastClearance } from "@/ui/toastClearance";
import { localDay, type BulkAction, type RescheduleTo } from "./bulk";
import { runBulk } from "./bulkMutation";
import { EDIT, moveTaskFocus } from "./focusNav";
import { ownOpenProjects } from "./projectChoices";
import { PRIORITY_LABEL } from "./statusPriorityDisplay";

const control =
  "h-8 rounded-md border border-zinc-300 bg-white px-2 text-[13px] text-zinc-800 focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

const RESCHEDULE: { value: RescheduleTo; label: string }[] = [
  { value: "today", label: "Today" },
  { value: "tomorrow", label: "Tomorrow" },
  { value: "next_week", label: "Next week (Monday)" },
  { value: "none", label: "No due date" },
];
// Most urgent first.
const PRIORITY_OPTIONS = [...PRIORITIES]
  .reverse()
  .map((p) => ({ value: p, label: PRIORITY_LABEL[p] }));

/** What in the bar can hold the focus; `refocusAt`: which of them an action came from (-1: none). */
const CONTROLS = "button, select, input";
let refocusAt = -1;

export default function BulkBar({
  tasks,
  onClear,
}: {
  tasks: readonly Task[];
  /** Empty the selection (after an applied action, or by the user). */
  onClear: () => void;
}) {
  const qc = useQueryClient();
  const user = useContext(AuthContext)?.user as { time_zone?: unknown } | null | undefined;
  const timeZone = typeof user?.time_zone === "string" ? user.time_zone : undefined;
  const projects = useQuery({ queryKey: ["projects"], queryFn: listProjects, staleTime: 30_000 });
  // Where the editor's Project field lets an own task go.
  const movable = ownOpenProjects(projects.data ?? []);
  const [busy, setBusy] = useState(false);
  const [label, setLabel] = useState("");

  const bar = useRef<HTMLDivElement>(null);
  useToastClearance(bar);
  // Shown again idle (a refused action), the bar gives the focus back to the control the action
  // came from, which dropped it while disabled. By its place in the bar: a Complete whose rows
  // left the list at once brings the bar back, when refused, as a new one.
  useEffect(() => {
    if (busy || refocusAt < 0) return;
    const control = bar.current?.querySelectorAll<HTMLElement>(CONTROLS)[refocusAt];
    refocusAt = -1;
    if (document.activeElement === document.body) control?.focus();
  }, [busy]);

  const apply = async (action: BulkAction, projectName?: string) => {
    const controls = [...(bar.current?.querySelectorAll(CONTROLS) ?? [])];
    const from = document.activeElement;
    refocusAt = from ? controls.indexOf(from) : -1;
    setBusy(true);
    try {
      const day = localDay(new Date(), timeZone);
      const done = await runBulk(qc, tasks, action, day, projectName, onClear);
      if (!done) return;
      const hadFocus = refocusAt >= 0;
      refocusAt = -1;
      onClear();
      // The bar goes with the selection: the focus it held goes to the first selected task still
      // shown (else the first task), not to the page, unless the user has put it elsewhere.
      const lost =
        document.activeElement === document.body || bar.current?.contains(document.activeElement);
      if (!hadFocus || !lost) return;
      const row = tasks
        .map((t) => document.querySelector<HTMLElement>(`[data-task-id="${t.id}"] ${EDIT}`))
        .find(Boolean);
      if (row) row.focus();
      else moveTaskFocus(1);
    } finally {
      setBusy(false);
    }
  };
  const addLabel = (e: FormEvent) => {
    e.preventDefault();
    const l = label.trim().replace(/^#/, "");
    if (!l) return;
    setLabel("");
    void apply({ kind: "label", label: l });
  };
  const n = tasks.length;

  return (
    <div
      ref={bar}
      role="toolbar"
      aria-label={`Bulk actions for ${n} selected ${n === 1 ? "task" : "tasks"}`}
      aria-busy={busy}
      className={cn(
        "sticky bottom-[4.5rem] z-10 mt-3 flex flex-wrap items-center gap-2 rounded-xl border border-zinc-200 bg-white/95 p-2 shadow-lg backdrop-blur md:bottom-4",
        "dark:border-zinc-700 dark:bg-zinc-950/95",
      )}
    >
      <span className="px-1 text-sm font-semibold" aria-live="polite">
        {n} selected
      </span>
      <Button
        size="icon"
        variant="ghost"
        className="size-8"
        aria-label="Clear selection (Esc)"
        onClick={onClear}
      >
        <X className="size-4" aria-hidden="true" />
      </Button>
      <Button
        size="sm"
        variant="secondary"
        disabled={busy}
        onClick={() => void apply({ kind: "complete" })}
      >
        <Check className="size-4" aria-hidden="true" /> Complete
      </Button>
      <ActionSelect
        label="Set priority"
        prompt="Priority…"
        options={PRIORITY_OPTIONS}
        className={control}
        disabled={busy}
        onPick={(priority) => void apply({ kind: "priority", priority })}
      />
      <ActionSelect
        label="Reschedule"
        prompt="Reschedule…"
        options={RESCHEDULE}
        className={control}
        disabled={busy}
        onPick={(to) => void apply({ kind: "reschedule", to, timeZone: timeZone ?? browserZone() })}
      />
      <ActionSelect
        label="Move to project"
        prompt={projects.isError ? "Projects unavailable" : "Move to…"}
        options={movable.map((p) => ({ value: p.id, label: p.name }))}
        className={control}
        disabled={busy || !projects.data}
        onPick={(id) => {
          const p = projects.data?.find((x) => x.id === id);
          if (p) void apply({ kind: "project", projectId: p.id }, p.name);
        }}
      />
      <form onSubmit={addLabel} className="flex items-center gap-1">
        <input
          aria-label="Label to add"
          placeholder="#label"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          size={9}
          className={control}
        />
        <Button size="sm" variant="secondary" type="submit" disabled={busy || !label.trim()}>
          Add label
        </Button>
      </form>
      <Button
        size="sm"
        variant="danger"
        disabled={busy}
        onClick={() => void apply({ kind: "delete" })}
      >
        <Trash2 className="size-4" aria-hidden="true" /> Delete
      </Button>
    </div>
  );
}

// Alt+↑/↓ loads through this chunk: one more lazy entry reshuffles the initial route's chunks
// (react and the API client split out of the entry: +1 kB gzipped).
// eslint-disable-next-line react-refresh/only-export-components -- a lazy chunk, not hot-reloaded state
export { moveByKey } from "./reorder";
