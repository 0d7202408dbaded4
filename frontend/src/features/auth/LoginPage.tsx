import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useLocation } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { Button, Field, Input, Spinner } from "@/ui/primitives";
import { AuthLayout } from "./AuthLayout";
import { useAuth } from "./context";

const schema = z.object({
  email: z.email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
});
type Values = z.infer<typeof schema>;

export default function LoginPage() {
  const { login, notice } = useAuth();
  const location = useLocation();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ resolver: zodResolver(schema) });
  const justRegistered = (location.state as { registered?: boolean } | null)?.registered;

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
    <AuthLayout title="Welcome back" subtitle="Log in to pick up where you left off.">
      {(notice || justRegistered) && !formError && (
        <p
          role="status"
          className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          {notice ?? "Account created. Log in to continue."}
        </p>
      )}
      {formError && (
        <p
          role="alert"
          className="mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200"
        >
          {formError}
        </p>
      )}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Field id="email" label="Email" error={errors.email?.message}>
          <Input
            id="email"
            type="email"
            autoComplete="email"
            autoFocus
            aria-invalid={!!errors.email}
            {...register("email")}
          />
        </Field>
        <Field id="password" label="Password" error={errors.password?.message}>
          <Input
            id="password"
            type="password"
            autoComplete="current-password"
            aria-invalid={!!errors.password}
            {...register("password")}
          />
        </Field>
        <Button type="submit" className="w-full" disabled={isSubmitting}>
          {isSubmitting && <Spinner label="Logging in" />}
          Log in
        </Button>
      </form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        New to taskapp?{" "}
        <Link
          to="/register"
          className="text-brand-600 dark:text-brand-400 font-medium hover:underline"
        >
          Create an account
        </Link>
      </p>
    </AuthLayout>
  );
}
