import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { json, makeMember, makeProject, mockApi, renderWith } from "@/test/utils";
import type { Project } from "./api";
import ProjectHeader from "./ProjectHeader";

beforeEach(() => setAccessToken("token"));
afterEach(() => vi.unstubAllGlobals());

const ID = "00000000-0000-4000-8000-0000000000aa";
const LINK = "http://localhost/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** The user's own project "Garden", with a Markdown description. */
const garden = (over: Partial<Project> = {}): Project =>
  makeProject({
    id: ID,
    name: "Garden",
    colour: "green",
    description: "**Dig** the beds",
    description_html: "<p><strong>Dig</strong> the beds</p>",
    ...over,
  });

/** One project the mock server keeps: PATCH applies, publish/revoke set or clear the link. */
function serve(project: Project, { publish = (): Response => json({ url: LINK }) } = {}) {
  let current = project;
  return mockApi({
    "GET /api/v1/projects": () => json({ items: [current] }),
    "PATCH /api/v1/projects/:id": async (req) => {
      const body = (await req.json()) as Partial<Project>;
      current = { ...current, ...body, version: current.version + 1 };
      return json(current);
    },
    "POST /api/v1/projects/:id/publish": () => {
      const answer = publish();
      if (answer.ok) current = { ...current, published_url: LINK };
      return answer;
    },
    "DELETE /api/v1/projects/:id/publish": () => {
      current = { ...current, published_url: null };
      return new Response(null, { status: 204 });
    },
  });
}

// Each test loads a lazy dialog chunk: on a loaded machine that alone took most of the 5 s default.
describe("the project header", { timeout: 15_000 }, () => {
  it("shows the server's rendered description and edits the Markdown behind it", async () => {
    const user = userEvent.setup();
    const { calls } = serve(garden());
    renderWith(<ProjectHeader projectId={ID} />);

    const shown = await screen.findByTestId("project-description");
    expect(within(shown).getByText("Dig").tagName).toBe("STRONG");

    await user.click(screen.getByRole("button", { name: "Edit project" }));
    const text = await screen.findByLabelText("Description");
    expect(text).toHaveValue("**Dig** the beds");
    expect(text).toHaveAccessibleDescription(/Markdown/);
    await user.clear(text);
    await user.click(text);
    await user.paste("Plant *tulips*");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(patch.body)).toEqual({
      name: "Garden",
      colour: "green",
      description: "Plant *tulips*",
    });
    expect(patch.headers.get("if-match")).toBe('"1"');
  });
});

