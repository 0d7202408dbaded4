import { act, renderHook, waitFor } from "@testing-library/react";
import { onlineManager, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import type { Task } from "@/api/types";
import { isWaiting } from "@/lib/offline";
import { toastMock } from "@/test/sonner";
import { json, makeTask, mockApi, newQueryClient } from "@/test/utils";
import { taskKeys } from "./api";
import type { ListData } from "./cache";
import { conflictStore } from "./conflict";
import type { ApiTaskQuery } from "./filters";
import { flushPendingDeletes, useCreateTask, useDeleteTask, useUpdateTask } from "./mutations";
import { useTaskList } from "./queries";
import { moveTask } from "./reorder";
import { undoStack } from "./undo";

const Q: ApiTaskQuery = { sort: "-created_at" };

function setup(tasks = [makeTask({ title: "Water the plants" })]) {
  const qc = newQueryClient();
  qc.setQueryData<ListData>(taskKeys.list(Q), {
    pages: [{ items: tasks, next_cursor: null }],
    pageParams: [null],
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>{children}</QueryClientProvider>
  );
  const items = () => qc.getQueryData<ListData>(taskKeys.list(Q))!.pages[0]!.items;
  return { qc, wrapper, items, task: tasks[0]! };
}

/** A PATCH endpoint that saves each patch onto the cached task and answers the next version. */
function mockSavingPatch(items: () => Task[]) {
  let version = 1;
  return mockApi({
    "PATCH /api/v1/tasks/:id": async (req) => {
      version += 1;
      return json({ ...items()[0], ...(await req.json()), version }, 200);
    },
  });
}

/**
 * The server's side of one task: a PATCH checks If-Match and saves onto what it holds once
 * `hold` (given the PATCH's number, from 1) lets it through; GETs answer what it holds.
 */
function taskServer(task: Task, hold: (n: number) => Promise<void> | void = () => {}) {
  let saved = { ...task };
  let patches = 0;
  const { calls } = mockApi({
    "PATCH /api/v1/tasks/:id": async (req) => {
      patches += 1;
      const body = (await req.json()) as Partial<Task>;
      await hold(patches);
      if (req.headers.get("If-Match") !== `"${saved.version}"`)
        return json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412);
      saved = { ...saved, ...body, version: saved.version + 1 };
      return json(saved, 200);
    },
    "GET /api/v1/tasks/:id": () => json(saved, 200),
    "GET /api/v1/tasks": () => json({ items: [saved], next_cursor: null }),
  });
  const sent = (method: string, path = /^\/api\/v1\/tasks/) =>
    calls.filter((c) => c.method === method && path.test(c.path)).length;
  return { saved: () => saved, sent };
}

/** Deletes the one task through useDeleteTask (fake timers run the Undo window; the DELETE
 * would succeed) and checks that it left the list at once. */
function deleteTheTask() {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const { qc, wrapper, items, task } = setup();
  const { calls } = mockApi({
    "DELETE /api/v1/tasks/:id": () => new Response(null, { status: 204 }),
  });
  const { result } = renderHook(() => useDeleteTask(), { wrapper });
  act(() => result.current(task));
  expect(items()).toEqual([]);
  return { qc, items, task, calls };
}

beforeEach(() => {
  setAccessToken("token");
  conflictStore.close();
  undoStack.clear();
  toastMock.mockClear();
  toastMock.error.mockClear();
});
afterEach(() => vi.useRealTimers());

describe("optimistic task mutations", () => {
  it("shows an edit at once and rolls it back when the server fails", async () => {
    const { wrapper, items, task } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mockApi({
      "PATCH /api/v1/tasks/:id": async () => {
        await gate;
        return json({ title: "Internal Server Error", status: 500, detail: "boom" }, 500);
      },
      "GET /api/v1/tasks/stats": () => json({}),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { priority: "urgent" } }));
    await waitFor(() => expect(items()[0]!.priority).toBe("urgent"));
    release();
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(items()[0]!.priority).toBe("medium");
    // Toasts are shown once sonner has loaded (ui/toast.ts): a moment later.
    await waitFor(() =>
      expect(toastMock.error).toHaveBeenCalledWith(expect.stringContaining("boom")),
    );
  });

  it("sends If-Match with the task's ETag and keeps the server's answer", async () => {
    const { wrapper, items, task } = setup();
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": async (req) =>
        json({ ...task, ...(await req.json()), version: 2 }, 200, { ETag: '"2"' }),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "done" } }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.headers.get("If-Match")).toBe('"1"');
    expect(JSON.parse(patch.body)).toEqual({ status: "done" });
    expect(items()[0]).toMatchObject({ status: "done", version: 2 });
  });

  it("on 412 for the same field loads the fresh version and asks instead of overwriting", async () => {
    const { wrapper, items, task } = setup();
    const fresh = { ...task, priority: "urgent" as const, version: 3 };
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": () =>
        json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412),
      "GET /api/v1/tasks/:id": () => json(fresh, 200, { ETag: '"3"' }),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { priority: "high" } }));
    await waitFor(() => expect(conflictStore.get()).not.toBeNull());
    expect(conflictStore.get()).toEqual({ fresh, patch: { priority: "high" } });
    expect(items()[0]).toEqual(fresh);
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1);
  });

  it("on 412 for other fields re-sends the same patch on the fresh version, no dialog", async () => {
    const { wrapper, items, task } = setup();
    const fresh = { ...task, title: "Water the plants (and the garden)", version: 3 };
    let patches = 0;
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        patches += 1;
        if (patches === 1)
          return json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412);
        return json({ ...fresh, ...(await req.json()), version: 4 }, 200, { ETag: '"4"' });
      },
      "GET /api/v1/tasks/:id": () => json(fresh, 200, { ETag: '"3"' }),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { priority: "high" } }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    const sent = calls.filter((c) => c.method === "PATCH");
    expect(sent.map((c) => c.headers.get("If-Match"))).toEqual(['"1"', '"3"']);
    expect(JSON.parse(sent[1]!.body)).toEqual({ priority: "high" });
    expect(conflictStore.get()).toBeNull();
    expect(items()[0]).toMatchObject({
      title: "Water the plants (and the garden)",
      priority: "high",
      version: 4,
    });
  });

  it("two quick changes to one task: the first answer does not undo the second on screen", async () => {
    const { wrapper, items, task } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let version = 1;
    mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        const body = await req.json();
        version += 1;
        const answer = { ...task, ...body, version };
        if (body.status === "in_progress") await gate; // the first answer is slow...
        return json(answer, 200);
      },
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "in_progress" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("in_progress"));
    const second = renderHook(() => useUpdateTask(), { wrapper });
    act(() => second.result.current.mutate({ task: items()[0]!, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("done"));
    release(); // ...and arrives while the second waits its turn (TASK_CHANGES)
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(items()[0]!.status).toBe("done");
    await waitFor(() => expect(second.result.current.isSuccess).toBe(true));
    expect(items()[0]!.status).toBe("done");
  });

  it("a change made before the one ahead of it was answered is sent on that answer's version: no 412", async () => {
    const { wrapper, items, task } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = taskServer(task, (n) => (n === 1 ? gate : undefined));
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { priority: "urgent" } }));
    await waitFor(() => expect(items()[0]!.priority).toBe("urgent"));
    // Both made on the version the list holds, before the first answer.
    act(() => result.current.mutate({ task: items()[0]!, patch: { priority: "high" } }));
    act(() => result.current.mutate({ task: items()[0]!, patch: { status: "done" } }));
    release();
    await waitFor(() => expect(server.saved()).toMatchObject({ priority: "high", status: "done" }));
    await waitFor(() =>
      expect(items()[0]).toMatchObject({ status: "done", version: task.version + 3 }),
    );
    expect(server.sent("PATCH")).toBe(3);
    expect(server.sent("GET", /^\/api\/v1\/tasks\/[^/]+$/)).toBe(0); // no 412 to reload after
    expect(conflictStore.get()).toBeNull();
  });

  it("a list refetched after the first of two quick moves does not undo the second on screen", async () => {
    const { qc, wrapper, items, task } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = taskServer(task, (n) => (n === 1 ? gate : undefined));
    renderHook(() => useTaskList(Q), { wrapper }); // on screen, so an invalidation refetches it
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "in_progress" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("in_progress"));
    act(() => result.current.mutate({ task: items()[0]!, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("done"));
    // Every state the list shows from here on.
    const shown: string[] = [];
    const stop = qc.getQueryCache().subscribe(() => shown.push(items()[0]!.status));
    const listReads = () => server.sent("GET", /^\/api\/v1\/tasks$/);
    const readsBefore = listReads();
    release();
    await waitFor(() => expect(items()[0]).toMatchObject({ status: "done", version: 3 }));
    await waitFor(() => expect(listReads() - readsBefore).toBe(1));
    await waitFor(() => expect(qc.isFetching()).toBe(0));
    stop();
    // The card never went back to the middle column, and the list was read once, after the
    // last answer, not once per answer.
    expect(shown).not.toContain("in_progress");
    expect(listReads() - readsBefore).toBe(1);
    expect(items()[0]).toMatchObject({ status: "done", version: 3 });
  });

  it("two changes to one task reach the server in the order made: tick then untick stays open", async () => {
    const { wrapper, items, task } = setup();
    // The first PATCH held back until released.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = taskServer(task, (n) => (n === 1 ? gate : undefined));
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("done"));
    const second = renderHook(() => useUpdateTask(), { wrapper });
    act(() => second.result.current.mutate({ task: items()[0]!, patch: { status: "pending" } }));
    await new Promise((r) => setTimeout(r, 50)); // time for a second request to overtake
    release();
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    await waitFor(() => expect(second.result.current.isSuccess).toBe(true));
    expect(server.saved().status).toBe("pending");
    expect(items()[0]!.status).toBe("pending");
  });

  it("adds a task optimistically and sends one Idempotency-Key per task", async () => {
    const { wrapper, items } = setup([]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { calls } = mockApi({
      "POST /api/v1/tasks": async (req) => {
        await gate;
        return json(makeTask({ title: (await req.json()).title }), 201);
      },
    });
    const { result } = renderHook(() => useCreateTask(), { wrapper });
    act(() => result.current.mutate({ body: { title: "Call mum" }, key: "k-1" }));
    await waitFor(() => expect(items()).toHaveLength(1));
    expect(items()[0]!.id).toBe("temp-k-1");
    release();
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(items()).toHaveLength(1);
    expect(items()[0]!.id).not.toMatch(/^temp-/);
    expect(calls[0]!.headers.get("Idempotency-Key")).toBe("k-1");
  });

  it("removes a failed new task from the list again", async () => {
    const { wrapper, items } = setup([]);
    mockApi({
      "POST /api/v1/tasks": () =>
        json({ title: "Unprocessable", status: 422, detail: "Invalid input", errors: [] }, 422),
    });
    const { result } = renderHook(() => useCreateTask(), { wrapper });
    act(() => result.current.mutate({ body: { title: "x" }, key: "k-2" }));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(items()).toEqual([]);
  });

  it("a new task ticked before its create is answered: the tick follows the create, to its id", async () => {
    const { wrapper, items } = setup([]);
    let answerCreate!: () => void;
    const createHeld = new Promise<void>((r) => (answerCreate = r));
    let answerTick!: () => void;
    const tickHeld = new Promise<void>((r) => (answerTick = r));
    const created = makeTask({ title: "Buy milk", version: 1 });
    const { calls } = mockApi({
      "POST /api/v1/tasks": async () => {
        await createHeld;
        return json(created, 201);
      },
      "PATCH /api/v1/tasks/:id": async (req) => {
        await tickHeld;
        const onIt = new URL(req.url).pathname.endsWith(`/${created.id}`);
        if (!onIt || req.headers.get("If-Match") !== `"1"`)
          return json({ title: "Precondition Failed", status: 412 }, 412);
        return json({ ...created, ...(await req.json()), version: 2 });
      },
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    });
    const create = renderHook(() => useCreateTask(), { wrapper }).result;
    const update = renderHook(() => useUpdateTask(), { wrapper }).result;
    act(() => create.current.mutate({ body: { title: "Buy milk" }, key: "k-3" }));
    await waitFor(() => expect(items().map((t) => t.id)).toEqual(["temp-k-3"]));
    act(() => update.current.mutate({ task: items()[0]!, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("done"));
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(0);

    // The create's answer takes the row's id and version; the tick still on its way stays shown.
    answerCreate();
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1));
    expect(items()).toMatchObject([{ id: created.id, version: 1, status: "done" }]);
    answerTick();
    await waitFor(() => expect(update.current.isSuccess).toBe(true));
    expect(items()).toMatchObject([{ id: created.id, version: 2, status: "done" }]);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /api/v1/tasks",
      `PATCH /api/v1/tasks/${created.id}`,
    ]);
    expect(toastMock.error).not.toHaveBeenCalled();
  });

  it("a new task ticked before its create fails: the row goes and nothing else is sent", async () => {
    const { wrapper, items } = setup([]);
    let refuse!: () => void;
    const held = new Promise<void>((r) => (refuse = r));
    const { calls } = mockApi({
      "POST /api/v1/tasks": async () => {
        await held;
        return json({ title: "Unprocessable", status: 422, detail: "Invalid input" }, 422);
      },
      "GET /api/v1/tasks": () => json({ items: [], next_cursor: null }),
    });
    const create = renderHook(() => useCreateTask(), { wrapper }).result;
    const update = renderHook(() => useUpdateTask(), { wrapper }).result;
    act(() => create.current.mutate({ body: { title: "x" }, key: "k-4" }));
    await waitFor(() => expect(items()).toHaveLength(1));
    act(() => update.current.mutate({ task: items()[0]!, patch: { priority: "urgent" } }));
    await waitFor(() => expect(items()[0]!.priority).toBe("urgent"));
    refuse();
    await waitFor(() => expect(update.current.isError).toBe(true));
    expect(items()).toEqual([]);
    expect(calls.map((c) => c.method)).toEqual(["POST"]);
    // The create's refusal is the one message: the tick that followed it adds none.
    expect(toastMock.error.mock.calls.map(([m]) => String(m))).toEqual([
      "Could not add the task: Invalid input",
    ]);
  });

  /** A task added (its create held until `answerCreate`) and deleted before the answer. */
  async function addThenDelete(deleteStatus = 204) {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { qc, wrapper, items } = setup([]);
    let answerCreate!: () => void;
    const createHeld = new Promise<void>((r) => (answerCreate = r));
    const created = makeTask({ title: "Typo tsak", version: 1 });
    let onServer: Task[] = [];
    const { calls } = mockApi({
      "POST /api/v1/tasks": async () => {
        await createHeld;
        onServer = [created];
        return json(created, 201);
      },
      "DELETE /api/v1/tasks/:id": (req) => {
        const id = new URL(req.url).pathname.split("/").pop();
        if (id !== created.id) return new Response(null, { status: 404 });
        if (deleteStatus !== 204)
          return json({ title: "Unavailable", status: deleteStatus, detail: "Busy" }, deleteStatus);
        onServer = onServer.filter((t) => t.id !== id);
        return new Response(null, { status: 204 });
      },
      "GET /api/v1/tasks": () => json({ items: onServer, next_cursor: null }),
    });
    const create = renderHook(() => useCreateTask(), { wrapper }).result;
    const remove = renderHook(() => useDeleteTask(), { wrapper }).result;
    act(() => create.current.mutate({ body: { title: "Typo tsak" }, key: "k-5" }));
    await waitFor(() => expect(items().map((t) => t.id)).toEqual(["temp-k-5"]));
    act(() => remove.current(items()[0]!));
    expect(items()).toEqual([]);
    return { qc, items, calls, created, answerCreate, onServer: () => onServer };
  }

  it("a new task deleted before its create is answered: the DELETE follows it, the row stays gone", async () => {
    const { items, calls, created, answerCreate, onServer } = await addThenDelete();
    answerCreate();
    await waitFor(() => expect(onServer()).toEqual([created]));
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(items()).toEqual([]);
    await act(() => vi.advanceTimersByTimeAsync(6_500));
    await waitFor(() => expect(onServer()).toEqual([]));
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
      `/api/v1/tasks/${created.id}`,
    ]);
    expect(items()).toEqual([]);
    expect(toastMock.error).not.toHaveBeenCalled();
  });

  it("that DELETE refused: the saved task comes back, never its temp- row", async () => {
    const { qc, items, created, answerCreate } = await addThenDelete(503);
    const shown: string[][] = [];
    qc.getQueryCache().subscribe(() => shown.push(items().map((t) => t.id)));
    answerCreate();
    await act(() => vi.advanceTimersByTimeAsync(6_500));
    await waitFor(() => expect(toastMock.error).toHaveBeenCalled());
    expect(String(toastMock.error.mock.calls[0]![0])).toBe("Could not delete “Typo tsak”: Busy");
    await waitFor(() => expect(items()).toMatchObject([{ id: created.id, version: 1 }]));
    expect(shown.flat()).not.toContain("temp-k-5");
  });

  it("Undo of that delete, once the create is answered, brings the saved task back", async () => {
    const { items, calls, created, answerCreate, onServer } = await addThenDelete();
    answerCreate();
    await waitFor(() => expect(onServer()).toEqual([created]));
    act(() => void undoStack.undoLast());
    expect(items()).toMatchObject([{ id: created.id, title: "Typo tsak", version: 1 }]);
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    expect(items()).toMatchObject([{ id: created.id }]);
  });

  it("delete hides the task, Undo brings it back, and no DELETE is ever sent", async () => {
    const { items, task, calls } = deleteTheTask();
    await waitFor(() => expect(toastMock).toHaveBeenCalled()); // sonner loads on first use
    const undo = (toastMock.mock.calls.at(-1)![1] as { action: { onClick: () => void } }).action;
    act(() => undo.onClick());
    expect(items()).toEqual([task]);
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
  });

  it("delete is sent once the Undo window closes", async () => {
    const { items, task, calls } = deleteTheTask();
    await act(() => vi.advanceTimersByTimeAsync(6_500));
    await waitFor(() => expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1));
    expect(calls.find((c) => c.method === "DELETE")!.path).toBe(`/api/v1/tasks/${task.id}`);
    expect(items()).toEqual([]);
  });

  it("offline, a delete waits like any change once its Undo window closes, and is sent when the network returns", async () => {
    const { qc, items, calls } = deleteTheTask();
    qc.mount(); // resumes paused changes when the network returns, as the app's provider does
    onlineManager.setOnline(false);
    try {
      await act(() => vi.advanceTimersByTimeAsync(6_500));
      expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
      expect(qc.getMutationCache().findAll({ predicate: isWaiting })).toHaveLength(1);
      onlineManager.setOnline(true);
      await waitFor(() => expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1));
      await waitFor(() => expect(qc.isMutating()).toBe(0));
      expect(toastMock.error).not.toHaveBeenCalled();
      expect(items()).toEqual([]);
    } finally {
      onlineManager.setOnline(true);
      qc.unmount();
    }
  });

  it("an edit's answer that arrives in the Undo window does not bring the deleted task back", async () => {
    const { wrapper, items, task } = setup();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        await held;
        return json({ ...task, ...(await req.json()), version: 2 });
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const edit = renderHook(() => useUpdateTask(), { wrapper });
    const del = renderHook(() => useDeleteTask(), { wrapper });
    act(() => edit.result.current.mutate({ task, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("done")); // shown, then deleted
    act(() => del.result.current(items()[0]!));
    expect(items()).toEqual([]);
    answer();
    await waitFor(() => expect(edit.result.current.isSuccess).toBe(true));
    expect(items()).toEqual([]);
  });

  it("before logging out, a delete in its Undo window is sent at once, not behind a change on its way", async () => {
    const [kept, gone] = [makeTask({ title: "kept" }), makeTask({ title: "gone" })];
    const { wrapper } = setup([kept, gone]);
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": () => new Promise(() => {}), // an edit still on its way
      "DELETE /api/v1/tasks/:id": () => new Response(null, { status: 204 }),
    });
    const edit = renderHook(() => useUpdateTask(), { wrapper });
    const del = renderHook(() => useDeleteTask(), { wrapper });
    act(() => edit.result.current.mutate({ task: kept, patch: { priority: "high" } }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1));
    act(() => del.result.current(gone));
    flushPendingDeletes();
    // (An earlier test's delete may still be in its window: this one is sent along with it.)
    await waitFor(() =>
      expect(calls.map((c) => `${c.method} ${c.path}`)).toContain(
        `DELETE /api/v1/tasks/${gone.id}`,
      ),
    );
  });

  it("as the page goes, a delete in its Undo window is sent once, with keepalive", async () => {
    const { task } = deleteTheTask();
    const { fetchMock } = mockApi({
      "DELETE /api/v1/tasks/:id": () => new Response(null, { status: 204 }),
    });
    window.dispatchEvent(new Event("pagehide"));
    // (An earlier test's delete may still be in its window: it is sent along with it.)
    const sent = () =>
      fetchMock.mock.calls.filter(([url]) => String(url).endsWith(`/api/v1/tasks/${task.id}`));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]![1]).toMatchObject({ method: "DELETE", keepalive: true });
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(sent()).toHaveLength(1);
  });

  it("a list refetched during the Undo window does not bring the deleted task back", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { wrapper, task } = setup();
    mockApi({
      "GET /api/v1/tasks": () =>
        json({ items: [task, makeTask({ title: "Other" })], next_cursor: null }),
      "DELETE /api/v1/tasks/:id": () => new Response(null, { status: 204 }),
    });
    const del = renderHook(() => useDeleteTask(), { wrapper });
    act(() => del.result.current(task));
    const list = renderHook(() => useTaskList({ sort: "-priority" }), { wrapper });
    await waitFor(() => expect(list.result.current.isSuccess).toBe(true));
    expect(list.result.current.data!.pages[0]!.items.map((t) => t.title)).toEqual(["Other"]);
  });
});

