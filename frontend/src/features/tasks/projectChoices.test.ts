import { describe, expect, it } from "vitest";
import { makeProject, makeTask } from "@/test/utils";
import { projectChoices } from "./projectChoices";

const inbox = makeProject({ id: "inbox", name: "Inbox", is_inbox: true });
const work = makeProject({ id: "work", name: "Work" });
const old = makeProject({ id: "old", name: "Old", archived: true });
const shared = makeProject({ id: "shared", name: "Team", role: "editor" });
const watched = makeProject({ id: "watched", name: "Board", role: "viewer" });
const all = [inbox, work, old, shared, watched];
const names = (r: ReturnType<typeof projectChoices>) => r.choices.map((p) => p.name);

describe("the editor's project choices", () => {
  it("a new task may go to any open project the user can add to", () => {
    const r = projectChoices(all, undefined);
    expect([names(r), r.locked]).toEqual([["Inbox", "Work", "Team"], null]);
  });

  it("an own task moves among the user's own open projects, its archived one still named", () => {
    expect(names(projectChoices(all, makeTask({ project_id: "work" })))).toEqual(["Inbox", "Work"]);
    const r = projectChoices(all, makeTask({ project_id: "old" }));
    expect([names(r), r.locked]).toEqual([["Old", "Inbox", "Work"], null]);
  });

  it("a subtask and a task of a shared project are shown where they are, not offered a move", () => {
    const sub = projectChoices(all, makeTask({ project_id: "work", parent_id: "p" }));
    expect([names(sub), sub.locked]).toEqual([["Work"], "A subtask is in its parent's project."]);
    const theirs = projectChoices(all, makeTask({ project_id: "shared" }));
    expect([names(theirs), theirs.locked]).toEqual([
      ["Team"],
      "Tasks of a project shared with you stay in it.",
    ]);
  });
});
