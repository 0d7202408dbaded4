import { zodResolver } from "@hookform/resolvers/zod";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { registerField } from "@/lib/registerField";
import { EmailField, LabelledInput } from "@/ui/LabelledInput";
import { AuthForm, AuthLayout, AuthLink, AuthSubmit } from "./AuthLayout";
import { useCarriedEmail } from "./carriedEmail";
import { useAuth } from "./context";
import { NewPasswordField } from "./NewPasswordField";
import { passwordSchema } from "./password";
import { useAuthForm } from "./useAuthForm";

const schema = z.object({
  fullName: z.string().trim().max(255, "Use at most 255 characters"),
  email: z.email("Enter a valid email address"),
  password: passwordSchema,
});
type Values = z.infer<typeof schema>;

export default function RegisterPage() {
  const { register: signUp } = useAuth();
  const carriedEmail = useCarriedEmail();
  const { form, formError, onSubmit } = useAuthForm<Values>(
    { resolver: zodResolver(schema), defaultValues: { fullName: "", email: carriedEmail } },
    ({ fullName, email, password }) => signUp(email, password, fullName || undefined),
    (e, { setError }) => {
      if (e instanceof ApiError && e.status === 409) {
        setError("email", { message: "An account with this email already exists." });
        return null;
      }
      if (!(e instanceof ApiError && e.status === 422 && e.errors.length)) return errorMessage(e);
      for (const name of ["email", "password"] as const) {
        const msg = e.fieldError(name);
        if (msg) setError(name, { message: msg });
      }
      const fullNameMsg = e.fieldError("full_name");
      if (fullNameMsg) setError("fullName", { message: fullNameMsg });
      return null;
    },
  );
  const email = useWatch({ control: form.control, name: "email" });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Organise your work and life, one task at a time."
      footer={
        <>
          Already have an account?{" "}
          <AuthLink to="/login" email={email}>
            Log in
          </AuthLink>
        </>
      }
    >
      <AuthForm error={formError} onSubmit={onSubmit}>
        <LabelledInput
          id="fullName"
          label="Name (optional)"
          autoComplete="name"
          autoFocus
          {...registerField(form, "fullName")}
        />
        <EmailField id="email" label="Email" {...registerField(form, "email")} />
        <NewPasswordField id="password" label="Password" {...registerField(form, "password")} />
        <AuthSubmit busy={form.formState.isSubmitting} busyLabel="Creating account">
          Create account
        </AuthSubmit>
      </AuthForm>
    </AuthLayout>
  );
}
