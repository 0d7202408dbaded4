import { useWatch } from "react-hook-form";
import { useLocation } from "react-router";
import { errorMessage } from "@/api/problem";
import { registerField } from "@/lib/registerField";
import { FormAlert } from "@/ui/FormAlert";
import { PasswordField } from "@/ui/PasswordField";
import { AccountEmailField, AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useCarriedEmail } from "./carriedEmail";
import { useAuth } from "./context";
import { emailRules } from "./emailRules";
import { useAuthForm } from "./useAuthForm";

type Values = { email: string; password: string };

export default function LoginPage() {
  const { login, notice } = useAuth();
  const location = useLocation();
  const carriedEmail = useCarriedEmail();
  const { form, formError, onSubmit } = useAuthForm<Values>(
    { defaultValues: { email: carriedEmail, password: "" } },
    ({ email, password }) => login(email, password),
    (e) =>
      errorMessage(e, {
        401: "Wrong email or password.",
        429: "Too many failed attempts. Please wait a few minutes and try again.",
      }),
  );
  const state = location.state as { registered?: boolean; passwordReset?: boolean } | null;
  const stateNotice = state?.passwordReset
    ? "Password changed. Log in with your new password."
    : state?.registered
      ? "Account created. Log in to continue."
      : null;
  const email = useWatch({ control: form.control, name: "email" });

  return (
    <AuthLayout
      title="Welcome back"
      subtitle="Log in to pick up where you left off."
      footer={
        <>
          New to taskapp?{" "}
          <AuthLink to="/register" email={email}>
            Create an account
          </AuthLink>
        </>
      }
    >
      {(notice || stateNotice) && !formError && (
        <FormAlert tone="notice">{notice ?? stateNotice}</FormAlert>
      )}
      <AuthForm error={formError} onSubmit={onSubmit}>
        <AccountEmailField {...registerField(form, "email", emailRules)} />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="current-password"
          {...registerField(form, "password", { required: "Enter your password" })}
        />
        <p className="-mt-2 text-right text-sm">
          <AuthLink to="/forgot-password" email={email}>
            Forgot password?
          </AuthLink>
        </p>
        <AuthSubmit busy={form.formState.isSubmitting} busyLabel="Logging in">
          Log in
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
