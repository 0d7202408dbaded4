import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "@/api/problem";
import { useTimeZone } from "@/features/auth/context";
import { getSettings, notificationKeys, putSettings } from "@/features/notifications/api";
import { Button, Field, Spinner } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import { SETTINGS_SELECT } from "./profileChange";

const hour = (h: number) => `${String(h).padStart(2, "0")}:00`;

/** The daily digest: a mail at the chosen hour (the profile's zone) listing that day's tasks. */
export function NotificationsForm() {
  const qc = useQueryClient();
  const timeZone = useTimeZone();
  const settings = useQuery({ queryKey: notificationKeys.settings, queryFn: getSettings });
  const saved = settings.data?.digest_hour ?? null;
  // "" is "no digest"; undefined: not touched yet, show what is saved.
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const value = choice ?? (saved === null ? "" : String(saved));
  const save = useMutation({
    mutationFn: () => putSettings({ digest_hour: value === "" ? null : Number(value) }),
    onSuccess: (data) => {
      qc.setQueryData(notificationKeys.settings, data);
      setChoice(undefined);
      toast.success(
        data.digest_hour == null
          ? "Daily digest turned off"
          : `Daily digest at ${hour(data.digest_hour)}`,
      );
    },
    onError: (e) => toast.error(`Could not save the digest: ${errorMessage(e)}`),
  });

  if (settings.isPending) return <Spinner label="Loading notification settings" />;
  if (settings.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        Could not load the notification settings: {errorMessage(settings.error)}
      </p>
    );
  return (
    <form
      className="max-w-md space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field
        id="digest-hour"
        label="Daily digest"
        hint={`A mail of the day's due tasks at this hour, ${timeZone.replaceAll("_", " ")} time.`}
      >
        <select
          id="digest-hour"
          value={value}
          onChange={(e) => setChoice(e.target.value)}
          className={SETTINGS_SELECT}
        >
          <option value="">Off</option>
          {Array.from({ length: 24 }, (_, h) => (
            <option key={h} value={h}>
              {hour(h)}
            </option>
          ))}
        </select>
      </Field>
      <Button
        type="submit"
        disabled={save.isPending || value === (saved === null ? "" : String(saved))}
      >
        {save.isPending && <Spinner />}Save notifications
      </Button>
    </form>
  );
}
