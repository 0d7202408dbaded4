// public/boot.js asks for the first screen's data as soon as its early refresh answers; the
// app's client must take that answer for its own first request, so the addresses boot.js asks
// for have to be exactly the ones the task list and Today ask for on a bare address.
import { readFileSync } from "node:fs";
import { QueryClient } from "@tanstack/react-query";
import { getAccessToken, refreshSession, setAccessToken } from "@/api/session";
import { todayQuery } from "@/features/planner/api";
import { prefetchTaskList } from "@/features/tasks/queries";
import { json, mockApi } from "@/test/utils";

const bootScript = readFileSync(`${import.meta.dirname}/../../public/boot.js`, "utf8");
const runBoot = () => new Function(bootScript)() as void;

const user = { id: "u1", email: "a@example.com", full_name: null, is_active: true };
const task = { id: "t1", title: "From boot.js" };

function server() {
  return mockApi({
    "POST /api/v1/auth/refresh": () =>
      json({ access_token: "token-1", refresh_token: "r", token_type: "bearer", user }),
    "GET /api/v1/tasks": () => json({ items: [task], next_cursor: null }),
    "GET /api/v1/tasks/today": () => json({ overdue: [], today: [task] }),
  });
}

/** A page load at `address`: boot.js first, then the session the app starts from its refresh. */
async function pageLoad(address: string) {
  history.replaceState(null, "", address);
  const api = server();
  runBoot();
  await refreshSession();
  expect(getAccessToken()).toBe("token-1");
  return api;
}

describe("the first screen's data asked for by public/boot.js", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.stubGlobal("matchMedia", () => ({ matches: false }));
  });
  afterEach(() => {
    delete window.__taskappRefresh;
    delete window.__taskappFirstData;
    setAccessToken(null);
    localStorage.clear();
    history.replaceState(null, "", "/");
    vi.unstubAllGlobals();
  });

  it.each([
    ["/tasks", (qc: QueryClient) => prefetchTaskList(qc, location)],
    ["/", (qc: QueryClient) => prefetchTaskList(qc, location)],
    ["/today", (qc: QueryClient) => qc.prefetchQuery(todayQuery())],
  ])(
    "a bare %s gets its first data from boot.js's request, and asks once",
    async (address, load) => {
      const { calls } = await pageLoad(address);
      const early = calls.find((c) => c.method === "GET");
      // boot.js's request carries the token its refresh gave, as the app's own would.
      expect(early?.headers.get("Authorization")).toBe("Bearer token-1");
      const qc = new QueryClient();
      await load(qc);
      expect(JSON.stringify(qc.getQueryCache().getAll()[0]?.state.data)).toContain("From boot.js");
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        "POST /api/v1/auth/refresh",
        `GET ${early?.path}`,
      ]);
      // Taken once: the next read of the same address asks the server.
      await qc.refetchQueries();
      expect(calls.filter((c) => c.method === "GET")).toHaveLength(2);
    },
  );

  it("a filtered list asks for nothing early: the app asks for what it shows", async () => {
    const { calls } = await pageLoad("/tasks?q=milk");
    expect(window.__taskappFirstData).toBeUndefined();
    await prefetchTaskList(new QueryClient(), location);
    expect(calls.filter((c) => c.method === "GET").map((c) => c.search)).toEqual([
      expect.stringContaining("q=milk"),
    ]);
  });

  it("a first read of the list at another address drops the early answer", async () => {
    const { calls } = await pageLoad("/tasks");
    const qc = new QueryClient();
    // The app's first list is not the bare one (say, a view opened at once): the early answer
    // is not used for it, nor kept for a later read, which would show page-load data.
    await prefetchTaskList(qc, { ...location, search: "?priority=high" });
    expect(window.__taskappFirstData).toBeUndefined();
    await prefetchTaskList(qc, location);
    expect(calls.filter((c) => c.method === "GET").map((c) => c.search)).toEqual([
      "?sort=-created_at&status=pending&status=in_progress&limit=50", // boot.js's
      expect.stringContaining("priority=high"),
      "?sort=-created_at&status=pending&status=in_progress&limit=50",
    ]);
  });

  it("a refused refresh asks for no data, and the app's request goes out itself", async () => {
    history.replaceState(null, "", "/tasks");
    const { calls } = mockApi({
      "POST /api/v1/auth/refresh": () =>
        json({ title: "Unauthorized", status: 401, detail: "revoked" }, 401),
      "GET /api/v1/tasks": () => json({ title: "Unauthorized", status: 401, detail: "no" }, 401),
    });
    runBoot();
    await expect(refreshSession()).resolves.toBeNull();
    await expect(window.__taskappFirstData?.response).resolves.toBeNull();
    expect(calls.map((c) => c.method)).toEqual(["POST"]);
  });

  it("signing out drops an early answer no request took", async () => {
    await pageLoad("/today");
    expect(window.__taskappFirstData).toBeDefined();
    setAccessToken(null);
    expect(window.__taskappFirstData).toBeUndefined();
  });
});
