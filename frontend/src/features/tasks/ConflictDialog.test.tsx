import { act, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import type { User } from "@/api/types";
import { setAccessToken } from "@/api/session";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import {
  json,
  makeMember,
  makeProject,
  makeTask,
  mockApi,
  newQueryClient,
  renderWith,
} from "@/test/utils";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { ConflictDialog } from "./ConflictDialog";
import { conflictStore } from "./conflict";

const ME = "00000000-0000-4000-8000-000000000001";
const ANN = "00000000-0000-4000-8000-000000000002";
const GARDEN = "00000000-0000-4000-8000-00000000abcd";
const HOME = "00000000-0000-4000-8000-00000000beef";

const signedIn = { user: { id: ME, time_zone: "UTC" } as User } as AuthContextValue;

beforeEach(() => setAccessToken("token"));
afterEach(() => act(() => conflictStore.close()));

function open(qc = newQueryClient()) {
  renderWith(
    <AuthContext.Provider value={signedIn}>
      <ConflictDialog />
    </AuthContext.Provider>,
    { qc },
  );
  return qc;
}

const cell = (side: "theirs" | "mine", field: string) =>
  screen.getByTestId(`conflict-${side}-${field}`);

describe("the conflict dialog", () => {
  it("names the project, parent and assignee on both sides, and says the repeat and due day in words", async () => {
    // A day in the current year is written without its year: "now" is fixed in 2026.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    onTestFinished(() => void vi.useRealTimers());
    mockApi({
      "GET /api/v1/projects": () =>
        json({
          items: [
            makeProject({ id: GARDEN, name: "Garden" }),
            makeProject({ id: HOME, name: "Home" }),
          ],
        }),
      "GET /api/v1/projects/:id/members": () =>
        json({
          items: [
            makeMember(ME, "owner", "me@example.com"),
            makeMember(ANN, "editor", "ann@example.com", "Ann Lee"),
          ],
        }),
    });
    const parent = makeTask({ title: "Plan the offsite", project_id: GARDEN });
    const qc = newQueryClient();
    qc.setQueryData<ListData>(taskKeys.list({ sort: "position" }), {
      pages: [{ items: [parent], next_cursor: null }],
      pageParams: [null],
    });
    open(qc);
    const fresh = makeTask({
      project_id: GARDEN,
      parent_id: parent.id,
      assignee_id: ANN,
      recurrence: "FREQ=WEEKLY;BYDAY=MO",
      due_on: "2027-03-01",
    });
    act(() =>
      conflictStore.open({
        fresh,
        patch: {
          project_id: HOME,
          parent_id: null,
          assignee_id: ME,
          recurrence: null,
          due_on: "2027-03-02",
        },
      }),
    );

    expect(await screen.findByText("Garden")).toBe(cell("theirs", "project_id"));
    expect(cell("mine", "project_id")).toHaveTextContent("Home");
    expect(cell("theirs", "parent_id")).toHaveTextContent("“Plan the offsite”");
    expect(cell("mine", "parent_id")).toHaveTextContent("—");
    expect(await screen.findByText("Ann Lee")).toBe(cell("theirs", "assignee_id"));
    expect(cell("mine", "assignee_id")).toHaveTextContent("You");
    expect(cell("theirs", "recurrence")).toHaveTextContent("Repeats every Monday");
    expect(cell("mine", "recurrence")).toHaveTextContent("—");
    expect(cell("theirs", "due_on")).toHaveTextContent("Mar 1, 2027");
    expect(cell("mine", "due_on")).toHaveTextContent("Mar 2, 2027");
  });

  it("shows a neutral phrase, never a raw id, for what no cache holds", async () => {
    mockApi({
      "GET /api/v1/projects": () => json({ items: [makeProject({ id: GARDEN, name: "Garden" })] }),
      "GET /api/v1/projects/:id/members": () => json({ items: [] }),
    });
    open();
    const unknown = "00000000-0000-4000-8000-0000000f00d5";
    act(() =>
      conflictStore.open({
        fresh: makeTask({ project_id: GARDEN, parent_id: unknown, assignee_id: unknown }),
        patch: { project_id: unknown, parent_id: null, assignee_id: null },
      }),
    );

    expect(await screen.findByText("Garden")).toBe(cell("theirs", "project_id"));
    expect(cell("mine", "project_id")).toHaveTextContent("Another project");
    expect(cell("theirs", "parent_id")).toHaveTextContent("Another task");
    expect(cell("theirs", "assignee_id")).toHaveTextContent("Another member");
    expect(document.body).not.toHaveTextContent(unknown);
  });
});
