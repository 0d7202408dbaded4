import type { Priority } from "@/api/types";

/** What a part of the quick-add text was read as; each kind becomes one chip. */
export type SpanKind = "date" | "priority" | "label" | "project" | "recurrence";

/** Where a recognised part sits in the typed text (`start` inclusive, `end` exclusive). */
export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
  text: string;
}

/** A due *day* (all-day, `YYYY-MM-DD`) or a due *time* (an RFC 3339 instant in UTC). */
export type Due = { kind: "day"; date: string } | { kind: "time"; instant: string };

export interface ParsedTask {
  title: string;
  priority: Priority | null;
  labels: string[];
  due: Due | null;
  /** The `+project` name as typed; resolved to an id by `toCreateRequest`. */
  project: string | null;
  /** RFC 5545 RRULE text without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO`. */
  recurrence: string | null;
  /** The parts that were read as something other than title, in text order. */
  spans: Span[];
}

export interface ParseOptions {
  /** The reference instant for relative dates ("tomorrow"); defaults to now. */
  now?: Date;
  /** IANA zone the words are meant in (the user's zone); defaults to the browser's. */
  timeZone?: string;
  /** Read 5/6 as 5 June (day first) rather than May 6; defaults from the browser's locale. */
  dayFirst?: boolean;
  /** Parts the user turned back into words (a removed chip): kept in the title. */
  literal?: (span: Span) => boolean;
}

/** p1 is the most urgent, p4 the least, as in Todoist. */
export const PRIORITY_TOKENS: Readonly<Record<string, Priority>> = {
  p1: "urgent",
  p2: "high",
  p3: "medium",
  p4: "low",
};
