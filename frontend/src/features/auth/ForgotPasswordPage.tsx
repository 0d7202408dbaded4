import { useState } from "react";
import { useForm } from "react-hook-form";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";

// The server answers the same for every address (it never tells who has an account): the page
// shows that answer, whatever was typed.
type Values = { email: string };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
      if (e instanceof ApiError && e.status === 429)
        setFormError("Too many requests for this address. Please wait and try again later.");
      else setFormError(errorMessage(e));
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
        <>
          {formError && <FormAlert>{formError}</FormAlert>}
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            <EmailField
              id="email"
              label="Email"
              autoFocus
              error={errors.email?.message}
              {...register("email", {
                required: "Enter a valid email address",
                pattern: { value: EMAIL, message: "Enter a valid email address" },
              })}
            />
            <AuthSubmit busy={isSubmitting} busyLabel="Sending">
              Send me a link
            </AuthSubmit>
          </form>
        </>
      )}
    </AuthLayout>
  );
}
