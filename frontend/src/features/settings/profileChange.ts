import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import type { User } from "@/api/types";
import { useAuth } from "@/features/auth/context";
import { toast } from "@/ui/toast";

/** The style of the settings' selects. */
export const SETTINGS_SELECT =
  "focus:border-brand-500 focus:ring-brand-500/20 h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900";

/**
 * PATCH /users/me for a form that changes part of the profile: the new profile goes to the whole
 * app (the auth context), and a toast says what was saved, or why not. `then` runs even when the
 * form has gone meanwhile (useMutation's own callbacks, unlike mutate's).
 */
export function useProfileChange(messages: {
  saved: (user: User) => string;
  failed: string;
  then?: (user: User) => void;
}) {
  const { setUser } = useAuth();
  return useMutation({
    mutationFn: async (body: components["schemas"]["UserUpdate"]) =>
      (await unwrap<User>(api.PATCH("/api/v1/users/me", { body }))).data,
    onSuccess: (user) => {
      setUser(user);
      messages.then?.(user);
      toast.success(messages.saved(user));
    },
    onError: (e) => toast.error(`${messages.failed}: ${errorMessage(e)}`),
  });
}

/**
 * A settings field's value that follows the saved one while the user has not changed it here:
 * another tab or device may change the profile (live updates), and the field then shows the new
 * value instead of offering to "save" the old one back.
 */
export function useSavedValue<T>(saved: T): [T, (value: T) => void] {
  const [value, setValue] = useState(saved);
  const [base, setBase] = useState(saved);
  if (saved !== base) {
    setBase(saved);
    if (value === base) setValue(saved);
  }
  return [value, setValue];
}