type ToastOptions = { action: { label: string; onClick: () => void } };
const lastToast = () => toastMock.mock.calls.at(-1) as [string, ToastOptions];

describe("moves that name a task not saved yet (the board, the manual order)", () => {
  const pendingQ: ApiTaskQuery = { sort: "position", status: ["pending"] };
  const doingQ: ApiTaskQuery = { sort: "position", status: ["in_progress"] };

  /** A board of `saved` (pending) and a new card "Pack the bag" whose create is held until
   * `answerCreate` (then created, or refused with a 422). */
  let cards = 0;
  async function boardWithNewCard(saved: Task[], createAnswer: 201 | 422 = 201) {
    const key = `card-${++cards}`; // one temp- id per test: the created tasks are remembered
    const qc = newQueryClient();
    const page = (items: Task[]): ListData => ({
      pages: [{ items, next_cursor: null }],
      pageParams: [null],
    });
    qc.setQueryData(taskKeys.list(pendingQ), page(saved));
    qc.setQueryData(taskKeys.list(doingQ), page([]));
    let answerCreate!: () => void;
    const held = new Promise<void>((r) => (answerCreate = r));
    const created = makeTask({ title: "Pack the bag", version: 1 });
    const { calls } = mockApi({
      "POST /api/v1/tasks": async () => {
        await held;
        return createAnswer === 201
          ? json(created, 201)
          : json({ title: "Unprocessable", status: 422, detail: "Invalid input" }, 422);
      },
      "POST /api/v1/tasks/:id/move": async (req) => {
        const body = (await req.json()) as { version: number; status?: Task["status"] };
        const moved = saved.find((t) => req.url.includes(t.id)) ?? created;
        return json({ ...moved, status: body.status ?? moved.status, version: body.version + 1 });
      },
      "GET /api/v1/tasks": () => new Promise(() => {}),
    });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    );
    const create = renderHook(() => useCreateTask(), { wrapper }).result;
    act(() => create.current.mutate({ body: { title: "Pack the bag" }, key }));
    const column = (q: ApiTaskQuery) =>
      qc.getQueryData<ListData>(taskKeys.list(q))!.pages[0]!.items;
    await waitFor(() => expect(column(pendingQ).map((t) => t.id)).toContain(`temp-${key}`));
    const card = column(pendingQ).find((t) => t.id === `temp-${key}`)!;
    const moves = () => calls.filter((c) => c.path.endsWith("/move"));
    return { qc, card, created, answerCreate, column, moves };
  }

  it("a new card moved to another column before its create is answered: the move follows it", async () => {
    const { qc, card, created, answerCreate, column, moves } = await boardWithNewCard([]);
    const moving = moveTask(qc, card, { status: "in_progress" }, null);
    await waitFor(() => expect(column(doingQ).map((t) => t.id)).toEqual([card.id]));
    const backInTodo: string[] = [];
    qc.getQueryCache().subscribe(() =>
      column(pendingQ).forEach((t) => t.title === "Pack the bag" && backInTodo.push(t.id)),
    );
    answerCreate();
    await moving;
    expect(moves().map((c) => [c.path, JSON.parse(c.body)])).toEqual([
      [`/api/v1/tasks/${created.id}/move`, { version: 1, status: "in_progress" }],
    ]);
    expect(column(doingQ)).toMatchObject([{ id: created.id, status: "in_progress", version: 2 }]);
    // The create's answer (still "pending") did not put the card back a column meanwhile.
    expect(backInTodo).toEqual([]);
    expect(toastMock.error).not.toHaveBeenCalled();
  });

  it("a saved task moved next to a new one names it by the id the server gave it", async () => {
    const saved = makeTask({ title: "Already here", version: 3 });
    const { qc, card, created, answerCreate, moves } = await boardWithNewCard([saved]);
    const moving = moveTask(qc, saved, { after_id: card.id }, null);
    answerCreate();
    await moving;
    expect(moves().map((c) => [c.path, JSON.parse(c.body)])).toEqual([
      [`/api/v1/tasks/${saved.id}/move`, { version: 3, after_id: created.id }],
    ]);
    expect(toastMock.error).not.toHaveBeenCalled();
  });

  it("a move of a card whose create failed: nothing is sent, the card stays gone, one message", async () => {
    const { qc, card, answerCreate, column, moves } = await boardWithNewCard([], 422);
    const moving = moveTask(qc, card, { status: "in_progress" }, null);
    await waitFor(() => expect(column(doingQ)).toHaveLength(1));
    answerCreate();
    await moving;
    expect(moves()).toEqual([]);
    expect([...column(pendingQ), ...column(doingQ)]).toEqual([]);
    expect(toastMock.error.mock.calls.map(([m]) => String(m))).toEqual([
      "Could not add the task: Invalid input",
    ]);
  });
});

