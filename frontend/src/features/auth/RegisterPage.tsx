import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { PasswordField } from "@/ui/PasswordField";
import { Button, Field, Input, Spinner } from "@/ui/primitives";
import { AuthLayout } from "./AuthLayout";
import { useAuth } from "./context";
import { PASSWORD_RULE, passwordSchema } from "./password";

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
    >
      {formError && <FormAlert>{formError}</FormAlert>}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Field id="fullName" label="Name (optional)" error={errors.fullName?.message}>
          <Input id="fullName" autoComplete="name" autoFocus {...register("fullName")} />
        </Field>
        <EmailField id="email" label="Email" error={errors.email?.message} {...register("email")} />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="new-password"
          error={errors.password?.message}
          hint={PASSWORD_RULE}
          {...register("password")}
        />
        <Button type="submit" className="w-full" disabled={isSubmitting}>
          {isSubmitting && <Spinner label="Creating account" />}
          Create account
        </Button>
      </form>
      <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">
        Already have an account?{" "}
        <Link
          to="/login"
          className="text-brand-600 dark:text-brand-400 font-medium hover:underline"
        >
          Log in
        </Link>
      </p>
    </AuthLayout>
  );
}
