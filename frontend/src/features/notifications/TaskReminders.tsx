import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BellRing, Check, X } from "lucide-react";
import { useState, type FormEvent, type InputHTMLAttributes } from "react";
import { ApiError, errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { useTimeZone } from "@/features/auth/context";
import { dueFields, dueOf } from "@/features/tasks/taskForm";
import { dateFormat, dayIn } from "@/lib/dates";
import { FormAlert } from "@/ui/FormAlert";
import { Button, Input } from "@/ui/primitives";
import {
  addReminder,
  deleteReminder,
  listReminders,
  notificationKeys,
  type Reminder,
  type ReminderCreate,
} from "./api";

const UNITS = { minutes: 1, hours: 60, days: 24 * 60 } as const;
type Unit = keyof typeof UNITS;
// The API's bound (four weeks before the due).
const MAX_BEFORE_MINUTES = 4 * 7 * 24 * 60;

const controlCls =
  "focus:border-brand-500 focus:ring-brand-500/20 h-9 rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900";

// Each input as wide as what it holds ("09:00 AM" and the picker icon need w-32 in Chromium).
const INPUT_WIDTH = { number: "w-20", date: "w-40", time: "w-32" } as const;

/** One of the add form's inputs: sized by its type, named by `label` (the row shows no labels). */
function ReminderInput({
  type,
  label,
  onValue,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "onChange"> & {
  type: keyof typeof INPUT_WIDTH;
  label: string;
  onValue: (value: string) => void;
}) {
  return (
    <div className={INPUT_WIDTH[type]}>
      <Input aria-label={label} type={type} onChange={(e) => onValue(e.target.value)} {...input} />
    </div>
  );
}

/** "90 minutes", "2 hours", "1 day": the largest unit that divides it. */
function spanText(minutes: number): string {
  const [unit, size] =
    minutes % UNITS.days === 0 && minutes
      ? ["day", UNITS.days]
      : minutes % 60 === 0 && minutes
        ? ["hour", 60]
        : ["minute", 1];
  const n = minutes / size;
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** A problem+json answer as the user reads it: its detail, then what each field got wrong. */
function problemText(error: unknown): string {
  if (!(error instanceof ApiError) || !error.errors.length) return errorMessage(error);
  return `${error.detail} ${error.errors.map((e) => e.message).join("; ")}`;
}

/**
 * The task dialog's Reminders section: the caller's own reminders of the task (fired ones shown as
 * fired), a form to add one at a day and time (in the profile's time zone, as due times are) or
 * some time before the due (offered when the task has one), and delete.
 */
export function TaskReminders({ task }: { task: Task }) {
  const qc = useQueryClient();
  const timeZone = useTimeZone();
  const key = notificationKeys.reminders(task.id);
  // Read again when the due moves (`fires_at` follows it, and a reminder before the due that
  // has fired is armed again for a new due); the task's old list stays shown meanwhile (never
  // another task's).
  const reminders = useQuery({
    queryKey: [...key, task.due_date ?? task.due_on],
    queryFn: () => listReminders(task.id),
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[2] === task.id ? previous : undefined,
  });
  const hasDue = !!(task.due_date || task.due_on);
  const due = dueFields(task, timeZone);

  const [kind, setKind] = useState<"at" | "before">("at");
  const [day, setDay] = useState(due.dueDay || dayIn(new Date(), timeZone));
  const [time, setTime] = useState(due.dueTime || "09:00");
  const [amount, setAmount] = useState("30");
  const [unit, setUnit] = useState<Unit>("minutes");
  const [error, setError] = useState<string | null>(null);

  const when = (iso: string) =>
    dateFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
      new Date(iso),
    );

  const add = useMutation({
    mutationFn: (body: ReminderCreate) => addReminder(task.id, body),
    onSuccess: () => {
      setError(null);
      return qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setError(problemText(e)),
  });
  const remove = useMutation({
    mutationFn: (r: Reminder) => deleteReminder(task.id, r.id),
    onSuccess: () => {
      setError(null);
      return qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setError(problemText(e)),
  });

  const before = hasDue && kind === "before";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (before) {
      const n = Number(amount);
      const minutes = n * UNITS[unit];
      if (!amount.trim() || !Number.isInteger(n) || n < 0)
        return setError("Give a whole number of minutes, hours or days.");
      if (minutes > MAX_BEFORE_MINUTES)
        return setError("A reminder can be at most 4 weeks before the due.");
      add.mutate({ before_due: minutes });
    } else {
      const at = day && time ? dueOf({ dueDay: day, dueTime: time }, timeZone).due_date : null;
      if (!at) return setError("Choose a day and a time.");
      add.mutate({ at });
    }
  };

  const describe = (r: Reminder) =>
    r.before_due !== null
      ? `${spanText(r.before_due)} before ${task.recurrence ? "each due" : "due"}`
      : `At ${when(r.at ?? r.fires_at ?? r.created_at)}`;

  return (
    <section
      aria-labelledby={`reminders-${task.id}`}
      className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800"
    >
      <h3
        id={`reminders-${task.id}`}
        className="mb-2 flex items-center gap-1.5 text-sm font-semibold"
      >
        <BellRing className="size-4" aria-hidden="true" /> Reminders
      </h3>
      {reminders.isError ? (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">
          Could not load the reminders: {errorMessage(reminders.error)}
        </p>
      ) : reminders.data?.length ? (
        <ul aria-label="Reminders" className="mb-3 space-y-1 text-sm">
          {reminders.data.map((r) => (
            <li key={r.id} data-testid="reminder" className="flex items-center gap-2">
              <span className="min-w-0 flex-1">
                {describe(r)}
                <span className="text-zinc-600 dark:text-zinc-400">
                  {r.fired_at ? (
                    <>
                      {" · "}
                      <Check className="inline size-3.5" aria-hidden="true" /> Fired{" "}
                      {when(r.fired_at)}
                    </>
                  ) : r.before_due === null ? null : r.fires_at ? (
                    ` · fires ${when(r.fires_at)}`
                  ) : (
                    " · the task has no due: it will not fire"
                  )}
                </span>
              </span>
              <Button
                size="icon"
                variant="ghost"
                className="size-7"
                aria-label={`Delete reminder: ${describe(r)}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(r)}
              >
                <X className="size-4" aria-hidden="true" />
              </Button>
            </li>
          ))}
        </ul>
      ) : reminders.isSuccess ? (
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">No reminders.</p>
      ) : null}
      {error && <FormAlert>{error}</FormAlert>}
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-2">
        <label className="sr-only" htmlFor={`reminder-kind-${task.id}`}>
          Remind me
        </label>
        <select
          id={`reminder-kind-${task.id}`}
          className={controlCls}
          value={before ? "before" : "at"}
          onChange={(e) => setKind(e.target.value as "at" | "before")}
        >
          <option value="at">At a day and time</option>
          {hasDue && <option value="before">Before the due</option>}
        </select>
        {before ? (
          <>
            <ReminderInput
              label="How long before"
              type="number"
              min={0}
              inputMode="numeric"
              value={amount}
              onValue={setAmount}
            />
            <select
              aria-label="Unit"
              className={controlCls}
              value={unit}
              onChange={(e) => setUnit(e.target.value as Unit)}
            >
              {Object.keys(UNITS).map((u) => (
                <option key={u} value={u}>
                  {u} before due
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <ReminderInput label="Reminder day" type="date" value={day} onValue={setDay} />
            <ReminderInput label="Reminder time" type="time" value={time} onValue={setTime} />
          </>
        )}
        <Button type="submit" variant="secondary" disabled={add.isPending}>
          Add reminder
        </Button>
      </form>
      {!before && (
        <p className="mt-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          Day and time in {timeZone.replaceAll("_", " ")}, your profile&rsquo;s time zone.
        </p>
      )}
    </section>
  );
}
