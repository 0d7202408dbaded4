import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, mockApi } from "@/test/utils";
import { api, unwrap } from "./client";
import { ApiError } from "./problem";
import {
  authFetch,
  getAccessToken,
  refreshAccessToken,
  refreshOnLoad,
  refreshSession,
  setAccessToken,
  setSessionExpiredHandler,
} from "./session";

const me = {
  id: "u1",
  email: "a@example.com",
  full_name: null,
  is_active: true,
  created_at: "2026-01-01T00:00:00Z",
};
const pair = (n: number) => ({
  access_token: `token-${n}`,
  refresh_token: "r",
  token_type: "bearer",
  expires_in: 60,
  user: me,
});

/** /users/me accepts only the given token; the refresh endpoint hands out token-1, token-2, ... */
function server(valid: () => string, opts: { refreshOk?: boolean; refreshDelayMs?: number } = {}) {
  let issued = 0;
  return mockApi({
    "GET /api/v1/users/me": (req) =>
      req.headers.get("Authorization") === `Bearer ${valid()}`
        ? json(me)
        : json({ title: "Unauthorized", status: 401, detail: "expired" }, 401),
    "POST /api/v1/tasks": async (req) =>
      req.headers.get("Authorization") === `Bearer ${valid()}`
        ? json({ echoed: JSON.parse(await req.text()) }, 201)
        : json({ title: "Unauthorized", status: 401, detail: "expired" }, 401),
    "POST /api/v1/auth/refresh": async () => {
      await new Promise((r) => setTimeout(r, opts.refreshDelayMs ?? 5));
      if (opts.refreshOk === false)
        return json({ title: "Unauthorized", status: 401, detail: "revoked" }, 401);
      issued += 1;
      return json(pair(issued));
    },
    "POST /api/v1/auth/login": () =>
      json({ title: "Unauthorized", status: 401, detail: "Wrong email or password" }, 401),
  });
}

describe("session: bearer token and single-flight refresh", () => {
  beforeEach(() => setAccessToken(null));
  afterEach(() => setSessionExpiredHandler(null));

  it("sends the in-memory access token as a bearer header", async () => {
    setAccessToken("token-1");
    const { calls } = server(() => "token-1");
    const { data } = await unwrap(api.GET("/api/v1/users/me"));
    expect(data).toEqual(me);
    expect(calls[0]!.headers.get("Authorization")).toBe("Bearer token-1");
  });

  it("refreshes once on a 401 and retries the request with the new token", async () => {
    setAccessToken("stale");
    const { calls } = server(() => "token-1");
    const { data } = await unwrap(api.GET("/api/v1/users/me"));
    expect(data).toEqual(me);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /api/v1/users/me",
      "POST /api/v1/auth/refresh",
      "GET /api/v1/users/me",
    ]);
    expect(getAccessToken()).toBe("token-1");
  });

  it("shares one refresh between all requests that hit a 401 at the same time", async () => {
    setAccessToken("stale");
    const { calls } = server(() => "token-1", { refreshDelayMs: 30 });
    const results = await Promise.all([1, 2, 3, 4].map(() => unwrap(api.GET("/api/v1/users/me"))));
    expect(results.every((r) => r.data.email === me.email)).toBe(true);
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(1);
    const retries = calls.filter((c) => c.path === "/api/v1/users/me").slice(4);
    expect(retries.map((c) => c.headers.get("Authorization"))).toEqual(
      Array(4).fill("Bearer token-1"),
    );
  });

  it("re-sends the original body when it retries a POST", async () => {
    setAccessToken("stale");
    server(() => "token-1");
    const { data } = await unwrap(
      api.POST("/api/v1/tasks", { body: { title: "Keep me", priority: "high" } }),
    );
    expect(data).toEqual({ echoed: { title: "Keep me", priority: "high" } });
  });

  it("signals an expired session when the refresh is refused, and forgets the token", async () => {
    setAccessToken("stale");
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    server(() => "never", { refreshOk: false });
    await expect(unwrap(api.GET("/api/v1/users/me"))).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(getAccessToken()).toBeNull();
  });

  it("does not try to refresh when an auth endpoint itself answers 401", async () => {
    const { calls } = server(() => "token-1");
    const err = await unwrap(
      api.POST("/api/v1/auth/login", { body: { email: "a@example.com", password: "x" } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe("Wrong email or password");
    expect(calls.map((c) => c.path)).toEqual(["/api/v1/auth/login"]);
  });

  it("retries with a token renewed by another request instead of refreshing again", async () => {
    setAccessToken("stale");
    const { calls } = server(() => "token-9");
    const req = new Request(`${location.origin}/api/v1/users/me`);
    // The request goes out with "stale"; by the time its 401 arrives, someone renewed the token.
    const pending = authFetch(req);
    setAccessToken("token-9");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(0);
  });

  it("refreshAccessToken returns null on a network failure without throwing", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("offline"))),
    );
    await expect(refreshAccessToken()).resolves.toBeNull();
  });

  it("takes the refresh public/boot.js sent before the app loaded, once", async () => {
    const { calls } = server(() => "token-1");
    // boot.js's request presented the cookie already: the app must not present it again.
    window.__taskappRefresh = Promise.resolve(
      new Response(JSON.stringify(pair(7)), { headers: { "Content-Type": "application/json" } }),
    );
    await expect(refreshSession()).resolves.toMatchObject({ access_token: "token-7", user: me });
    expect(getAccessToken()).toBe("token-7");
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(0);
    expect(window.__taskappRefresh).toBeUndefined();
    // A later refresh (an expired token) asks the server itself.
    await expect(refreshAccessToken()).resolves.toBe("token-1");
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(1);
  });
});

