import { useState } from "react";
import { useForm } from "react-hook-form";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { emailRules } from "./emailRules";

// The server answers the same for every address (it never tells who has an account): the page
// shows that answer, whatever was typed.
type Values = { email: string };

export default function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ defaultValues: { email: "" } });

  const onSubmit = handleSubmit(async ({ email }) => {
    setFormError(null);
    try {
      const { data } = await unwrap(api.POST("/api/v1/auth/password-reset", { body: { email } }));
      setSent(data.detail);
    } catch (e) {
      setFormError(
        errorMessage(e, {
          429: "Too many requests for this address. Please wait and try again later.",
        }),
      );
    }
  });

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="We'll email you a link to choose a new one."
      footer={<AuthLink to="/login">Back to log in</AuthLink>}
    >
      {sent ? (
        <FormAlert tone="notice">{sent}</FormAlert>
      ) : (
        <AuthForm error={formError} onSubmit={onSubmit}>
          <EmailField
            id="email"
            label="Email"
            autoFocus
            error={errors.email?.message}
            {...register("email", emailRules)}
          />
          <AuthSubmit busy={isSubmitting} busyLabel="Sending">
            Send me a link
          </AuthSubmit>
        </AuthForm>
      )}
    </AuthLayout>
  );
}
