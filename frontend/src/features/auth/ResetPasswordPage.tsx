import { useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { registerField } from "@/lib/registerField";
import { FormAlert } from "@/ui/FormAlert";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { NewPasswordField } from "./NewPasswordField";
import { useAuthForm } from "./useAuthForm";

type Values = { password: string };

/** /reset-password?token=…: the page a reset mail links to. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const { form, formError, onSubmit } = useAuthForm<Values>(
    { defaultValues: { password: "" } },
    async ({ password }) => {
      await unwrap(
        api.POST("/api/v1/auth/password-reset/confirm", {
          body: { token, new_password: password },
        }),
      );
      void navigate("/login", { replace: true, state: { passwordReset: true } });
    },
    (e, { setError }) => {
      const message =
        e instanceof ApiError && e.status === 422 ? e.fieldError("new_password") : undefined;
      if (!message) return errorMessage(e);
      setError("password", { message });
      return null;
    },
  );

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
          {...registerField(form, "password", {
            required: "Enter a new password",
            minLength: { value: 8, message: "Use at least 8 characters" },
            maxLength: { value: 128, message: "Use at most 128 characters" },
          })}
        />
        <AuthSubmit busy={form.formState.isSubmitting} busyLabel="Saving" disabled={!token}>
          Set new password
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
