import { useState } from "react";
import { useForm } from "react-hook-form";
import { useLocation } from "react-router";
import { errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { PasswordField } from "@/ui/PasswordField";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useAuth } from "./context";
import { emailRules } from "./emailRules";

type Values = { email: string; password: string };

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
      setFormError(
        errorMessage(e, {
          401: "Wrong email or password.",
          429: "Too many failed attempts. Please wait a few minutes and try again.",
        }),
      );
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
      <AuthForm error={formError} onSubmit={onSubmit}>
        <EmailField
          id="email"
          label="Email"
          autoFocus
          error={errors.email?.message}
          {...register("email", emailRules)}
        />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...register("password", { required: "Enter your password" })}
        />
        <p className="-mt-2 text-right text-sm">
          <AuthLink to="/forgot-password">Forgot password?</AuthLink>
        </p>
        <AuthSubmit busy={isSubmitting} busyLabel="Logging in">
          Log in
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
