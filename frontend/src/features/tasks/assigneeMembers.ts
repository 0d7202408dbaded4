/**
 * Who a task of a shared project may be assigned to (issue 19): its members, for the
 * assignee's initials on rows and the picker in the dialog. Small on purpose: rows are on the
 * first screen of /tasks (150 kB budget); the picker loads with the dialog.
 */
import { useQuery } from "@tanstack/react-query";
import { useContext } from "react";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import type { Task } from "@/api/types";
import { AuthContext } from "@/features/auth/context";

export type Member = components["schemas"]["MemberPublic"];

/** The same key as features/projects/sharing's members query: one cache entry for both. */
const membersKey = (projectId: string) => ["projects", projectId, "members"] as const;

/**
 * The members of the task's project, or nothing for an Inbox task (its id is the owner's, and
 * an Inbox is never shared) or when `enabled` is false. Shared: more than the owner.
 */
export function useSharedMembers(task: Task, enabled = true) {
  const me = useContext(AuthContext)?.user?.id;
  const query = useQuery({
    queryKey: membersKey(task.project_id),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/v1/projects/{project_id}/members", {
            params: { path: { project_id: task.project_id } },
          }),
        )
      ).data.items,
    enabled: enabled && !!me && task.project_id !== me && !task.id.startsWith("temp-"),
    staleTime: 60_000,
  });
  const members = query.data && query.data.length > 1 ? query.data : null;
  return { me, members };
}

export const memberName = (m: Pick<Member, "full_name" | "email">) => m.full_name || m.email;

/** A user named as the task's screens name people: "You", a member by name, or undefined for
 * someone `members` does not hold (the caller says how to word that). */
export function personName(
  id: string,
  me: string | undefined,
  members: readonly Member[] | null | undefined,
): string | undefined {
  if (id === me) return "You";
  const member = members?.find((m) => m.user_id === id);
  return member && memberName(member);
}

/** "Ann Lee" → "AL", "bob@example.com" → "BO". */
export function initials(m: Pick<Member, "full_name" | "email">): string {
  const words = (m.full_name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return (words[0]![0]! + words[words.length - 1]![0]!).toUpperCase();
  return (words[0] ?? m.email).slice(0, 2).toUpperCase();
}
