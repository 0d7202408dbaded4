import { useQueryClient } from "@tanstack/react-query";
import { useTimeZone } from "@/features/auth/context";
import { Plus } from "lucide-react";
import { useMemo, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { toast } from "@/ui/toast";
import type { TaskStatus } from "@/api/types";
import { loadQuickAdd, type QuickAddEngine } from "@/features/quickadd/load";
import { useMediaQuery } from "@/lib/useMediaQuery";
import { useTaskFilters } from "./filters";
import { newIdempotencyKey, useCreateTask } from "./mutations";
import { STATUS_LABEL } from "./statusPriorityDisplay";

/**
 * Type a sentence and press Enter: "Call mom tomorrow at 6pm p1 #family" is read into chips
 * (removable) before saving. What was not typed comes from the view's filters (defect 1).
 */
export function QuickAdd({ status, compact = false }: { status?: TaskStatus; compact?: boolean }) {
  const [text, setText] = useState("");
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const [engine, setEngine] = useState<QuickAddEngine | null>(null);
  const [filters] = useTaskFilters();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const create = useCreateTask();
  const queryClient = useQueryClient();
  const id = status ? `quick-add-${status}` : "quick-add";
  // A phone's box gets a shorter example (the placeholder below).
  const roomy = useMediaQuery("(min-width: 640px)");
  // The column's name as the board shows it ("To do"), not the API's value ("pending").
  const label = status ? `Add a task to ${STATUS_LABEL[status]}` : "Add a task";

  // Read in the profile's zone, as every date the app shows (lib/dates, TaskBadges) and Today on
  // the server: "6pm" is the 6pm the user then sees, whatever zone the browser is in.
  const timeZone = useTimeZone();
  const parsed = useMemo(
    () => (engine && text.trim() ? engine.readQuickAdd(text, { dismissed, timeZone }) : null),
    [engine, text, dismissed, timeZone],
  );

  const loadOnce = () => {
    if (!engine) loadQuickAdd().then(setEngine, () => undefined); // retried on submit
  };

  async function submit() {
    if (!text.trim()) return;
    const mod = engine ?? (await loadQuickAdd().catch(() => null));
    if (!mod) {
      // Offline before the chunk ever loaded: keep the text so nothing typed is lost.
      toast.error("Could not add the task: the app could not be reached. Try again.");
      return;
    }
    const { body, onCreated } = await mod.prepareQuickAdd(text, {
      dismissed,
      timeZone,
      status,
      filters,
      queryClient,
      showAll: () => void navigate(pathname),
    });
    create.mutate({ body, key: newIdempotencyKey() }, { onSuccess: onCreated });
    setText("");
    setDismissed(new Set());
  }

  const previewId = `${id}-preview`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      className={
        compact
          ? "rounded-lg px-2 py-1.5 focus-within:bg-white dark:focus-within:bg-zinc-900"
          : "focus-within:border-brand-500 focus-within:ring-brand-500/20 rounded-lg border border-zinc-200 bg-white px-3 py-2 shadow-xs focus-within:ring-2 dark:border-zinc-800 dark:bg-zinc-900"
      }
    >
      <div className={compact ? "flex items-center gap-2" : "flex items-center gap-3"}>
        <Plus className="text-brand-600 dark:text-brand-400 size-5 shrink-0" aria-hidden="true" />
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <input
          id={id}
          ref={input}
          value={text}
          onFocus={loadOnce}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value.trim()) setDismissed(new Set());
          }}
          maxLength={255}
          placeholder={
            compact
              ? "Add task"
              : roomy
                ? "Add a task: “Call mom tomorrow 6pm p1 #family”"
                : // A phone's box holds about 28 characters: a shorter example, whole.
                  "Add a task: “Gym tue 7am p2”"
          }
          autoComplete="off"
          aria-describedby={parsed?.spans.length ? previewId : undefined}
          className="h-8 min-w-0 flex-1 bg-transparent text-sm placeholder:text-zinc-500 focus:outline-none dark:placeholder:text-zinc-400"
        />
      </div>
      {engine && parsed && (
        <engine.ParsedChips
          parsed={parsed}
          previewId={previewId}
          onRemove={(span) => {
            setDismissed((d) => new Set([...d, engine.chipKey(span)]));
            input.current?.focus();
          }}
        />
      )}
    </form>
  );
}
