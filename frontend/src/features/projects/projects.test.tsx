import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import type { Project } from "./api";
import ProjectHeader from "./ProjectHeader";

beforeEach(() => setAccessToken("token"));
afterEach(() => vi.unstubAllGlobals());

const ID = "00000000-0000-4000-8000-0000000000aa";
const LINK = "http://localhost/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function makeProject(over: Partial<Project> = {}): Project {
  return {
    id: ID,
    name: "Garden",
    colour: "green",
    description: "**Dig** the beds",
    description_html: "<p><strong>Dig</strong> the beds</p>",
    archived: false,
    is_inbox: false,
    role: "owner",
    open_count: 1,
    done_count: 0,
    published_url: null,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    version: 1,
    ...over,
  };
}

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
    const { calls } = serve(makeProject());
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
    const { calls } = serve(makeProject());
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
    serve(makeProject({ published_url: LINK }));
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
    serve(makeProject(), {
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
