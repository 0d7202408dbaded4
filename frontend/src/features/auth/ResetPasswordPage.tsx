import { useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { NewPasswordField } from "./NewPasswordField";

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
    <AuthLayout
      title="Choose a new password"
      subtitle="Every device signed in will be logged out."
      footer={<AuthLink to="/forgot-password">Ask for a new link</AuthLink>}
    >
      {!token && <FormAlert>This link has no token. Ask for a new one.</FormAlert>}
      <AuthForm error={formError} onSubmit={onSubmit}>
        <NewPasswordField
          id="password"
          label="New password"
          autoFocus
          error={errors.password?.message}
          {...register("password", {
            required: "Enter a new password",
            minLength: { value: 8, message: "Use at least 8 characters" },
            maxLength: { value: 128, message: "Use at most 128 characters" },
          })}
        />
        <AuthSubmit busy={isSubmitting} busyLabel="Saving" disabled={!token}>
          Set new password
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
