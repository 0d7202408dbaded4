import { MutationObserver, onlineManager } from "@tanstack/react-query";
import { waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { isWaiting } from "@/lib/offline";
import { toastMock } from "@/test/sonner";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { updateTaskOptions } from "./mutations";
import { skipOccurrence } from "./skip";
import { undoStack } from "./undo";
import { changedTaskIds } from "./waiting";

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
    // The toast words a due within a week by its weekday: "now" is fixed more than a week before
    // the 14th (a CI run on 8 December read "next due Monday 9:00 AM").
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    onTestFinished(() => void vi.useRealTimers());
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

  it("is sent after an edit of the task made before it, on top of that edit", async () => {
    const { qc, shown } = setup();
    let saved: Task = task;
    let editApplied!: () => void;
    const edited = new Promise<void>((resolve) => (editApplied = resolve));
    const stale = json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412);
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        if (req.headers.get("If-Match") !== `"${saved.version}"`) return stale;
        saved = { ...saved, ...(await req.json()), version: saved.version + 1 };
        editApplied();
        return json(saved);
      },
      "POST /api/v1/tasks/:id/skip": async (req) => {
        await edited; // the edit made first reaches the server first
        if ((await req.json()).version !== saved.version) return stale;
        saved = { ...saved, due_date: skipped.due_date, version: saved.version + 1 };
        return json(saved);
      },
      "GET /api/v1/tasks/:id": () => json(saved),
    });
    const edit = new MutationObserver(qc, updateTaskOptions(qc)).mutate({
      task,
      patch: { priority: "high" },
      record: false,
    });
    await skipOccurrence(qc, shown(), "Europe/Berlin");
    await edit;
    expect(toastMock.error).not.toHaveBeenCalled();
    expect(saved).toMatchObject({ priority: "high", due_date: skipped.due_date, version: 5 });
    await waitFor(() => expect(shown()).toMatchObject({ priority: "high", version: 5 }));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(2); // a 412, then on top
  });

  it("offline, waits in the page with its row marked, and is sent when the network returns", async () => {
    const { qc, shown } = setup();
    qc.mount(); // resumes paused changes when the network returns, as the app's provider does
    const { calls } = mockApi({ "POST /api/v1/tasks/:id/skip": () => json(skipped) });
    onlineManager.setOnline(false);
    try {
      const done = skipOccurrence(qc, task, "Europe/Berlin");
      await waitFor(() =>
        expect(
          qc
            .getMutationCache()
            .findAll({ predicate: isWaiting })
            .flatMap((m) => changedTaskIds(m.state.variables)),
        ).toEqual([task.id]),
      );
      expect(calls).toHaveLength(0);
      onlineManager.setOnline(true);
      await done;
      expect(calls).toHaveLength(1);
      expect(toastMock.error).not.toHaveBeenCalled();
      expect(shown().due_date).toBe(skipped.due_date);
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });

  it("is refused when the due moved elsewhere since it was shown: nothing is skipped", async () => {
    const { qc, shown } = setup();
    const moved = { ...task, due_date: "2026-12-08T08:00:00Z", version: 4 };
    const { calls } = mockApi({
      "POST /api/v1/tasks/:id/skip": () =>
        json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412),
      "GET /api/v1/tasks/:id": () => json(moved),
    });
    await skipOccurrence(qc, task, "Europe/Berlin");
    await waitFor(() =>
      expect(toastMock.error).toHaveBeenCalledWith(expect.stringContaining("Could not skip “Gym”")),
    );
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(undoStack.size()).toBe(0);
    expect(shown().due_date).toBe(task.due_date);
  });
});
