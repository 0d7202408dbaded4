import { forwardRef, type ComponentProps, type FormEvent, type ReactNode } from "react";
import { Link } from "react-router";
import { FormAlert } from "@/ui/FormAlert";
import { EmailField } from "@/ui/LabelledInput";
import { Logo } from "@/ui/Logo";
import { Button, Spinner } from "@/ui/primitives";

export function AuthLayout({
  title,
  subtitle,
  footer,
  children,
}: {
  title: string;
  subtitle: ReactNode;
  /** The line under the form: where to go instead (log in, register, a new link). */
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-zinc-50 px-4 py-10 dark:bg-zinc-950">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <Logo className="mb-5" />
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          <p className="mt-1.5 text-sm text-zinc-600 dark:text-zinc-400">{subtitle}</p>
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          {children}
          <p className="mt-5 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</p>
        </div>
      </div>
    </main>
  );
}

/**
 * The page's form, under what the server said against the last submission. `noValidate`: each
 * field shows react-hook-form's message instead of the browser's bubble.
 */
export function AuthForm({
  error,
  onSubmit,
  children,
}: {
  error: string | null;
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>;
  children: ReactNode;
}) {
  return (
    <>
      {error && <FormAlert>{error}</FormAlert>}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        {children}
      </form>
    </>
  );
}

/**
 * The account's email, first on the log-in and forgot-password forms: the same field on both, so
 * a password manager fills in either. Register it with `emailRules`.
 */
export const AccountEmailField = forwardRef<
  HTMLInputElement,
  Omit<ComponentProps<typeof EmailField>, "id" | "label" | "autoFocus">
>(function AccountEmailField(props, ref) {
  return <EmailField ref={ref} id="email" label="Email" autoFocus {...props} />;
});

/** The form's full-width submit button: disabled while the form is sent, with a named spinner. */
export function AuthSubmit({
  busy,
  busyLabel,
  disabled = false,
  children,
}: {
  busy: boolean;
  /** What the spinner says while `busy` ("Logging in"). */
  busyLabel: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Button type="submit" className="w-full" disabled={busy || disabled}>
      {busy && <Spinner label={busyLabel} />}
      {children}
    </Button>
  );
}

/** A link on the login, register and recovery pages. `email`: the address typed so far, which
 * the next page's form starts with (read there by `useCarriedEmail`). */
export function AuthLink({
  to,
  email,
  children,
}: {
  to: string;
  email?: string;
  children: ReactNode;
}) {
  return (
    <Link
      to={to}
      state={email ? { email } : undefined}
      className="text-brand-600 dark:text-brand-400 font-medium hover:underline"
    >
      {children}
    </Link>
  );
}
