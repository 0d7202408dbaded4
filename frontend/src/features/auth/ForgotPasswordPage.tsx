import { useState } from "react";
import { useWatch } from "react-hook-form";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import { registerField } from "@/lib/registerField";
import { FormAlert } from "@/ui/FormAlert";
import { AccountEmailField, AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useCarriedEmail } from "./carriedEmail";
import { emailRules } from "./emailRules";
import { useAuthForm } from "./useAuthForm";

// The server answers the same for every address (it never tells who has an account): the page
// shows that answer, whatever was typed.
type Values = { email: string };

export default function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  // The address typed on the login page before "Forgot password?", if any.
  const carriedEmail = useCarriedEmail();
  const { form, formError, onSubmit } = useAuthForm<Values>(
    { defaultValues: { email: carriedEmail } },
    async ({ email }) => {
      const { data } = await unwrap(api.POST("/api/v1/auth/password-reset", { body: { email } }));
      setSent(data.detail);
    },
    (e) =>
      errorMessage(e, {
        429: "Too many requests for this address. Please wait and try again later.",
      }),
  );

  const email = useWatch({ control: form.control, name: "email" });

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="We'll email you a link to choose a new one."
      footer={
        <AuthLink to="/login" email={email}>
          Back to log in
        </AuthLink>
      }
    >
      {sent ? (
        <FormAlert tone="notice">{sent}</FormAlert>
      ) : (
        <AuthForm error={formError} onSubmit={onSubmit}>
          <AccountEmailField {...registerField(form, "email", emailRules)} />
          <AuthSubmit busy={form.formState.isSubmitting} busyLabel="Sending">
            Send me a link
          </AuthSubmit>
        </AuthForm>
      )}
    </AuthLayout>
  );
}
