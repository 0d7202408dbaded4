import { API_KNOWS } from "./request";

/** The quick-add syntax, for the help sheet. Parts the API cannot store yet are not offered. */
const ROWS: ReadonlyArray<readonly [string, string, boolean]> = [
  ["at 6pm, tomorrow 9:30, fri noon", "Due at a time", true],
  [
    "tomorrow, fri, 5 May, on the 15th, next week, next week fri",
    "Due on a day (no time)",
    API_KNOWS.due_on,
  ],
  ["p1 p2 p3 p4, or !urgent !high !medium !low", "Priority: urgent, high, medium, low", true],
  ["#errands", "Label (as many as you like)", true],
  ["+Home", "Project (one word, any case)", API_KNOWS.project_id],
  [
    "every day, every weekday, every Monday, every 2 weeks, every 15th, every month on the last day",
    "Repeat",
    API_KNOWS.recurrence,
  ],
];

export function QuickAddHelp() {
  return (
    <section aria-labelledby="quick-add-help" className="mt-5">
      <h3 id="quick-add-help" className="text-sm font-semibold">
        Quick add
      </h3>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Type a sentence such as “Call mom tomorrow at 6pm p1 #family”: the parts it reads show as
        chips under the field before you press Enter. Remove a chip (click it, or Tab to it and
        press Enter) to keep those words in the title. A new task also takes the filters of the view
        it is added in.
      </p>
      <dl className="mt-2 divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {ROWS.filter(([, , on]) => on).map(([example, what]) => (
          <div key={what} className="flex items-baseline justify-between gap-4 py-2">
            <dt className="text-zinc-700 dark:text-zinc-300">{what}</dt>
            <dd className="text-right font-mono text-xs text-zinc-600 dark:text-zinc-400">
              {example}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
        If two dates are typed, the last one counts. Words in quotes, e-mail addresses and links
        always stay in the title, and so do a month without a day (“the may release”) and a token
        typed on its own (“p1”).
      </p>
    </section>
  );
}
