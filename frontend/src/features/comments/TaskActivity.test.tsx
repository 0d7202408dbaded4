import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import type { Task, User } from "@/api/types";
import { setAccessToken } from "@/api/session";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { json, makeMember, makeProject, makeTask, mockApi, renderWith } from "@/test/utils";
import TaskActivity from "./TaskActivity";

const ME = "00000000-0000-4000-8000-000000000001";
const ANN = "00000000-0000-4000-8000-000000000002";
const GONE = "00000000-0000-4000-8000-000000000003";
const GARDEN = "00000000-0000-4000-8000-00000000abcd";

beforeEach(() => setAccessToken("token"));

const event = (changes: Record<string, [unknown, unknown]>, n: number) => ({
  id: `00000000-0000-4000-8000-0000000000e${n}`,
  actor_id: ANN,
  kind: "updated",
  changes,
  created_at: "2026-12-01T10:00:00Z",
});

/** The task's comments and history, for the user ME in UTC. */
const showActivity = (task: Task) =>
  renderWith(
    <AuthContext.Provider
      value={{ user: { id: ME, time_zone: "UTC" } as User } as AuthContextValue}
    >
      <TaskActivity task={task} />
    </AuthContext.Provider>,
  );

describe("a task's history", () => {
  it("names the assignee of a change as the rest of the app does, never by its id", async () => {
    mockApi({
      "GET /api/v1/projects": () => json({ items: [makeProject({ id: GARDEN, name: "Garden" })] }),
      "GET /api/v1/projects/:id/members": () =>
        json({
          items: [
            makeMember(ME, "owner", "me@example.com"),
            makeMember(ANN, "editor", "ann@example.com", "Ann Lee"),
          ],
        }),
      "GET /api/v1/tasks/:id/comments": () => json({ items: [] }),
      "GET /api/v1/tasks/:id/history": () =>
        json({
          items: [event({ assignee_id: [null, ANN] }, 1), event({ assignee_id: [GONE, ME] }, 2)],
          next_cursor: null,
        }),
    });
    showActivity(makeTask({ project_id: GARDEN }));

    expect(await screen.findByText("assignee: none → Ann Lee")).toBeInTheDocument();
    expect(await screen.findByText("assignee: someone → You")).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(GONE);
  });

  it("words a due as one thing: a time added to a due day is one change of the due", async () => {
    mockApi({
      "GET /api/v1/projects": () => json({ items: [] }),
      "GET /api/v1/tasks/:id/comments": () => json({ items: [] }),
      "GET /api/v1/tasks/:id/history": () =>
        json({
          items: [
            event({ due_on: ["2026-12-16", null], due_date: [null, "2026-12-16T18:00:00Z"] }, 1),
            event({ due_on: [null, "2026-12-20"] }, 2),
            event({ due_date: ["2026-12-16T18:00:00Z", null], priority: ["low", "high"] }, 3),
          ],
          next_cursor: null,
        }),
    });
    showActivity(makeTask({ project_id: ME }));

    expect(
      await screen.findByText(/^due: Dec 16, 2026 → Dec 16, 2026, 6:00\sPM$/),
    ).toBeInTheDocument();
    expect(screen.getByText("due: none → Dec 20, 2026")).toBeInTheDocument();
    expect(screen.getByText(/^due: Dec 16, 2026, 6:00\sPM → none$/)).toBeInTheDocument();
    expect(screen.getByText("priority: Low → High")).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(/due (day|time)/);
  });
});