describe("undo for every change", () => {
  it("completing a task offers Undo, which restores the status on the saved version", async () => {
    const { wrapper, items, task } = setup();
    const { calls } = mockSavingPatch(items);
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]).toMatchObject({ status: "done", version: 2 }));
    const [message, options] = lastToast();
    expect(message).toBe("Completed “Water the plants”");
    expect(options.action.label).toBe("Undo");
    act(() => options.action.onClick());
    await waitFor(() => expect(items()[0]).toMatchObject({ status: "pending", version: 3 }));
    const sent = calls.filter((c) => c.method === "PATCH");
    expect(sent.map((c) => c.headers.get("If-Match"))).toEqual(['"1"', '"2"']);
    expect(JSON.parse(sent[1]!.body)).toEqual({ status: "pending" });
    // The undo itself is not recorded: the stack is empty again.
    expect(undoStack.size()).toBe(0);
  });

  it("undoLast reverts the most recent change first (edit, then move)", async () => {
    const { wrapper, items, task } = setup();
    const { calls } = mockSavingPatch(items);
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { title: "Water the roses" } }));
    await waitFor(() => expect(items()[0]!.version).toBe(2));
    act(() => result.current.mutate({ task: items()[0]!, patch: { status: "in_progress" } }));
    await waitFor(() => expect(items()[0]!.version).toBe(3));
    act(() => void undoStack.undoLast());
    await waitFor(() => expect(items()[0]).toMatchObject({ status: "pending", version: 4 }));
    expect(items()[0]!.title).toBe("Water the roses");
    act(() => void undoStack.undoLast());
    await waitFor(() => expect(items()[0]).toMatchObject({ title: "Water the plants" }));
    const bodies = calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body));
    expect(bodies.slice(2)).toEqual([{ status: "pending" }, { title: "Water the plants" }]);
  });

  it("Ctrl+Z right after a change, before the server answered, waits and undoes that change", async () => {
    const { wrapper, items, task } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let version = 1;
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        const body = await req.json();
        if (version === 1) await gate;
        version += 1;
        return json({ ...task, ...body, version }, 200);
      },
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "in_progress" } }));
    await waitFor(() => expect(items()[0]!.status).toBe("in_progress"));
    act(() => void undoStack.undoLast());
    release();
    await waitFor(() => expect(items()[0]).toMatchObject({ status: "pending", version: 3 }));
    const sent = calls.filter((c) => c.method === "PATCH");
    expect(sent.map((c) => c.headers.get("If-Match"))).toEqual(['"1"', '"2"']);
  });

  it("→ → ← then Ctrl+Z, each before the last answer: the undo takes back the ←", async () => {
    const { wrapper, items, task } = setup();
    // Each PATCH waits to be let through, one at a time.
    const gates: (() => void)[] = [];
    const server = taskServer(task, () => new Promise<void>((r) => gates.push(r)));
    renderHook(() => useTaskList(Q), { wrapper }); // the board's column, refetched when told
    const letThrough = async (n: number) => {
      await waitFor(() => expect(server.sent("PATCH")).toBe(n));
      gates.shift()!();
    };
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    // A key acts on the card as shown, once the last key's move shows.
    const press = async (status: Task["status"]) => {
      act(() => result.current.mutate({ task: items()[0]!, patch: { status } }));
      await waitFor(() => expect(items()[0]!.status).toBe(status));
    };
    await press("in_progress");
    await press("done");
    await letThrough(1); // → In progress saved; → Done goes out on the version it made
    await waitFor(() => expect(server.sent("PATCH")).toBe(2));
    await press("in_progress"); // ← while → Done waits for its answer
    act(() => void undoStack.undoLast()); // Ctrl+Z before ← has an answer
    for (let n = 2; n <= 4; n += 1) await letThrough(n);
    await waitFor(() => expect(server.saved().status).toBe("done"));
    await waitFor(() =>
      expect(items()[0]).toMatchObject({ status: "done", version: server.saved().version }),
    );
    expect(server.sent("PATCH")).toBe(4); // →, →, ← and the undo: none met a 412
    expect(server.sent("GET", /^\/api\/v1\/tasks\/./)).toBe(0);
  });

  it("an undo whose field was changed elsewhere meanwhile goes to the conflict dialog", async () => {
    const { wrapper, items, task } = setup();
    const fresh = { ...task, status: "in_progress" as const, version: 3 };
    let patches = 0;
    mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        patches += 1;
        if (patches === 1) return json({ ...task, ...(await req.json()), version: 2 }, 200);
        return json({ title: "Precondition Failed", status: 412, detail: "stale" }, 412);
      },
      "GET /api/v1/tasks/:id": () => json(fresh, 200),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task, patch: { status: "done" } }));
    await waitFor(() => expect(items()[0]!.version).toBe(2));
    act(() => void undoStack.undoLast());
    await waitFor(() =>
      expect(conflictStore.get()).toEqual({ fresh, patch: { status: "pending" } }),
    );
    expect(items()[0]).toEqual(fresh);
  });

  it("Undo of a delete is on the same stack (Ctrl/Cmd+Z restores a deleted task)", async () => {
    const { items, task, calls } = deleteTheTask();
    act(() => void undoStack.undoLast());
    expect(items()).toEqual([task]);
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
  });
});

