import { api, dataOf, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import type { Project } from "./api";

type S = components["schemas"];
export type Member = S["MemberPublic"];
export type Invitation = S["InvitationPublic"];
export type MemberRole = S["MemberUpdate"]["role"];
export type Membership = S["Membership"];

export const sharingKeys = {
  members: (projectId: string) => ["projects", projectId, "members"] as const,
  invitations: (projectId: string) => ["projects", projectId, "invitations"] as const,
};

const inProject = (p: Project) => ({ params: { path: { project_id: p.id } } });

/** Everyone in the project, the owner first (any member may read it). */
export async function listMembers(p: Project): Promise<Member[]> {
  const { data } = await unwrap(api.GET("/api/v1/projects/{project_id}/members", inProject(p)));
  return data.items;
}

/** Pending invitations, oldest first (the owner only). */
export async function listInvitations(p: Project): Promise<Invitation[]> {
  const { data } = await unwrap(api.GET("/api/v1/projects/{project_id}/invitations", inProject(p)));
  return data.items;
}

/** Mails `email` a link that makes its account a member with `role`. */
export async function invite(p: Project, email: string, role: MemberRole): Promise<Invitation> {
  return dataOf(
    api.POST("/api/v1/projects/{project_id}/invitations", {
      ...inProject(p),
      body: { email, role },
    }),
  );
}

export async function withdrawInvitation(p: Project, invitation: Invitation): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/projects/{project_id}/invitations/{invitation_id}", {
      params: { path: { project_id: p.id, invitation_id: invitation.id } },
    }),
  );
}

export async function changeRole(p: Project, member: Member, role: MemberRole): Promise<Member> {
  return dataOf(
    api.PATCH("/api/v1/projects/{project_id}/members/{member_id}", {
      params: { path: { project_id: p.id, member_id: member.user_id } },
      body: { role },
    }),
  );
}

/** The owner removes a member, or a member (their own id) leaves. */
export async function removeMember(p: Project, userId: string): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/projects/{project_id}/members/{member_id}", {
      params: { path: { project_id: p.id, member_id: userId } },
    }),
  );
}

/** Redeems a mailed invitation for the signed-in account. */
export async function acceptInvitation(token: string): Promise<Membership> {
  return dataOf(api.POST("/api/v1/invitations/accept", { body: { token } }));
}
