import { forwardRef } from "react";
import { LabelledInput, type LabelledInputProps } from "./LabelledInput";

type Props = Omit<LabelledInputProps, "type" | "autoComplete"> & {
  /** Lets password managers offer the saved password, or propose and save a new one. */
  autoComplete: "current-password" | "new-password";
};

/** A labelled password input, described by its hint or its error (see LabelledInput). */
export const PasswordField = forwardRef<HTMLInputElement, Props>(
  function PasswordField(props, ref) {
    return <LabelledInput ref={ref} type="password" {...props} />;
  },
);
