import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useContext, useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "@/api/problem";
import { AuthContext } from "@/features/auth/context";
import { dateFormat } from "@/lib/dates";
import { Dialog } from "@/ui/Dialog";
import { FormAlert } from "@/ui/FormAlert";
import { Button, Field, Input, selectClass, Spinner } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import { invalidateProjects, type Project } from "./api";
import {
  changeRole,
  invite,
  listInvitations,
  listMembers,
  removeMember,
  sharingKeys,
  withdrawInvitation,
  type Invitation,
  type Member,
  type MemberRole,
} from "./sharing";

const ROLE_HINT: Record<Member["role"], string> = {
  owner: "manages the project and its members",
  editor: "adds, changes and completes tasks; comments",
  viewer: "reads tasks and comments",
};

const day = (iso: string) => dateFormat(undefined, { dateStyle: "medium" }).format(new Date(iso));

function RoleSelect({
  id,
  label,
  value,
  onChange,
  disabled,
}: {
  id: string;
  label: string;
  value: MemberRole;
  onChange: (role: MemberRole) => void;
  disabled?: boolean;
}) {
  return (
    <select
      id={id}
      aria-label={label}
      className={selectClass}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value as MemberRole)}
    >
      <option value="editor">Editor</option>
      <option value="viewer">Viewer</option>
    </select>
  );
}

/**
 * Who is in a project. The owner invites by email (the link is mailed; only that address can
 * accept), changes roles, removes members and withdraws pending invitations; a member sees the
 * list and can leave. Roles are enforced by the API on every request: this only offers what the
 * role allows.
 */
export default function ShareDialog({
  project,
  onClose,
}: {
  project: Project;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const user = useContext(AuthContext)?.user;
  const owner = project.role === "owner";
  const members = useQuery({
    queryKey: sharingKeys.members(project.id),
    queryFn: () => listMembers(project),
  });
  const invitations = useQuery({
    queryKey: sharingKeys.invitations(project.id),
    queryFn: () => listInvitations(project),
    enabled: owner,
  });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<MemberRole>("editor");
  const [error, setError] = useState<unknown>(null);
  const [leaving, setLeaving] = useState(false);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: sharingKeys.members(project.id) });
    void qc.invalidateQueries({ queryKey: sharingKeys.invitations(project.id) });
  };
  const write = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onMutate: () => setError(null),
    onError: (e) => setError(e),
    onSettled: refresh,
  });
  const busy = write.isPending;

  const sendInvitation = () =>
    write.mutate(async () => {
      const sent = await invite(project, email.trim(), role);
      setEmail("");
      toast.success(`Invitation sent to ${sent.email}.`);
    });
  const leave = () =>
    write.mutate(async () => {
      await removeMember(project, user!.id);
      void invalidateProjects(qc);
      onClose();
      toast.success(`You left “${project.name}”.`);
      void navigate("/tasks");
    });

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={owner ? `Share “${project.name}”` : `Members of “${project.name}”`}
      description={
        owner
          ? "Invite people by email: the link works only for the address you type. Editors add and change tasks; viewers read."
          : "The people in this project and their roles."
      }
    >
      {error != null && <FormAlert>{errorMessage(error)}</FormAlert>}
      {owner && (
        <form
          className="mb-5 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (email.trim()) sendInvitation();
          }}
        >
          <div className="min-w-48 flex-1">
            <Field id="share-email" label="Email address">
              <Input
                id="share-email"
                type="email"
                required
                autoComplete="off"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                placeholder="name@example.com"
              />
            </Field>
          </div>
          <RoleSelect
            id="share-role"
            label="Role for the invitation"
            value={role}
            onChange={setRole}
          />
          <Button type="submit" disabled={busy || !email.trim()}>
            Invite
          </Button>
        </form>
      )}

      <section aria-labelledby="share-members">
        <h3 id="share-members" className="mb-2 text-sm font-semibold">
          Members
        </h3>
        {members.isPending ? (
          <Spinner label="Loading members" />
        ) : members.isError ? (
          <FormAlert>{errorMessage(members.error)}</FormAlert>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Members">
            {members.data.map((m) => (
              <MemberRow
                key={m.user_id}
                member={m}
                me={m.user_id === user?.id}
                manage={owner && m.role !== "owner"}
                busy={busy}
                onRole={(next) => write.mutate(() => changeRole(project, m, next))}
                onRemove={() =>
                  write.mutate(async () => {
                    await removeMember(project, m.user_id);
                    toast.success(`${m.full_name ?? m.email} was removed.`);
                  })
                }
              />
            ))}
          </ul>
        )}
      </section>

      {owner && (invitations.data?.length ?? 0) > 0 && (
        <section aria-labelledby="share-pending" className="mt-5">
          <h3 id="share-pending" className="mb-2 text-sm font-semibold">
            Pending invitations
          </h3>
          <ul
            className="divide-y divide-zinc-200 dark:divide-zinc-800"
            aria-label="Pending invitations"
          >
            {invitations.data!.map((inv: Invitation) => (
              <li key={inv.id} className="flex items-center gap-3 py-2 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="block truncate">{inv.email}</span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">
                    {inv.role === "editor" ? "Editor" : "Viewer"} · link works until{" "}
                    {day(inv.expires_at)}
                  </span>
                </span>
                <Button
                  variant="ghost"
                  size="sm"
                  disabled={busy}
                  aria-label={`Withdraw the invitation to ${inv.email}`}
                  onClick={() => write.mutate(() => withdrawInvitation(project, inv))}
                >
                  Withdraw
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {!owner && (
        <div className="mt-5 flex justify-end gap-2" role={leaving ? "alert" : undefined}>
          {leaving ? (
            <>
              <p className="mr-auto self-center text-sm">
                Leave the project? You lose access to its tasks until invited again.
              </p>
              <Button variant="secondary" onClick={() => setLeaving(false)}>
                Stay
              </Button>
              <Button variant="danger" disabled={busy} onClick={leave}>
                Leave project
              </Button>
            </>
          ) : (
            <Button variant="secondary" onClick={() => setLeaving(true)}>
              Leave project…
            </Button>
          )}
        </div>
      )}
    </Dialog>
  );
}

function MemberRow({
  member,
  me,
  manage,
  busy,
  onRole,
  onRemove,
}: {
  member: Member;
  me: boolean;
  manage: boolean;
  busy: boolean;
  onRole: (role: MemberRole) => void;
  onRemove: () => void;
}) {
  const name = member.full_name ?? member.email;
  return (
    <li className="flex items-center gap-3 py-2 text-sm" data-testid="member">
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">
          {name}
          {me && <span className="font-normal text-zinc-600 dark:text-zinc-400"> (you)</span>}
        </span>
        {member.full_name && (
          <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400">
            {member.email}
          </span>
        )}
      </span>
      {manage && member.role !== "owner" ? (
        <>
          <RoleSelect
            id={`role-${member.user_id}`}
            label={`Role of ${name}`}
            value={member.role}
            onChange={onRole}
            disabled={busy}
          />
          <Button
            variant="ghost"
            size="sm"
            disabled={busy}
            aria-label={`Remove ${name} from the project`}
            onClick={onRemove}
          >
            Remove
          </Button>
        </>
      ) : (
        <span className="text-xs text-zinc-600 dark:text-zinc-400" title={ROLE_HINT[member.role]}>
          {member.role[0]!.toUpperCase() + member.role.slice(1)}
        </span>
      )}
    </li>
  );
}
