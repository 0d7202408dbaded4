/**
 * The quick add's reading of its text: the parser with the chips the user removed and the parts
 * today's API cannot store kept as words. Part of the lazy chunk (see load.ts).
 */
import { parseQuickAdd } from "./parse";
import { API_KNOWS } from "./request";
import type { ParsedTask, Span } from "./types";

/** A removed chip is remembered by kind and words, so it stays words while the text is edited. */
export const chipKey = (s: Pick<Span, "kind" | "text">) => `${s.kind}:${s.text.toLowerCase()}`;

/** Parts the API cannot take yet stay in the title instead of being dropped (see API_KNOWS). */
const unsupported = (s: Span) =>
  (s.kind === "recurrence" && !API_KNOWS.recurrence) ||
  (s.kind === "project" && !API_KNOWS.project_id);

export function readQuickAdd(
  text: string,
  options: { dismissed?: ReadonlySet<string>; now?: Date; timeZone?: string; dayFirst?: boolean },
): ParsedTask {
  const dismissed = options.dismissed ?? new Set<string>();
  const asWords = new Set<string>();
  const literal = (s: Span) =>
    dismissed.has(chipKey(s)) || unsupported(s) || asWords.has(chipKey(s));
  for (;;) {
    const parsed = parseQuickAdd(text, { ...options, literal });
    const date = parsed.spans.find((s) => s.kind === "date");
    // A due day cannot be stored as a time: until the API has due_on its words stay words.
    if (parsed.due?.kind !== "day" || API_KNOWS.due_on || !date) return parsed;
    asWords.add(chipKey(date));
  }
}
