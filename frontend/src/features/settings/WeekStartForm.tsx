import type { User } from "@/api/types";
import { useAuth } from "@/features/auth/context";
import { Button, Field, Spinner } from "@/ui/primitives";
import { SETTINGS_SELECT, useProfileChange, useSavedValue } from "./profileChange";

type WeekStart = User["week_start"];

const DAYS = { monday: "Monday", saturday: "Saturday", sunday: "Sunday" } as const;

/** The first day of the Calendar's weeks: the profile's choice, on every device. */
export function WeekStartForm() {
  const { user } = useAuth();
  const saved = user?.week_start ?? null;
  const [choice, setChoice] = useSavedValue<WeekStart>(saved);
  const change = useProfileChange({
    saved: (u) =>
      u.week_start
        ? `Weeks start on ${DAYS[u.week_start]}`
        : "Weeks start where this browser’s language starts them",
    failed: "Could not change the first day of the week",
  });

  return (
    <form
      className="max-w-md space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ week_start: choice }, { onSuccess: (u) => setChoice(u.week_start) });
      }}
    >
      <Field id="week-start" label="Week starts on">
        <select
          id="week-start"
          value={choice ?? ""}
          onChange={(e) => setChoice((e.target.value || null) as WeekStart)}
          className={SETTINGS_SELECT}
        >
          {/* The Calendar's module knows the language's first day; not loaded here for a label. */}
          <option value="">As this browser’s language</option>
          {Object.entries(DAYS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Button type="submit" disabled={change.isPending || choice === saved}>
        {change.isPending && <Spinner />}Save first day
      </Button>
    </form>
  );
}
