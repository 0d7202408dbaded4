import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { Field, Input } from "./primitives";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type" | "autoComplete"> & {
  id: string;
  label: string;
  /** Lets password managers offer the saved password, or propose and save a new one. */
  autoComplete: "current-password" | "new-password";
  error?: string | undefined;
  hint?: ReactNode;
};

/**
 * A labelled password input with its hint and error message; the input points at whichever of
 * the two is shown, so a screen reader reads it with the field. Takes react-hook-form's
 * `register(...)` props (the ref included).
 */
export const PasswordField = forwardRef<HTMLInputElement, Props>(function PasswordField(
  { id, label, autoComplete, error, hint, ...input },
  ref,
) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <Input
        ref={ref}
        id={id}
        type="password"
        autoComplete={autoComplete}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        {...input}
      />
    </Field>
  );
});
