import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { EmailField, LabelledInput } from "@/ui/LabelledInput";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useAuth } from "./context";
import { NewPasswordField } from "./NewPasswordField";
import { passwordSchema } from "./password";

const schema = z.object({
  fullName: z.string().trim().max(255, "Use at most 255 characters"),
  email: z.email("Enter a valid email address"),
  password: passwordSchema,
});
type Values = z.infer<typeof schema>;

export default function RegisterPage() {
  const { register: signUp } = useAuth();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { fullName: "" } });

  const onSubmit = handleSubmit(async ({ fullName, email, password }) => {
    setFormError(null);
    try {
      await signUp(email, password, fullName || undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setError("email", { message: "An account with this email already exists." });
      } else if (e instanceof ApiError && e.status === 422 && e.errors.length) {
        for (const name of ["email", "password"] as const) {
          const msg = e.fieldError(name);
          if (msg) setError(name, { message: msg });
        }
        const fullNameMsg = e.fieldError("full_name");
        if (fullNameMsg) setError("fullName", { message: fullNameMsg });
      } else setFormError(errorMessage(e));
    }
  });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Organise your work and life, one task at a time."
      footer={
        <>
          Already have an account? <AuthLink to="/login">Log in</AuthLink>
        </>
      }
    >
      <AuthForm error={formError} onSubmit={onSubmit}>
        <LabelledInput
          id="fullName"
          label="Name (optional)"
          autoComplete="name"
          autoFocus
          error={errors.fullName?.message}
          {...register("fullName")}
        />
        <EmailField id="email" label="Email" error={errors.email?.message} {...register("email")} />
        <NewPasswordField
          id="password"
          label="Password"
          error={errors.password?.message}
          {...register("password")}
        />
        <AuthSubmit busy={isSubmitting} busyLabel="Creating account">
          Create account
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
