import { useState, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Input, selectClass } from "@/ui/primitives";
import { DAY_NAME, describeRecurrence } from "./recurrence";
import {
  buildRule,
  parseRule,
  startForm,
  WEEKDAY_CODES,
  type RepeatForm,
  type RepeatKind,
} from "./rruleForm";

const KINDS: [RepeatKind, string][] = [
  ["none", "Does not repeat"],
  ["daily", "Daily"],
  ["weekdays", "Every weekday (Mon–Fri)"],
  ["weekly", "Weekly on…"],
  ["monthly", "Monthly on day…"],
  ["monthlyLast", "Monthly on the last day"],
  ["yearly", "Yearly"],
  ["custom", "Custom (RRULE)"],
];
const UNIT: Partial<Record<RepeatKind, string>> = {
  daily: "day",
  weekly: "week",
  monthly: "month",
  monthlyLast: "month",
  yearly: "year",
};

const selectCls = cn(selectClass, "w-full");

/**
 * A labelled whole-number input in a line of text ("Every [2] weeks"). It hands on a number only
 * within min..max (decimals cut), and null once the input is emptied; anything else is ignored.
 */
function NumberRow({
  id,
  label,
  min,
  max,
  placeholder,
  value,
  onValue,
  children,
}: {
  id: string;
  label: string;
  min: number;
  max: number;
  placeholder?: string;
  value: number | null;
  onValue: (n: number | null) => void;
  children?: ReactNode;
}) {
  return (
    <div className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
      <label htmlFor={id}>{label}</label>
      <div className="w-20">
        <Input
          id={id}
          type="number"
          min={min}
          max={max}
          inputMode="numeric"
          placeholder={placeholder}
          value={value ?? ""}
          onChange={(e) => {
            const n = Math.trunc(Number(e.target.value));
            if (e.target.value === "") onValue(null);
            else if (n >= min && n <= max) onValue(n);
          }}
        />
      </div>
      {children}
    </div>
  );
}

/**
 * The repeat rule of a task as a form. The stored rule is only replaced when the user changes a
 * choice: a rule the form cannot express shows as "Custom" with its raw text, untouched.
 */
export function RepeatField({
  id,
  value,
  onChange,
  dueDay,
  error,
}: {
  id: string;
  /** RRULE text, "" for no repeat. */
  value: string;
  onChange: (rule: string) => void;
  dueDay: string;
  error?: string | undefined;
}) {
  // Once "Custom" is picked the raw text stays in view while it is typed, even when it spells a
  // rule one of the other choices could show.
  const [typing, setTyping] = useState(false);
  const form: RepeatForm = typing ? { kind: "custom", rule: value } : parseRule(value);
  const set = (next: RepeatForm) => {
    setTyping(next.kind === "custom");
    onChange(buildRule(next) ?? "");
  };
  const unit = UNIT[form.kind];
  const hintId = `${id}-hint`;
  return (
    <div className="space-y-2">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Repeat
      </label>
      <select
        id={id}
        className={selectCls}
        value={form.kind}
        aria-describedby={hintId}
        aria-invalid={!!error}
        onChange={(e) => set(startForm(e.target.value as RepeatKind, form, dueDay))}
      >
        {KINDS.map(([kind, label]) => (
          <option key={kind} value={kind}>
            {label}
          </option>
        ))}
      </select>
      {unit && "interval" in form && (
        <NumberRow
          id={`${id}-interval`}
          label="Every"
          min={1}
          max={999}
          value={form.interval}
          onValue={(n) => {
            if (n !== null) set({ ...form, interval: n });
          }}
        >
          <span>{form.interval === 1 ? unit : `${unit}s`}</span>
        </NumberRow>
      )}
      {form.kind === "weekly" && (
        <div role="group" aria-label="Repeat on" className="flex flex-wrap gap-1">
          {WEEKDAY_CODES.map((code) => {
            const on = form.days.includes(code);
            return (
              <button
                key={code}
                type="button"
                aria-pressed={on}
                aria-label={DAY_NAME[code]}
                onClick={() =>
                  set({
                    ...form,
                    days: on ? form.days.filter((d) => d !== code) : [...form.days, code],
                  })
                }
                className={cn(
                  "h-8 w-10 rounded-md border text-xs font-medium",
                  on
                    ? "border-brand-600 bg-brand-600 text-white"
                    : "border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
                )}
              >
                {DAY_NAME[code].slice(0, 2)}
              </button>
            );
          })}
        </div>
      )}
      {form.kind === "monthly" && (
        <NumberRow
          id={`${id}-monthday`}
          label="On day"
          min={1}
          max={31}
          placeholder="due"
          value={form.day}
          onValue={(day) => set({ ...form, day })}
        />
      )}
      {form.kind === "custom" && (
        <Input
          id={`${id}-rule`}
          aria-label="RRULE"
          aria-describedby={hintId}
          aria-invalid={!!error}
          spellCheck={false}
          className="font-mono text-xs"
          placeholder="FREQ=MONTHLY;BYDAY=2TU"
          value={form.rule}
          onChange={(e) => {
            setTyping(true);
            onChange(e.target.value);
          }}
        />
      )}
      <p
        id={hintId}
        className={cn(
          "text-xs",
          error ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400",
        )}
        role={error ? "alert" : undefined}
      >
        {/* Nothing to say about a task that does not repeat: a rule without a due day says why
            it needs one when it is chosen (the form's error). */}
        {error ??
          (value && `${describeRecurrence(value)}. Completing it moves the due to the next date.`)}
      </p>
    </div>
  );
}
