import { forwardRef, type InputHTMLAttributes, type ReactNode } from "react";
import { Field, Input } from "./primitives";

export type LabelledInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
};

/**
 * A labelled input with its hint and error message; the input points at whichever of the two is
 * shown, so a screen reader reads it with the field. Takes react-hook-form's `register(...)`
 * props (the ref included).
 */
export const LabelledInput = forwardRef<HTMLInputElement, LabelledInputProps>(
  function LabelledInput({ id, label, error, hint, ...input }, ref) {
    const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
    return (
      <Field id={id} label={label} error={error} hint={hint}>
        <Input ref={ref} id={id} aria-invalid={!!error} aria-describedby={describedBy} {...input} />
      </Field>
    );
  },
);

type EmailProps = Omit<LabelledInputProps, "type" | "autoComplete">;

/** The account's email address: an email input that password managers fill in. */
export const EmailField = forwardRef<HTMLInputElement, EmailProps>(function EmailField(props, ref) {
  return <LabelledInput ref={ref} type="email" autoComplete="email" {...props} />;
});

/**
 * The name of something the user makes (a project, a saved view): required, at most 100
 * characters as the API allows, focused when its dialog opens.
 */
export function NameField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (name: string) => void;
}) {
  return (
    <LabelledInput
      id={id}
      label="Name"
      value={value}
      maxLength={100}
      required
      autoFocus
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
