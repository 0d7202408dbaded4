/**
 * Natural-language quick add: "Call mom tomorrow at 6pm p1 #family +Home every week" becomes a
 * title plus structured parts. Dates come from chrono-node (English); the tokens are ours:
 * `p1`–`p4` or `!urgent`…`!low` priority, `#label`, `+project`, `every …` recurrence (RFC 5545
 * RRULE).
 *
 * Decisions (also in the help sheet):
 * - A date without a time is a due *day*; only a stated clock time ("6pm", "noon", "9:30") makes a
 *   due *time*. "Tonight" or "tomorrow evening" name no clock time, so they give a day.
 * - When a part appears twice (two dates, `p1 … p2`), the last one wins and the earlier stays in
 *   the title as words; labels add up.
 * - Text inside quotes, e-mail addresses and URLs is always title, and so is a month or a year
 *   without a day ("the may release", "next month").
 * - If nothing would be left for the title ("p1" alone, "tomorrow" alone), nothing is parsed:
 *   the text is the title.
 *
 * This module pulls in chrono-node, so the app loads it lazily (see QuickAdd.tsx).
 */
import { TZDate, tzOffset } from "@date-fns/tz";
import * as chrono from "chrono-node/en";
import {
  PRIORITY_TOKENS,
  type Due,
  type ParseOptions,
  type ParsedTask,
  type Span,
  type SpanKind,
} from "./types";

interface Civil {
  y: number;
  m: number; // 1-12
  d: number;
}

interface Rule {
  rrule: string;
  byDay?: number[]; // 0 = Sunday
  byMonthDay?: number; // -1 = the last day
}

const MAX_LABEL = 50; // the API's limit; a longer "#word" stays in the title
const MAX_PROJECT = 100;

// A token starts the text or follows a space or an opening bracket, and ends at a space, the end
// or trailing punctuation ("#home," is the label "home").
const START = String.raw`(?<=^|[\s(\[])`;
const END = String.raw`(?=$|[\s,;:!?.)\]])`;
// p1–p4 as in Todoist, or the priority's name after "!" (Vikunja and TickTick users type those).
const PRIORITY_RE = new RegExp(
  String.raw`${START}(?:p([1-4])|!(urgent|high|medium|low))${END}`,
  "giu",
);
const NAMED_PRIORITY: Readonly<Record<string, string>> = {
  urgent: "p1",
  high: "p2",
  medium: "p3",
  low: "p4",
};
const LABEL_RE = new RegExp(
  String.raw`${START}#([\p{L}\p{N}_](?:[\p{L}\p{N}_\-/.]*[\p{L}\p{N}_])?)${END}`,
  "gu",
);
const PROJECT_RE = new RegExp(String.raw`${START}\+(\p{L}[\p{L}\p{N}_\-]*)${END}`, "gu");
const EVERY_RE = /(?<![\p{L}\p{N}_])every\s+/giu;
// Quoted text, e-mail addresses and URLs: their words never become tokens or dates.
const PROTECTED_RE = new RegExp(
  [
    String.raw`"[^"]*"`,
    String.raw`“[^”]*”`,
    String.raw`(?<=^|\s)'[^']+'(?=$|[\s,;:!?.])`,
    String.raw`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`,
    String.raw`\b(?:https?://|www\.)\S+`,
  ].join("|"),
  "gu",
);

const WEEKDAYS: ReadonlyArray<[RegExp, number, string]> = [
  [/^sun(?:day)?s?$/i, 0, "SU"],
  [/^mon(?:day)?s?$/i, 1, "MO"],
  [/^tue(?:s(?:day)?)?s?$/i, 2, "TU"],
  [/^wed(?:nesday)?s?$/i, 3, "WE"],
  [/^thu(?:r(?:s(?:day)?)?)?s?$/i, 4, "TH"],
  [/^fri(?:day)?s?$/i, 5, "FR"],
  [/^sat(?:urday)?s?$/i, 6, "SA"],
];
const WEEKDAY_WORD = String.raw`(?:sun(?:day)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?)s?`;
const NOT_WORD = String.raw`(?![\p{L}\p{N}_])`;
const FREQ: Readonly<Record<string, string>> = {
  day: "DAILY",
  week: "WEEKLY",
  month: "MONTHLY",
  year: "YEARLY",
};