describe("a browser known to be signed out asks nothing at page load", () => {
  beforeEach(() => {
    localStorage.clear();
    setAccessToken("token-0"); // signed in: no mark
  });
  afterEach(() => setSessionExpiredHandler(null));
  const refreshes = (calls: { path: string }[]) =>
    calls.filter((c) => c.path === "/api/v1/auth/refresh").length;

  it("a refused refresh marks it; the next sign-in clears the mark", async () => {
    const { calls } = server(() => "never", { refreshOk: false });
    await expect(refreshOnLoad()).resolves.toBeNull();
    expect(refreshes(calls)).toBe(1);
    // The next page load: no refresh, so no 401 in the console.
    await expect(refreshOnLoad()).resolves.toBeNull();
    expect(refreshes(calls)).toBe(1);
    setAccessToken("token-1"); // a login
    await refreshOnLoad();
    expect(refreshes(calls)).toBe(2);
  });

  it("a logout marks it", async () => {
    const { calls } = server(() => "token-1");
    setAccessToken(null);
    await expect(refreshOnLoad()).resolves.toBeNull();
    expect(refreshes(calls)).toBe(0);
  });

  it("a server in trouble or a lost network does not", async () => {
    let answer = 503;
    mockApi({
      "POST /api/v1/auth/refresh": () =>
        answer === 0
          ? Promise.reject(new TypeError("offline"))
          : json({ title: "Unavailable", status: answer, detail: "busy" }, answer),
    });
    for (const status of [503, 429, 0]) {
      answer = status;
      await expect(refreshOnLoad()).resolves.toBeNull();
    }
    const { calls } = server(() => "token-1");
    await expect(refreshOnLoad()).resolves.toMatchObject({ access_token: "token-1" });
    expect(refreshes(calls)).toBe(1);
  });

  it("a refresh that renews the session clears a mark left by another tab's logout", async () => {
    setAccessToken(null);
    const { calls } = server(() => "token-1");
    await expect(refreshSession()).resolves.toMatchObject({ access_token: "token-1" });
    await expect(refreshOnLoad()).resolves.toMatchObject({ access_token: "token-2" });
    expect(refreshes(calls)).toBe(2);
  });

  it("public/boot.js sends its early refresh unless the mark is set", () => {
    const sent = vi.fn(() => new Promise<Response>(() => undefined));
    vi.stubGlobal("fetch", sent);
    vi.stubGlobal("matchMedia", () => ({ matches: false }));
    const bootScript = readFileSync(`${import.meta.dirname}/../../public/boot.js`, "utf8");
    const runBoot = () => new Function(bootScript)() as void;
    runBoot();
    expect(sent).toHaveBeenCalledTimes(1);
    expect(sent.mock.calls[0]).toEqual(["/api/v1/auth/refresh", expect.anything()]);
    delete window.__taskappRefresh;
    setAccessToken(null);
    runBoot();
    expect(sent).toHaveBeenCalledTimes(1);
    expect(window.__taskappRefresh).toBeUndefined();
    vi.unstubAllGlobals();
  });
});
