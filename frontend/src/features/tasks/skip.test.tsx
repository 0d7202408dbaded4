import { waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { toastMock } from "@/test/sonner";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { skipOccurrence } from "./skip";
import { undoStack } from "./undo";

const Q = { sort: "-created_at" } as const;
// 09:00 in Berlin on Monday 7 December 2026; the next Monday's 09:00.
const task = makeTask({
  title: "Gym",
  due_date: "2026-12-07T08:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=MO",
  version: 3,
});
const skipped = { ...task, due_date: "2026-12-14T08:00:00Z", version: 4 };

function setup() {
  const qc = newQueryClient();
  qc.setQueryData<ListData>(taskKeys.list(Q), {
    pages: [{ items: [task], next_cursor: null }],
    pageParams: [null],
  });
  const shown = () => qc.getQueryData<ListData>(taskKeys.list(Q))!.pages[0]!.items[0]!;
  return { qc, shown };
}

beforeEach(() => {
  setAccessToken("token");
  undoStack.clear();
  toastMock.mockClear();
  toastMock.error.mockClear();
});

describe("skipOccurrence", () => {
  it("sends the version shown, shows the next due, and Undo puts the due time back", async () => {
    const { qc, shown } = setup();
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/skip": () => json(skipped),
      "PATCH /api/v1/tasks/:id": async (req) =>
        json({ ...skipped, ...(await req.json()), version: 5 }),
    });
    await skipOccurrence(qc, task, "Europe/Berlin");

    const skip = calls.find((c) => c.method === "POST")!;
    expect(skip.path).toBe(`/api/v1/tasks/${task.id}/skip`);
    expect(JSON.parse(skip.body)).toEqual({ version: 3 });
    expect(shown().due_date).toBe("2026-12-14T08:00:00Z");
    await waitFor(() =>
      expect(toastMock).toHaveBeenCalledWith(
        expect.stringMatching(/^Skipped “Gym”: next due .*14.* 0?9:00/),
        expect.objectContaining({ action: expect.objectContaining({ label: "Undo" }) }),
      ),
    );

    expect(undoStack.undoLast()).toBe(true);
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const undo = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(undo.body)).toEqual({ due_date: "2026-12-07T08:00:00Z" });
    expect(undo.headers.get("if-match")).toBe('"4"');
    await waitFor(() => expect(shown().due_date).toBe("2026-12-07T08:00:00Z"));
  });

  it("says why a skip was refused and leaves nothing to undo", async () => {
    const { qc, shown } = setup();
    mockApi({
      "POST /api/v1/tasks/:id/skip": () =>
        json(
          {
            type: "urn:taskapp:problem:series-ends",
            title: "Conflict",
            status: 409,
            detail: "This is the last occurrence of the task's series.",
          },
          409,
        ),
    });
    await skipOccurrence(qc, task, "Europe/Berlin");
    await waitFor(() =>
      expect(toastMock.error).toHaveBeenCalledWith(
        expect.stringContaining("the last occurrence of the task's series"),
      ),
    );
    expect(undoStack.size()).toBe(0);
    expect(shown().due_date).toBe(task.due_date);
  });
});
