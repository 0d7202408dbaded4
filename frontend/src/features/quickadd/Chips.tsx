import { CalendarClock, Flag, Folder, Repeat, Tag, X } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/cn";
import { useTimeZone } from "@/features/auth/context";
import { formatDue, formatDueDay } from "@/lib/dates";
import { PRIORITY_LABEL, PRIORITY_TEXT } from "@/features/tasks/statusPriorityDisplay";
import type { ParsedTask, Span } from "./types";

interface Chip {
  span: Span;
  icon: ReactNode;
  /** What the part means, e.g. "Tomorrow 18:00"; the kind is said to screen readers. */
  kindName: string;
  value: string;
  className?: string;
}

const icon = (Icon: typeof Tag) => <Icon className="size-3.5 shrink-0" aria-hidden="true" />;

// In the profile's zone, as quick add reads dates and as the task list shows them.
function dueText(parsed: ParsedTask, timeZone: string): string {
  if (!parsed.due) return "";
  if (parsed.due.kind === "time") return formatDue(parsed.due.instant, undefined, timeZone);
  return formatDueDay(parsed.due.date, timeZone);
}

function chipsOf(parsed: ParsedTask, timeZone: string): Chip[] {
  return parsed.spans.map((span): Chip => {
    switch (span.kind) {
      case "date":
        return {
          span,
          icon: icon(CalendarClock),
          kindName: "due",
          value: dueText(parsed, timeZone),
        };
      case "priority": {
        const p = parsed.priority ?? "medium";
        return {
          span,
          icon: icon(Flag),
          kindName: "priority",
          value: PRIORITY_LABEL[p],
          className: PRIORITY_TEXT[p],
        };
      }
      case "label":
        return { span, icon: icon(Tag), kindName: "label", value: span.text.replace(/^#/, "") };
      case "project":
        return { span, icon: icon(Folder), kindName: "project", value: parsed.project ?? "" };
      case "recurrence":
        return { span, icon: icon(Repeat), kindName: "repeat", value: span.text };
    }
  });
}

/**
 * The parts read from the quick-add text, before saving. Removing one (click, or Enter/Space on
 * its button) keeps its words in the title instead.
 */
export function ParsedChips({
  parsed,
  previewId,
  onRemove,
}: {
  parsed: ParsedTask;
  previewId: string;
  onRemove: (span: Span) => void;
}) {
  const chips = chipsOf(parsed, useTimeZone());
  if (chips.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-1.5 px-1 pt-1.5 pb-0.5">
      <p id={previewId} className="mr-1 text-xs text-zinc-600 dark:text-zinc-400">
        Saves as “{parsed.title}”
      </p>
      <ul aria-label="Read from what you typed" className="flex flex-wrap gap-1.5">
        {chips.map(({ span, icon: chipIcon, kindName, value, className }) => (
          <li
            key={`${span.kind}-${span.start}`}
            className="inline-flex items-center gap-1 rounded-full bg-zinc-100 py-0.5 pr-0.5 pl-2 text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
          >
            <span className={cn("inline-flex items-center gap-1", className)}>
              {chipIcon}
              <span className="sr-only">{kindName}: </span>
              <span className="max-w-48 truncate">{value}</span>
            </span>
            <button
              type="button"
              onClick={() => onRemove(span)}
              aria-label={`Remove ${kindName} ${value}`}
              title={`Keep “${span.text}” in the title`}
              className="focus-visible:ring-brand-500 inline-flex size-5 items-center justify-center rounded-full text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:ring-2 focus-visible:outline-none dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
            >
              <X className="size-3" aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
