import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { User } from "@/api/types";
import { setAccessToken } from "@/api/session";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { json, makeMember, makeTask, mockApi, renderWith } from "@/test/utils";
import AssigneeField from "./AssigneeField";
import { AssigneeInitials } from "./AssigneeInitials";

const OWNER = "00000000-0000-4000-8000-000000000001";
const EDITOR = "00000000-0000-4000-8000-000000000002";
const VIEWER = "00000000-0000-4000-8000-000000000003";
const PROJECT = "00000000-0000-4000-8000-00000000abcd";

const TEAM = [
  makeMember(OWNER, "owner", "owner@example.com", "Olga Owner"),
  makeMember(EDITOR, "editor", "ed@example.com", "Ann Lee"),
  makeMember(VIEWER, "viewer", "vi@example.com"),
];

const signedIn = (id: string) => ({ user: { id } as User }) as AuthContextValue;

const TASK = makeTask({ project_id: PROJECT });

function serve(members: unknown[]) {
  let version = 1;
  return mockApi({
    "GET /api/v1/projects/:id/members": () => json({ items: members }),
    "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    "PATCH /api/v1/tasks/:id": async (req) => {
      version += 1;
      return json({ ...TASK, ...(await req.json()), version });
    },
  });
}

beforeEach(() => setAccessToken("token"));

describe("the assignee picker", () => {
  it("offers the owner and the editors of a shared project, never its viewers", async () => {
    serve(TEAM);
    renderWith(
      <AuthContext.Provider value={signedIn(OWNER)}>
        <AssigneeField task={makeTask({ project_id: PROJECT })} />
      </AuthContext.Provider>,
    );
    const picker = await screen.findByLabelText("Assignee");
    expect(
      within(picker)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Nobody", "Olga Owner (me)", "Ann Lee"]);
    expect(picker).toHaveValue("");
    expect(picker).toBeEnabled();
  });

  it("saves each choice at once, the second on the version the first one got", async () => {
    const user = userEvent.setup();
    const { calls } = serve(TEAM);
    renderWith(
      <AuthContext.Provider value={signedIn(OWNER)}>
        <AssigneeField task={TASK} />
      </AuthContext.Provider>,
    );
    const picker = await screen.findByLabelText("Assignee");
    await user.selectOptions(picker, "Ann Lee");
    expect(picker).toHaveValue(EDITOR);
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1));
    await user.selectOptions(picker, "Nobody");
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2));
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => [JSON.parse(c.body), c.headers.get("If-Match")])).toEqual([
      [{ assignee_id: EDITOR }, '"1"'],
      [{ assignee_id: null }, '"2"'],
    ]);
    expect(picker).toHaveValue("");
  });

  it("is not offered for a project only its owner is in, nor for an Inbox task", async () => {
    const { calls } = serve([TEAM[0]]);
    renderWith(
      <AuthContext.Provider value={signedIn(OWNER)}>
        <AssigneeField task={makeTask({ project_id: PROJECT })} />
        <AssigneeField task={makeTask({ project_id: OWNER })} />
      </AuthContext.Provider>,
    );
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.path).toBe(`/api/v1/projects/${PROJECT}/members`);
    expect(screen.queryByLabelText("Assignee")).not.toBeInTheDocument();
  });

  it("shows a viewer who is assigned, without letting them change it", async () => {
    serve(TEAM);
    renderWith(
      <AuthContext.Provider value={signedIn(VIEWER)}>
        <AssigneeField task={makeTask({ project_id: PROJECT, assignee_id: EDITOR })} />
      </AuthContext.Provider>,
    );
    const picker = await screen.findByLabelText("Assignee");
    expect(picker).toHaveValue(EDITOR);
    expect(picker).toBeDisabled();
  });
});

describe("the assignee on a row", () => {
  it("shows the assignee's initials with their name for screen readers", async () => {
    serve(TEAM);
    renderWith(
      <AuthContext.Provider value={signedIn(OWNER)}>
        <AssigneeInitials task={makeTask({ project_id: PROJECT, assignee_id: EDITOR })} />
        <AssigneeInitials task={makeTask({ project_id: PROJECT, assignee_id: VIEWER })} />
      </AuthContext.Provider>,
    );
    const badges = await screen.findAllByRole("img");
    expect(badges.map((b) => [b.getAttribute("aria-label"), b.textContent])).toEqual([
      ["Assigned to Ann Lee", "AL"],
      ["Assigned to vi@example.com", "VI"],
    ]);
  });
});
