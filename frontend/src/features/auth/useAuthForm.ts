import { useState } from "react";
import { useForm, type FieldValues, type UseFormProps, type UseFormReturn } from "react-hook-form";

/**
 * An auth page's form: react-hook-form plus `formError`, the server's refusal of the last
 * submission (for AuthForm). `onSubmit` validates, clears `formError` and runs `send`; if that
 * fails, `formError` becomes what `refusal` makes of the error, or stays clear when `refusal` put
 * it on a field (it answers null then).
 */
export function useAuthForm<V extends FieldValues>(
  options: UseFormProps<V>,
  send: (values: V) => Promise<void>,
  refusal: (error: unknown, form: UseFormReturn<V>) => string | null,
) {
  const form = useForm<V>(options);
  const [formError, setFormError] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await send(values);
    } catch (e) {
      setFormError(refusal(e, form));
    }
  });
  return { form, formError, onSubmit };
}
