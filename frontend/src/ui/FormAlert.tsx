import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

const TONES = {
  // An error is announced at once (role=alert); a notice waits its turn (role=status).
  error: {
    role: "alert",
    className:
      "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200",
  },
  notice: {
    role: "status",
    className:
      "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-200",
  },
} as const;

/** The message above a form: what went wrong with the whole submission, or a notice. */
export function FormAlert({
  tone = "error",
  children,
}: {
  tone?: keyof typeof TONES;
  children: ReactNode;
}) {
  const { role, className } = TONES[tone];
  return (
    <p role={role} className={cn("mb-4 rounded-md border px-3 py-2 text-sm", className)}>
      {children}
    </p>
  );
}
