import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { PasswordField } from "@/ui/PasswordField";
import { Button, Spinner } from "@/ui/primitives";
import { AuthLayout } from "./AuthLayout";
import { PASSWORD_RULE } from "./password";

type Values = { password: string };

/** /reset-password?token=…: the page a reset mail links to. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ defaultValues: { password: "" } });

  const onSubmit = handleSubmit(async ({ password }) => {
    setFormError(null);
    try {
      await unwrap(
        api.POST("/api/v1/auth/password-reset/confirm", {
          body: { token, new_password: password },
        }),
      );
      void navigate("/login", { replace: true, state: { passwordReset: true } });
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.fieldError("new_password"))
        setError("password", { message: e.fieldError("new_password") });
      else setFormError(errorMessage(e));
    }
  });

  return (
    <AuthLayout title="Choose a new password" subtitle="Every device signed in will be logged out.">
      {!token && <FormAlert>This link has no token. Ask for a new one.</FormAlert>}
      {formError && <FormAlert>{formError}</FormAlert>}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <PasswordField
          id="password"
          label="New password"
          autoComplete="new-password"
          autoFocus
          error={errors.password?.message}
          hint={PASSWORD_RULE}
          {...register("password", {
            required: "Enter a new password",
            minLength: { value: 8, message: "Use at least 8 characters" },
            maxLength: { value: 128, message: "Use at most 128 characters" },
          })}
        />
        <Button type="submit" className="w-full" disabled={isSubmitting || !token}>
          {isSubmitting && <Spinner label="Saving" />}
          Set new password
        </Button>
      </form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        <Link
          to="/forgot-password"
          className="text-brand-600 dark:text-brand-400 font-medium hover:underline"
        >
          Ask for a new link
        </Link>
      </p>
    </AuthLayout>
  );
}
