import {
  get,
  type FieldError,
  type FieldPath,
  type FieldValues,
  type RegisterOptions,
  type UseFormReturn,
} from "react-hook-form";

/**
 * A labelled field's react-hook-form props (LabelledInput and the fields built on it):
 * `register(name, rules)` and the error message under the same name, so that a field can only
 * show its own error.
 */
export function registerField<V extends FieldValues, N extends FieldPath<V>>(
  form: Pick<UseFormReturn<V>, "register" | "formState">,
  name: N,
  rules?: RegisterOptions<V, N>,
) {
  // Read through formState, as `errors.x` was: the form re-renders when the errors change.
  const error = get(form.formState.errors, name) as FieldError | undefined;
  return { ...form.register(name, rules), error: error?.message };
}
