import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/features/auth/context";
import { FormAlert } from "@/ui/FormAlert";
import { Spinner } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import { listProjects, projectKeys } from "./api";
import { acceptInvitation, type Membership } from "./sharing";

// One request per token for the page's life: the token is single-use, and React may run the
// effect twice (a remount) before the first answer is in.
const redeeming = new Map<string, Promise<Membership>>();

/**
 * The mailed invitation's link (`/invitations/accept?token=…`), opened signed in (the login page
 * brings you back here): joins the project and opens it, or says why not.
 */
export default function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { user } = useAuth();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!token) return;
    let live = true;
    let answer = redeeming.get(token);
    if (!answer) {
      answer = acceptInvitation(token);
      redeeming.set(token, answer);
    }
    answer
      .then(async (joined) => {
        // The list the sidebar asked for as the page opened predates the membership, whether
        // still on its way or already cached: drop it and ask again (for the sidebar too).
        await qc.cancelQueries({ queryKey: projectKeys.all });
        const projects = await qc.fetchQuery({
          queryKey: projectKeys.all,
          queryFn: listProjects,
          staleTime: 0,
        });
        if (!live) return;
        const name = projects.find((p) => p.id === joined.project_id)?.name ?? "the project";
        toast.success(
          `You joined “${name}” as ${joined.role === "editor" ? "an editor" : "a viewer"}.`,
        );
        void navigate(`/projects/${joined.project_id}`, { replace: true });
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [token, qc, navigate]);

  return (
    <div className="mx-auto w-full max-w-xl px-4 py-8 sm:px-8">
      <h1 className="mb-4 text-2xl font-bold tracking-tight">Invitation</h1>
      {!token || error != null ? (
        <div className="space-y-4">
          <FormAlert>
            {token
              ? errorMessage(error)
              : "This link has no invitation in it: open the link from the email again."}
          </FormAlert>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            You are signed in as <strong>{user?.email}</strong>. An invitation works only for the
            address it was sent to.
          </p>
          <Link
            to="/tasks"
            className="text-brand-700 dark:text-brand-400 text-sm font-medium hover:underline"
          >
            Go to your tasks
          </Link>
        </div>
      ) : (
        <p
          className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300"
          aria-live="polite"
        >
          <Spinner /> Joining the project…
        </p>
      )}
    </div>
  );
}
