import { useState } from "react";
import { useForm } from "react-hook-form";
import { useLocation } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { PasswordField } from "@/ui/PasswordField";
import { AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useAuth } from "./context";

// react-hook-form's own rules, not a zod schema: zod would add ~30 kB gzipped to the first screen
// (issue 18, point 9). The server has the last word on the credentials anyway.
type Values = { email: string; password: string };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const rules = {
  email: {
    required: "Enter a valid email address",
    pattern: { value: EMAIL, message: "Enter a valid email address" },
  },
  password: { required: "Enter your password" },
} as const;

export default function LoginPage() {
  const { login, notice } = useAuth();
  const location = useLocation();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ defaultValues: { email: "", password: "" } });
  const state = location.state as { registered?: boolean; passwordReset?: boolean } | null;
  const stateNotice = state?.passwordReset
    ? "Password changed. Log in with your new password."
    : state?.registered
      ? "Account created. Log in to continue."
      : null;

  const onSubmit = handleSubmit(async ({ email, password }) => {
    setFormError(null);
    try {
      await login(email, password);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setFormError("Wrong email or password.");
      else if (e instanceof ApiError && e.status === 429)
        setFormError("Too many failed attempts. Please wait a few minutes and try again.");
      else setFormError(errorMessage(e));
    }
  });

  return (
    <AuthLayout
      title="Welcome back"
      subtitle="Log in to pick up where you left off."
      footer={
        <>
          New to taskapp? <AuthLink to="/register">Create an account</AuthLink>
        </>
      }
    >
      {(notice || stateNotice) && !formError && (
        <FormAlert tone="notice">{notice ?? stateNotice}</FormAlert>
      )}
      {formError && <FormAlert>{formError}</FormAlert>}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <EmailField
          id="email"
          label="Email"
          autoFocus
          error={errors.email?.message}
          {...register("email", rules.email)}
        />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...register("password", rules.password)}
        />
        <p className="-mt-2 text-right text-sm">
          <AuthLink to="/forgot-password">Forgot password?</AuthLink>
        </p>
        <AuthSubmit busy={isSubmitting} busyLabel="Logging in">
          Log in
        </AuthSubmit>
      </form>
    </AuthLayout>
  );
}
