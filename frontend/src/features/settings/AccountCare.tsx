import { useState } from "react";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/features/auth/context";
import { PasswordField } from "@/ui/PasswordField";
import { Button, Field, Input, Spinner } from "@/ui/primitives";
import { toast } from "@/ui/toast";

function wrongPassword(e: unknown) {
  return errorMessage(e, { 403: "The password is incorrect." });
}

/** The account's password, asked again before an export or a deletion; the server checks it. */
function PasswordAgainField({
  id,
  value,
  onChange,
  error,
}: {
  id: string;
  value: string;
  onChange: (password: string) => void;
  error: string | undefined;
}) {
  return (
    <PasswordField
      id={id}
      label="Password"
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
    />
  );
}

/** Whether the address is confirmed, and a new link when it is not. */
export function EmailStatus() {
  const { user } = useAuth();
  const [busy, setBusy] = useState(false);
  if (!user) return null;
  if (user.email_verified)
    return <p className="text-sm text-emerald-700 dark:text-emerald-400">Confirmed.</p>;
  const resend = async () => {
    setBusy(true);
    try {
      await unwrap(api.POST("/api/v1/auth/verify-email/resend"));
      toast.success(`A new link is on its way to ${user.email}.`);
    } catch (e) {
      toast.error(`Could not send the link: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex items-center gap-3">
      <p className="text-sm text-amber-800 dark:text-amber-300">Not confirmed yet.</p>
      <Button variant="secondary" disabled={busy} onClick={() => void resend()}>
        {busy && <Spinner />}Send a new link
      </Button>
    </div>
  );
}

/** Download everything as JSON, after the password. */
export function ExportForm() {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { data, response } = await unwrap(
        api.POST("/api/v1/users/me/export", { body: { password }, parseAs: "blob" }),
      );
      const name =
        /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ??
        "taskapp-export.json";
      const url = URL.createObjectURL(data as Blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
      setPassword("");
    } catch (e) {
      setError(wrongPassword(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="max-w-md space-y-4">
      <PasswordAgainField
        id="export-password"
        value={password}
        onChange={setPassword}
        error={error}
      />
      <Button type="submit" disabled={busy || !password}>
        {busy && <Spinner />}Download my data
      </Button>
    </form>
  );
}

/** Delete the account: typed confirmation, then the password. */
export function DeleteAccountForm() {
  const { user, logout } = useAuth();
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const confirmed = !!user && typed.trim().toLowerCase() === user.email.toLowerCase();
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.DELETE("/api/v1/users/me", { body: { password } }));
      // The session is gone with the account: the local sign-out's logout call may fail.
      await logout().catch(() => undefined);
    } catch (e) {
      setError(wrongPassword(e));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="max-w-md space-y-4">
      <Field
        id="delete-confirm"
        label={`Type your email address (${user?.email ?? ""}) to confirm`}
      >
        <Input
          id="delete-confirm"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </Field>
      <PasswordAgainField
        id="delete-password"
        value={password}
        onChange={setPassword}
        error={error}
      />
      <Button type="submit" variant="danger" disabled={busy || !confirmed || !password}>
        {busy && <Spinner />}Delete my account
      </Button>
    </form>
  );
}
