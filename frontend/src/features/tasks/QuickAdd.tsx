import { Plus } from "lucide-react";
import { useState } from "react";
import type { TaskStatus } from "@/api/types";
import { newIdempotencyKey, useCreateTask } from "./mutations";

/** Type a title and press Enter. */
export function QuickAdd({ status, compact = false }: { status?: TaskStatus; compact?: boolean }) {
  const [title, setTitle] = useState("");
  const create = useCreateTask();
  const label = status ? `Add a task to ${status.replace("_", " ")}` : "Add a task";
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const t = title.trim();
        if (!t) return;
        create.mutate({
          body: { title: t.slice(0, 255), ...(status ? { status } : {}) },
          key: newIdempotencyKey(),
        });
        setTitle("");
      }}
      className={
        compact
          ? "flex items-center gap-2 rounded-lg px-2 py-1.5 focus-within:bg-white dark:focus-within:bg-zinc-900"
          : "focus-within:border-brand-500 focus-within:ring-brand-500/20 flex items-center gap-3 rounded-lg border border-zinc-200 bg-white px-3 py-2 shadow-xs focus-within:ring-2 dark:border-zinc-800 dark:bg-zinc-900"
      }
    >
      <Plus className="text-brand-600 dark:text-brand-400 size-5 shrink-0" aria-hidden="true" />
      <label htmlFor={status ? `quick-add-${status}` : "quick-add"} className="sr-only">
        {label}
      </label>
      <input
        id={status ? `quick-add-${status}` : "quick-add"}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        maxLength={255}
        placeholder={compact ? "Add task" : "Add a task, press Enter to save"}
        autoComplete="off"
        className="h-8 min-w-0 flex-1 bg-transparent text-sm placeholder:text-zinc-500 focus:outline-none dark:placeholder:text-zinc-400"
      />
    </form>
  );
}