/** The rules `every …` understands, tried in order at the text after "every ". */
const RULES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Rule | null]> = [
  [
    new RegExp(
      String.raw`(?:month\s+on\s+the\s+last\s+day|last\s+day\s+of\s+(?:the\s+)?month)${NOT_WORD}`,
      "iuy",
    ),
    () => ({ rrule: "FREQ=MONTHLY;BYMONTHDAY=-1", byMonthDay: -1 }),
  ],
  [
    // "month on the 15th", or "15th" ("of the month"); "2nd week" is an interval (below)
    new RegExp(
      String.raw`(?:month\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?|(\d{1,2})(?:st|nd|rd|th)(?:\s+(?:day\s+)?of\s+(?:the|each|every)\s+month)?(?!\s+(?:day|week|month|year)))${NOT_WORD}`,
      "iuy",
    ),
    (m) => {
      const n = Number(m[1] ?? m[2]);
      return n >= 1 && n <= 31 ? { rrule: `FREQ=MONTHLY;BYMONTHDAY=${n}`, byMonthDay: n } : null;
    },
  ],
  [
    new RegExp(String.raw`(?:weekday|workday|working\s+day)${NOT_WORD}`, "iuy"),
    () => ({ rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", byDay: [1, 2, 3, 4, 5] }),
  ],
  [
    new RegExp(String.raw`weekend${NOT_WORD}`, "iuy"),
    () => ({ rrule: "FREQ=WEEKLY;BYDAY=SA,SU", byDay: [6, 0] }),
  ],
  [
    new RegExp(
      String.raw`(other|\d{1,3})(?:st|nd|rd|th)?\s+(day|week|month|year)s?${NOT_WORD}`,
      "iuy",
    ),
    (m) => {
      const n = m[1]!.toLowerCase() === "other" ? 2 : Number(m[1]);
      const freq = FREQ[m[2]!.toLowerCase()]!;
      if (n < 1) return null;
      return { rrule: n === 1 ? `FREQ=${freq}` : `FREQ=${freq};INTERVAL=${n}` };
    },
  ],
  [
    new RegExp(String.raw`(day|week|month|year)${NOT_WORD}`, "iuy"),
    (m) => ({ rrule: `FREQ=${FREQ[m[1]!.toLowerCase()]!}` }),
  ],
  [
    new RegExp(
      String.raw`${WEEKDAY_WORD}(?:\s*(?:,\s*and|,|and)\s*${WEEKDAY_WORD})*${NOT_WORD}`,
      "iuy",
    ),
    (m) => {
      const days = new Map<number, string>();
      for (const word of m[0].split(/\s*(?:,\s*and|,|\band\b)\s*|\s+/i)) {
        const hit = WEEKDAYS.find(([re]) => re.test(word));
        if (hit) days.set(hit[1], hit[2]);
      }
      // RFC 5545 lists days in any order; Monday first reads best.
      const order = [...days.keys()].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
      return {
        rrule: `FREQ=WEEKLY;BYDAY=${order.map((d) => days.get(d)).join(",")}`,
        byDay: order,
      };
    },
  ],
];

// A word that only leads into the date ("submit on Dec 15", "report due by 5pm") goes with it, so
// the title does not end in it. chrono takes "on" before a weekday itself, not before the rest.
const DATE_LEAD_RE = /(?<=^|\s)(?:due(?:\s+(?:on|by))?|by|on(?:\s+the)?)\s+$/iu;

const pad = (n: number) => String(n).padStart(2, "0");
const dayKey = (c: Civil) => `${c.y}-${pad(c.m)}-${pad(c.d)}`;
const utcOf = (c: Civil) => new Date(Date.UTC(c.y, c.m - 1, c.d));
const addDays = (c: Civil, n: number): Civil => {
  const t = utcOf(c);
  t.setUTCDate(t.getUTCDate() + n);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The first day on or after `from` that the rule includes (recurrence needs a due). */
function firstOccurrence(rule: Rule, from: Civil): Civil {
  if (rule.byDay?.length) {
    for (let k = 0; k < 7; k++) {
      const c = addDays(from, k);
      if (rule.byDay.includes(utcOf(c).getUTCDay())) return c;
    }
  }
  if (rule.byMonthDay === -1) return { y: from.y, m: from.m, d: daysInMonth(from.y, from.m) };
  if (rule.byMonthDay) {
    let { y, m } = from;
    // A month without that day is skipped, as RFC 5545 does ("the 31st" skips April).
    for (let i = 0; i < 13; i++) {
      if ((i > 0 || from.d <= rule.byMonthDay) && rule.byMonthDay <= daysInMonth(y, m)) {
        return { y, m, d: rule.byMonthDay };
      }
      m = m === 12 ? 1 : m + 1;
      y = m === 1 ? y + 1 : y;
    }
  }
  return from;
}

/**
 * "on the 15th": the next 15th, as Todoist reads it (chrono reads "15th" only with a month).
 * Only after "on the", and only where no word follows but "at", a time or a token, so "the 25th
 * anniversary" and "on the 3rd floor" stay words.
 */
const ON_THE_ORDINAL: chrono.Parser = {
  pattern: () =>
    /(?<![\p{L}\p{N}_])on\s+the\s+(\d{1,2})(?:st|nd|rd|th)(?=[\s,;.!?)]*(?:$|at\b|@|\d))/iu,
  extract: (context, match) => {
    const n = Number(match[1]);
    if (n < 1 || n > 31) return null;
    const ref = context.reference.getDateWithAdjustedTimezone();
    const today = { y: ref.getFullYear(), m: ref.getMonth() + 1, d: ref.getDate() };
    const day = firstOccurrence({ rrule: "", byMonthDay: n }, today);
    const components = context.createParsingComponents({ day: day.d });
    return components.imply("month", day.m).imply("year", day.y);
  },
};
/** Next Monday (7 days on from a Monday): "next week", as Todoist reads it and as the bulk bar's
 * "Next week (Monday)" sets it. */
const nextMonday = (today: Civil) => addDays(today, (8 - utcOf(today).getUTCDay()) % 7 || 7);

/**
 * "next week friday" (or "next week on friday"): that day of the week starting next Monday, as
 * "next week" alone is read (below) and as chrono reads "friday next week". chrono read only
 * "friday" (this week's) and left "next week" in the title.
 */
const NEXT_WEEK_DAY: chrono.Parser = {
  pattern: () =>
    new RegExp(
      String.raw`(?<![\p{L}\p{N}_])next\s+week(?:\s+on)?\s+(${WEEKDAY_WORD})${NOT_WORD}`,
      "iu",
    ),
  extract: (context, match) => {
    const ref = context.reference.getDateWithAdjustedTimezone();
    const today = { y: ref.getFullYear(), m: ref.getMonth() + 1, d: ref.getDate() };
    const weekday = WEEKDAYS.find(([re]) => re.test(match[1]!))![1];
    const day = addDays(nextMonday(today), (weekday + 6) % 7); // Sunday last
    return context.createParsingComponents({ day: day.d, month: day.m, year: day.y });
  },
};
/** chrono's English parser plus "on the 15th" and "next week friday"; day-first reads 5/6 as
 * 5 June. */
function englishParser(dayFirst: boolean): chrono.Chrono {
  const config = chrono.configuration.createCasualConfiguration(dayFirst);
  for (const p of config.parsers) {
    // Day-first chrono drops "Dec 15" and "april 15" in case 15 is a year ("December 2015"); in
    // a task nobody means that, and a month name is not ambiguous in any locale.
    if ("shouldSkipYearLikeDate" in p) p.shouldSkipYearLikeDate = false;
  }
  config.parsers.push(ON_THE_ORDINAL, NEXT_WEEK_DAY);
  return new chrono.Chrono(config);
}
const MONTH_FIRST = englishParser(false);
const DAY_FIRST = englishParser(true);

const zonedInstant = (c: Civil, hour: number, minute: number, zone: string) =>
  new Date(new TZDate(c.y, c.m - 1, c.d, hour, minute, zone).getTime()).toISOString();

const blank = (s: string) => " ".repeat(s.length);

function maskRanges(text: string, ranges: ReadonlyArray<{ start: number; end: number }>) {
  let out = text;
  for (const r of ranges)
    out = out.slice(0, r.start) + blank(out.slice(r.start, r.end)) + out.slice(r.end);
  return out;
}

function defaultDayFirst(): boolean {
  const lang = typeof navigator === "undefined" ? "en-US" : navigator.language;
  // US-style month/day only where people write it that way.
  return !/^en-(US|PH)$|^en$/i.test(lang);
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Reads the quick-add text; pure apart from `now`/zone defaults. */
export function parseQuickAdd(text: string, options: ParseOptions = {}): ParsedTask {
  const now = options.now ?? new Date();
  const zone = options.timeZone ?? localTimeZone();
  const literal = options.literal ?? (() => false);
  const plain: ParsedTask = {
    title: text.replace(/\s+/g, " ").trim(),
    priority: null,
    labels: [],
    due: null,
    project: null,
    recurrence: null,
    spans: [],
  };

  const protectedRanges = [...text.matchAll(PROTECTED_RE)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  const masked = maskRanges(text, protectedRanges);

  // Every token found, whether or not the user turned it back into words: chrono must not read
  // "Monday" out of a dismissed "every Monday".
  const found: Array<Span & { value: string; rule?: Rule }> = [];
  const span = (kind: SpanKind, start: number, end: number) => ({
    kind,
    start,
    end,
    text: text.slice(start, end),
  });

  for (const m of masked.matchAll(EVERY_RE)) {
    const at = m.index + m[0].length;
    for (const [re, build] of RULES) {
      re.lastIndex = at;
      const r = re.exec(masked);
      const rule = r && build(r);
      if (r && rule) {
        found.push({ ...span("recurrence", m.index, at + r[0].length), value: rule.rrule, rule });
        break;
      }
    }
  }
  const overlaps = (s: number, e: number) => found.some((f) => s < f.end && f.start < e);
  for (const m of masked.matchAll(PRIORITY_RE)) {
    if (!overlaps(m.index, m.index + m[0].length)) {
      const value = m[1] ? `p${m[1]}` : NAMED_PRIORITY[m[2]!.toLowerCase()]!;
      found.push({ ...span("priority", m.index, m.index + m[0].length), value });
    }
  }
  for (const m of masked.matchAll(LABEL_RE)) {
    const name = m[1]!;
    // "#12" is an issue number, not a label.
    if (/^\d+$/.test(name) || name.length > MAX_LABEL) continue;
    if (!overlaps(m.index, m.index + m[0].length)) {
      found.push({ ...span("label", m.index, m.index + m[0].length), value: name });
    }
  }
  for (const m of masked.matchAll(PROJECT_RE)) {
    if (m[1]!.length > MAX_PROJECT || overlaps(m.index, m.index + m[0].length)) continue;
    found.push({ ...span("project", m.index, m.index + m[0].length), value: m[1]! });
  }

  const active = found.filter((f) => !literal(f));
  const lastOf = (kind: SpanKind) => active.filter((f) => f.kind === kind).at(-1);
  const priority = lastOf("priority");
  const project = lastOf("project");
  const recurrence = lastOf("recurrence");
  const labels = active.filter((f) => f.kind === "label");

  // Dates: chrono reads the text with every token and protected range blanked out, in the
  // user's zone (its offset now; the instant is then computed DST-correct for the target day).
  const parser = (options.dayFirst ?? defaultDayFirst()) ? DAY_FIRST : MONTH_FIRST;
  const dateText = maskRanges(masked, found);
  const dateResults = parser
    .parse(
      dateText,
      { instant: now, timezone: tzOffset(zone, now) },
      {
        forwardDate: true,
      },
    )
    // A month or year alone ("may", "next month") names no day: "in may release" stays words.
    .filter(({ start: c }) => c.isCertain("day") || c.isCertain("weekday") || c.isCertain("hour"))
    .map((r) => {
      const lead = DATE_LEAD_RE.exec(dateText.slice(0, r.index));
      return { r, span: span("date", lead?.index ?? r.index, r.index + r.text.length) };
    })
    .filter(({ span: s }) => !literal(s));
  const dated = dateResults.at(-1);

  const todayZ = new TZDate(now.getTime(), zone);
  const today: Civil = { y: todayZ.getFullYear(), m: todayZ.getMonth() + 1, d: todayZ.getDate() };
  let due: Due | null = null;
  if (dated) {
    const c = dated.r.start;
    const onDay = c.isCertain("day") || c.isCertain("weekday");
    const civil: Civil = { y: c.get("year")!, m: c.get("month")!, d: c.get("day")! };
    if (c.isCertain("hour")) {
      let day = civil;
      if (!onDay && recurrence?.rule) {
        // "every Monday at 9am": the day comes from the rule; a time already past today moves on.
        day = firstOccurrence(recurrence.rule, today);
        if (zonedInstant(day, c.get("hour")!, c.get("minute") ?? 0, zone) <= now.toISOString()) {
          day = firstOccurrence(recurrence.rule, addDays(today, 1));
        }
      }
      const instant = c.isCertain("timezoneOffset")
        ? c.date().toISOString() // "6pm EST" names its own zone
        : zonedInstant(day, c.get("hour")!, c.get("minute") ?? 0, zone);
      due = { kind: "time", instant };
    } else if (/^next\s+week$/i.test(dated.r.text)) {
      due = { kind: "day", date: dayKey(nextMonday(today)) }; // chrono: 7 days on
    } else {
      due = { kind: "day", date: dayKey(civil) };
    }
  } else if (recurrence?.rule) {
    due = { kind: "day", date: dayKey(firstOccurrence(recurrence.rule, today)) };
  }

  const spans: Span[] = [
    ...(priority ? [priority] : []),
    ...labels,
    ...(project ? [project] : []),
    ...(recurrence ? [recurrence] : []),
    ...(dated ? [dated.span] : []),
  ]
    .map(({ kind, start, end, text: t }) => ({ kind, start, end, text: t }))
    .sort((a, b) => a.start - b.start);

  let title = "";
  let at = 0;
  for (const s of spans) {
    title += `${text.slice(at, s.start)} `;
    at = s.end;
  }
  title = (title + text.slice(at)).replace(/\s+/g, " ").trim();
  if (!title || spans.length === 0) return plain;

  return {
    title,
    priority: priority ? PRIORITY_TOKENS[priority.value.toLowerCase()]! : null,
    labels: [...new Set(labels.map((l) => l.value.normalize("NFC")))],
    due,
    project: project?.value ?? null,
    recurrence: recurrence?.value ?? null,
    spans,
  };
}
