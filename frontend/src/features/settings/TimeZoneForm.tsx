import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { toast } from "@/ui/toast";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { User } from "@/api/types";
import { useAuth } from "@/features/auth/context";
import { Button, Field, Spinner } from "@/ui/primitives";
import { browserZone, zoneChoices } from "./zones";

/** The profile's time zone: it decides "today", overdue and what a due day means. */
export function TimeZoneForm() {
  const { user, setUser } = useAuth();
  const qc = useQueryClient();
  const saved = user?.time_zone ?? "UTC";
  const [zone, setZone] = useState(saved);
  const [busy, setBusy] = useState(false);
  const choices = useMemo(() => zoneChoices(saved), [saved]);
  const browser = browserZone();

  async function save(timeZone: string) {
    setBusy(true);
    try {
      const { data } = await unwrap<User>(
        api.PATCH("/api/v1/users/me", { body: { time_zone: timeZone } }),
      );
      setUser(data);
      setZone(data.time_zone);
      // Today, Upcoming, overdue and due-day filters all change with the zone.
      void qc.invalidateQueries({ queryKey: ["planner"] });
      void qc.invalidateQueries({ queryKey: ["tasks"] });
      toast.success(`Time zone set to ${data.time_zone}`);
    } catch (e) {
      toast.error(`Could not change the time zone: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="max-w-md space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void save(zone);
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
          className="focus:border-brand-500 focus:ring-brand-500/20 h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900"
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
          <Button variant="secondary" disabled={busy} onClick={() => void save(browser)}>
            Use {browser.replaceAll("_", " ")}
          </Button>
        )}
      </div>
    </form>
  );
}
