import { forwardRef } from "react";
import type { LabelledInputProps } from "@/ui/LabelledInput";
import { PasswordField } from "@/ui/PasswordField";
import { PASSWORD_RULE } from "./password";

type Props = Omit<LabelledInputProps, "type" | "autoComplete" | "hint">;

/** A password being chosen: the server's rule as its hint; password managers may propose one. */
export const NewPasswordField = forwardRef<HTMLInputElement, Props>(
  function NewPasswordField(props, ref) {
    return <PasswordField ref={ref} autoComplete="new-password" hint={PASSWORD_RULE} {...props} />;
  },
);
