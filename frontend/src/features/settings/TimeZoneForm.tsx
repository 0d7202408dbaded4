import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useAuth } from "@/features/auth/context";
import { Button, Field, Spinner } from "@/ui/primitives";
import { SETTINGS_SELECT, useProfileChange, useSavedValue } from "./profileChange";
import { browserZone, zoneChoices } from "./zones";

/** The profile's time zone: it decides "today", overdue and what a due day means. */
export function TimeZoneForm() {
  const { user } = useAuth();
  const qc = useQueryClient();
  const saved = user?.time_zone ?? "UTC";
  const [zone, setZone] = useSavedValue(saved);
  const choices = useMemo(() => zoneChoices(saved), [saved]);
  const browser = browserZone();
  const change = useProfileChange({
    saved: (u) => `Time zone set to ${u.time_zone}`,
    failed: "Could not change the time zone",
    then: () => {
      // Today, Upcoming, overdue and due-day filters all change with the zone.
      void qc.invalidateQueries({ queryKey: ["planner"] });
      void qc.invalidateQueries({ queryKey: ["tasks"] });
    },
  });
  const busy = change.isPending;

  const save = (timeZone: string) =>
    change.mutate({ time_zone: timeZone }, { onSuccess: (u) => setZone(u.time_zone) });

  return (
    <form
      className="max-w-md space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save(zone);
      }}
    >
      <Field
        id="time-zone"
        label="Time zone"
        hint={zone !== browser ? `This browser is in ${browser}.` : undefined}
      >
        <select
          id="time-zone"
          value={zone}
          onChange={(e) => setZone(e.target.value)}
          className={SETTINGS_SELECT}
        >
          {choices.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy || zone === saved}>
          {busy && <Spinner />}Save time zone
        </Button>
        {saved !== browser && (
          <Button variant="secondary" disabled={busy} onClick={() => save(browser)}>
            Use {browser.replaceAll("_", " ")}
          </Button>
        )}
      </div>
    </form>
  );
}