describe("publishing", { timeout: 15_000 }, () => {
  it("publishes, copies the link, and stops only after asking", async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    const { calls } = serve(garden());
    renderWith(<ProjectHeader projectId={ID} />);

    await user.click(await screen.findByRole("button", { name: "Publish a read-only link" }));
    const dialog = await screen.findByRole("dialog", { name: "Publish “Garden”" });
    await user.click(within(dialog).getByRole("button", { name: "Publish a read-only link" }));
    expect(await within(dialog).findByLabelText("Read-only link")).toHaveValue(LINK);
    expect(within(dialog).getByRole("link", { name: "Open" })).toHaveAttribute("href", LINK);

    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(LINK);
    expect(await within(dialog).findByText("Link copied.")).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Stop publishing…" }));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    expect(within(dialog).getByRole("alert")).toHaveTextContent("The link stops working at once");
    await user.click(within(dialog).getByRole("button", { name: "Stop publishing" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
        `/api/v1/projects/${ID}/publish`,
      ]),
    );
    expect(
      await within(dialog).findByRole("button", { name: "Publish a read-only link" }),
    ).toBeInTheDocument();
  });

  it("falls back to the copy command when the Clipboard API refuses", async () => {
    const user = userEvent.setup();
    vi.stubGlobal("navigator", {
      ...navigator,
      clipboard: { writeText: () => Promise.reject(new Error("denied")) },
    });
    const execCommand = vi.fn(() => true);
    document.execCommand = execCommand;
    serve(garden({ published_url: LINK }));
    renderWith(<ProjectHeader projectId={ID} />);

    await user.click(await screen.findByRole("button", { name: "Published link" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Copy" }));

    expect(await within(dialog).findByText("Link copied.")).toBeInTheDocument();
    expect(execCommand).toHaveBeenCalledWith("copy");
    expect(within(dialog).getByLabelText("Read-only link")).toHaveFocus();
  });

  it("shows a problem answer in the form", async () => {
    const user = userEvent.setup();
    serve(garden(), {
      publish: () => json({ title: "Not Found", status: 404, detail: "No such project" }, 404),
    });
    renderWith(<ProjectHeader projectId={ID} />);

    await user.click(await screen.findByRole("button", { name: "Publish a read-only link" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Publish a read-only link" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("No such project");
    expect(within(dialog).queryByLabelText("Read-only link")).not.toBeInTheDocument();
  });
});

const OWNER = "00000000-0000-4000-8000-000000000001";
const GUEST = "00000000-0000-4000-8000-000000000002";

/** A shared project on the mock server: its members and pending invitations, kept. */
function serveShared(project: Project) {
  let members = [
    makeMember(OWNER, "owner", "owner@example.com"),
    makeMember(GUEST, "editor", "guest@example.com"),
  ];
  let invitations: { id: string; email: string; role: string; expires_at: string }[] = [];
  const api = mockApi({
    "GET /api/v1/projects": () => json({ items: [project] }),
    "GET /api/v1/projects/:id/members": () => json({ items: members }),
    "GET /api/v1/projects/:id/invitations": () => json({ items: invitations }),
    "POST /api/v1/projects/:id/invitations": async (req) => {
      const body = (await req.json()) as { email: string; role: string };
      if (members.some((m) => m.email === body.email))
        return json(
          { title: "Conflict", status: 409, detail: "That address is already a member." },
          409,
        );
      const made = {
        id: `inv-${invitations.length + 1}`,
        ...body,
        expires_at: "2026-12-09T00:00:00Z",
      };
      invitations = [...invitations, made];
      return json({ ...made, project_id: project.id, created_at: "2026-12-02T00:00:00Z" }, 201);
    },
    "DELETE /api/v1/projects/:id/invitations/:inv": (req) => {
      const id = new URL(req.url).pathname.split("/").pop();
      invitations = invitations.filter((i) => i.id !== id);
      return new Response(null, { status: 204 });
    },
    "PATCH /api/v1/projects/:id/members/:user": async (req) => {
      const id = new URL(req.url).pathname.split("/").pop();
      const { role } = (await req.json()) as { role: "editor" | "viewer" };
      members = members.map((m) => (m.user_id === id ? { ...m, role } : m));
      return json(members.find((m) => m.user_id === id));
    },
    "DELETE /api/v1/projects/:id/members/:user": (req) => {
      const id = new URL(req.url).pathname.split("/").pop();
      members = members.filter((m) => m.user_id !== id);
      return new Response(null, { status: 204 });
    },
  });
  return api;
}

const signedIn = (id: string) => ({ user: { id } as User }) as AuthContextValue;

describe("sharing", { timeout: 15_000 }, () => {
  it("the owner invites, sees the invitation wait, withdraws it, changes a role and removes", async () => {
    const user = userEvent.setup();
    const { calls } = serveShared(garden());
    renderWith(
      <AuthContext.Provider value={signedIn(OWNER)}>
        <ProjectHeader projectId={ID} />
      </AuthContext.Provider>,
    );

    await user.click(await screen.findByRole("button", { name: "Share" }));
    const dialog = await screen.findByRole("dialog", { name: "Share “Garden”" });
    const rows = await within(dialog).findAllByTestId("member");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("owner@example.com (you)"),
      expect.stringContaining("guest@example.com"),
    ]);
    // The owner's own role is not for changing; the guest's is.
    expect(within(rows[0]!).queryByRole("combobox")).not.toBeInTheDocument();

    // Already a member: the server's reason shows, and nothing waits.
    await user.type(within(dialog).getByLabelText("Email address"), "guest@example.com");
    await user.click(within(dialog).getByRole("button", { name: "Invite" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("already a member");

    await user.clear(within(dialog).getByLabelText("Email address"));
    await user.type(within(dialog).getByLabelText("Email address"), "new@example.com");
    await user.selectOptions(within(dialog).getByLabelText("Role for the invitation"), "viewer");
    await user.click(within(dialog).getByRole("button", { name: "Invite" }));
    const pending = await within(dialog).findByRole("list", { name: "Pending invitations" });
    expect(pending).toHaveTextContent("new@example.com");
    expect(pending).toHaveTextContent("Viewer");
    expect(within(dialog).getByLabelText("Email address")).toHaveValue("");
    const invited = calls
      .filter((c) => c.method === "POST")
      .map((c) => JSON.parse(c.body) as unknown);
    expect(invited).toEqual([
      { email: "guest@example.com", role: "editor" },
      { email: "new@example.com", role: "viewer" },
    ]);

    await user.click(
      within(pending).getByRole("button", { name: "Withdraw the invitation to new@example.com" }),
    );
    await waitFor(() =>
      expect(
        within(dialog).queryByRole("list", { name: "Pending invitations" }),
      ).not.toBeInTheDocument(),
    );

    await user.selectOptions(within(dialog).getByLabelText("Role of guest@example.com"), "viewer");
    await waitFor(() =>
      expect(within(dialog).getByLabelText("Role of guest@example.com")).toHaveValue("viewer"),
    );
    expect(calls.find((c) => c.method === "PATCH")).toMatchObject({
      path: `/api/v1/projects/${ID}/members/${GUEST}`,
      body: JSON.stringify({ role: "viewer" }),
    });

    await user.click(
      within(dialog).getByRole("button", { name: "Remove guest@example.com from the project" }),
    );
    await waitFor(() => expect(within(dialog).getAllByTestId("member")).toHaveLength(1));
  });

  it("a member sees the members, cannot edit or publish the project, and leaves after asking", async () => {
    const user = userEvent.setup();
    const { calls } = serveShared(garden({ role: "editor" }));
    renderWith(
      <AuthContext.Provider value={signedIn(GUEST)}>
        <ProjectHeader projectId={ID} />
      </AuthContext.Provider>,
    );

    const open = await screen.findByRole("button", { name: "Members · you are an editor" });
    expect(screen.queryByRole("button", { name: "Edit project" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Publish/ })).not.toBeInTheDocument();
    await user.click(open);
    const dialog = await screen.findByRole("dialog", { name: "Members of “Garden”" });
    expect(await within(dialog).findAllByTestId("member")).toHaveLength(2);
    expect(within(dialog).queryByLabelText("Email address")).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("combobox")).not.toBeInTheDocument();
    // The owner's invitation list is never asked for by a member (it would be 403).
    expect(calls.some((c) => c.path.endsWith("/invitations"))).toBe(false);

    await user.click(within(dialog).getByRole("button", { name: "Leave project…" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Leave project" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
        `/api/v1/projects/${ID}/members/${GUEST}`,
      ]),
    );
  });

  it("the Inbox offers no sharing", async () => {
    serveShared(garden({ is_inbox: true, name: "Inbox" }));
    renderWith(<ProjectHeader projectId={ID} />);
    expect(await screen.findByRole("button", { name: "Edit project" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Share" })).not.toBeInTheDocument();
  });
});