describe("completing a parent with open subtasks asks (issue 18)", () => {
  type Asked = [string, { action: { label: string; onClick: () => void }; cancel: unknown }];
  const asked = () =>
    toastMock.mock.calls.find(([m]) => String(m).includes("open subtasks too")) as
      Asked | undefined;

  it("a 409 open-subtasks asks; yes completes all, undo reopens parent and subtasks at once", async () => {
    const parent = makeTask({ title: "Move house", subtask_count: 2, subtask_done_count: 0 });
    const subs = [
      makeTask({ parent_id: parent.id, status: "pending", version: 1 }),
      makeTask({ parent_id: parent.id, status: "in_progress", version: 4 }),
    ];
    const { wrapper, items } = setup([parent]);
    let subtasksDone = false;
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": (req) =>
        new URL(req.url).searchParams.get("complete_subtasks") === "true"
          ? ((subtasksDone = true),
            json({ ...parent, status: "done", subtask_done_count: 2, version: parent.version + 1 }))
          : json(
              {
                type: "https://taskapp.invalid/problems/open-subtasks",
                title: "Open subtasks",
                status: 409,
                open_subtasks: 2,
              },
              409,
            ),
      "GET /api/v1/tasks": () =>
        json({
          items: subtasksDone
            ? subs.map((s) => ({ ...s, status: "done", version: s.version + 1 }))
            : subs,
          next_cursor: null,
        }),
      "POST /api/v1/tasks/bulk": async (req) => {
        const body = (await req.json()) as { operations: { id: string }[] };
        return json({ tasks: body.operations.map((o) => ({ ...parent, id: o.id })), deleted: [] });
      },
      "GET /api/v1/tasks/stats": () => json({}),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task: parent, patch: { status: "done" } }));

    await waitFor(() => expect(asked()).toBeDefined());
    const [message, options] = asked()!;
    expect(message).toBe("Complete 2 open subtasks too?");
    expect(options.cancel).toBeDefined();
    // Asking changed nothing: the parent is open again on screen and nothing can be undone yet.
    expect(items()[0]!.status).toBe("pending");
    expect(undoStack.size()).toBe(0);

    act(() => options.action.onClick());
    await waitFor(() => expect(items()[0]!.status).toBe("done"));
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => c.search)).toEqual(["", "?complete_subtasks=true"]);

    act(() => void undoStack.undoLast());
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const bulk = JSON.parse(calls.find((c) => c.method === "POST")!.body) as unknown;
    expect(bulk).toEqual({
      operations: [
        { id: parent.id, version: parent.version + 1, patch: { status: "pending" } },
        { id: subs[0]!.id, version: 2, patch: { status: "pending" } },
        { id: subs[1]!.id, version: 5, patch: { status: "in_progress" } },
      ],
    });
  });

  it("Ctrl+Z takes its turn before a change made right after it, on screen and on the server", async () => {
    // The server holds the parent and its two subtasks and checks every version it is sent.
    const parent = makeTask({ title: "Plan the offsite", subtask_count: 2, version: 1 });
    const held = new Map<string, Task>([
      [parent.id, parent],
      ...[1, 2].map((n): [string, Task] => {
        const sub = makeTask({ parent_id: parent.id, status: "pending", version: n });
        return [sub.id, sub];
      }),
    ]);
    const subs = () => [...held.values()].filter((t) => t.parent_id === parent.id);
    const save = (t: Task, patch: Partial<Task>) =>
      held.set(t.id, { ...t, ...patch, version: t.version + 1 }).get(t.id)!;
    const stale = () => json({ title: "Precondition Failed", status: 412 }, 412);
    let slowSubtaskRead = false;
    const { wrapper, items } = setup([parent]);
    const shownParent = () => items().find((t) => t.id === parent.id)!;
    const { calls } = mockApi({
      "PATCH /api/v1/tasks/:id": async (req) => {
        const id = new URL(req.url).pathname.split("/").pop()!;
        const task = held.get(id)!;
        if (req.headers.get("If-Match") !== `"${task.version}"`) return stale();
        const patch = (await req.json()) as Partial<Task>;
        if (new URL(req.url).searchParams.get("complete_subtasks") === "true")
          for (const sub of subs()) save(sub, { status: "done" });
        return json(save(task, patch));
      },
      "GET /api/v1/tasks/:id": (req) => json(held.get(new URL(req.url).pathname.split("/").pop()!)),
      "GET /api/v1/tasks": async (req) => {
        const parentId = new URL(req.url).searchParams.get("parent");
        // The undo reads the subtasks' versions first; a change sent beside it lands meanwhile.
        if (parentId && slowSubtaskRead) await new Promise((r) => setTimeout(r, 150));
        return json({ items: parentId ? subs() : [held.get(parent.id)], next_cursor: null });
      },
      "POST /api/v1/tasks/bulk": async (req) => {
        const { operations } = (await req.json()) as {
          operations: { id: string; version: number; patch: Partial<Task> }[];
        };
        const staleIds = operations.filter((op) => held.get(op.id)!.version !== op.version);
        if (staleIds.length)
          return json({ title: "Stale", status: 412, stale_ids: staleIds.map((op) => op.id) }, 412);
        const tasks = operations.map((op) => save(held.get(op.id)!, op.patch));
        return json({ tasks, deleted: [] });
      },
      "GET /api/v1/tasks/stats": () => json({}),
    });
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() =>
      result.current.mutate({ task: parent, patch: { status: "done" }, completeSubtasks: true }),
    );
    await waitFor(() => expect(held.get(parent.id)!.status).toBe("done"));
    await waitFor(() => expect(undoStack.size()).toBe(1));

    slowSubtaskRead = true;
    act(() => void undoStack.undoLast());
    await waitFor(() => expect(calls.some((c) => c.search.includes("parent="))).toBe(true));
    // The parent, reopened on screen, moved on to In progress before the undo's answer.
    act(() => result.current.mutate({ task: shownParent(), patch: { status: "in_progress" } }));

    await waitFor(() => expect(subs().map((t) => t.status)).toEqual(["pending", "pending"]));
    await waitFor(() => expect(held.get(parent.id)!.status).toBe("in_progress"));
    await waitFor(() => expect(shownParent().status).toBe("in_progress"));
    expect(toastMock.error).not.toHaveBeenCalled();
    expect(conflictStore.get()).toBeNull();
  });
});
