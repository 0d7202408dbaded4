import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, makeProject, makeTask, mockApi, renderWith } from "@/test/utils";
import BulkBar from "./BulkBar";

beforeEach(() => setAccessToken("token"));

describe("the bulk bar's Move to project", () => {
  it("offers the user's own open projects only, as the editor's Project field does", async () => {
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    mockApi({
      "GET /api/v1/projects": () =>
        json({
          items: [
            makeProject({ id: id(1), name: "Inbox", is_inbox: true }),
            makeProject({ id: id(2), name: "Work" }),
            makeProject({ id: id(3), name: "Last year", archived: true }),
            makeProject({ id: id(4), name: "Ann's garden", role: "editor" }),
            makeProject({ id: id(5), name: "Club news", role: "viewer" }),
          ],
          next_cursor: null,
        }),
    });
    renderWith(<BulkBar tasks={[makeTask({ title: "Pack" })]} onClear={() => {}} />);

    const move = await screen.findByRole("combobox", { name: "Move to project" });
    await within(move).findByRole("option", { name: "Work" });
    expect(
      within(move)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Move to…", "Inbox", "Work"]);
  });
});
