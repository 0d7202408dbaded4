import { useState } from "react";
import { useSearchParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import { FormAlert } from "@/ui/FormAlert";
import { Button, Spinner } from "@/ui/primitives";
import { AuthLayout, AuthLink } from "./AuthLayout";

/** /verify-email?token=…: confirmed with a click, not on load, so that a mail scanner opening
 * the link does not spend it. */
export default function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setState("busy");
    setError(null);
    try {
      await unwrap(api.POST("/api/v1/auth/verify-email", { body: { token } }));
      setState("done");
    } catch (e) {
      setError(errorMessage(e));
      setState("idle");
    }
  };

  return (
    <AuthLayout
      title="Confirm your email address"
      subtitle="One click, and it's done."
      footer={<AuthLink to="/tasks">Go to your tasks</AuthLink>}
    >
      {state === "done" ? (
        <FormAlert tone="notice">Your email address is confirmed.</FormAlert>
      ) : (
        <>
          {!token && <FormAlert>This link has no token. Ask for a new one in Settings.</FormAlert>}
          {error && <FormAlert>{error}</FormAlert>}
          <Button
            className="w-full"
            disabled={!token || state === "busy"}
            onClick={() => void confirm()}
          >
            {state === "busy" && <Spinner label="Confirming" />}
            Confirm my address
          </Button>
        </>
      )}
    </AuthLayout>
  );
}
