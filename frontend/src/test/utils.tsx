import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import type { components } from "@/api/schema";
import type { Task } from "@/api/types";

export type Handler = (req: Request) => Response | Promise<Response>;
export type Call = { method: string; path: string; search: string; headers: Headers; body: string };

/** Stub global fetch with a router of "METHOD /path" handlers; records every call. */
export function mockApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req =
      input instanceof Request ? input : new Request(new URL(String(input), location.origin), init);
    const url = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.clone().text();
    calls.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: req.headers,
      body,
    });
    const key = `${req.method} ${url.pathname}`;
    const handler =
      routes[key] ??
      Object.entries(routes).find(([k]) => {
        const [m, p] = k.split(" ");
        return (
          m === req.method && new RegExp(`^${p!.replace(/:[^/]+/g, "[^/]+")}$`).test(url.pathname)
        );
      })?.[1];
    if (!handler)
      return json({ title: "Not Found", status: 404, detail: `no mock for ${key}` }, 404);
    return handler(req);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": type, ...headers },
  });
}

let n = 0;
export function makeTask(over: Partial<Task> = {}): Task {
  n += 1;
  const now = new Date().toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    title: `Task ${n}`,
    description: null,
    status: "pending",
    priority: "medium",
    due_date: null,
    due_on: null,
    recurrence: null,
    labels: [],
    project_id: "00000000-0000-4000-8000-00000000abcd",
    parent_id: null,
    assignee_id: null,
    position: null,
    subtask_count: 0,
    subtask_done_count: 0,
    created_at: now,
    updated_at: now,
    completed_at: null,
    version: 1,
    ...over,
  };
}

/** A tiny in-memory task API over `tasks`: lists filter by status, PATCH applies and bumps the
 * version (in `tasks` itself), stats are empty. */
export function mockTaskStore(tasks: Task[]) {
  return mockApi({
    "GET /api/v1/tasks": (req) => {
      const statuses = new URL(req.url).searchParams.getAll("status");
      const items = tasks.filter((t) => !statuses.length || statuses.includes(t.status));
      return json({ items, next_cursor: null });
    },
    "PATCH /api/v1/tasks/:id": async (req) => {
      const id = new URL(req.url).pathname.split("/").at(-1);
      const i = tasks.findIndex((t) => t.id === id);
      tasks[i] = { ...tasks[i]!, ...(await req.json()), version: tasks[i]!.version + 1 };
      return json(tasks[i]);
    },
    "GET /api/v1/tasks/stats": () => json({}),
  });
}

type Project = components["schemas"]["ProjectPublic"];

/** A project as GET /api/v1/projects lists it: the user's own, open, unpublished. */
export function makeProject(over: Partial<Project> = {}): Project {
  return {
    id: "00000000-0000-4000-8000-00000000abcd",
    name: "Project",
    colour: "blue",
    description: "",
    description_html: "",
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

type Member = components["schemas"]["MemberPublic"];

/** A project member as GET /api/v1/projects/{id}/members lists it. */
export function makeMember(
  user_id: string,
  role: Member["role"],
  email: string,
  full_name: string | null = null,
): Member {
  return { user_id, role, email, full_name, added_at: "2026-12-01T00:00:00Z" };
}

/** The API's answer to a write the caller's role (here: viewer) does not allow (tasks/sharing.py). */
export const roleForbidden = () =>
  json(
    {
      type: "urn:taskapp:problem:role-forbids",
      title: "Forbidden",
      status: 403,
      detail: "Your role in this project (viewer) does not allow this; it needs editor.",
    },
    403,
  );

export function newQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

export function renderWith(ui: ReactNode, { route = "/", qc = newQueryClient() } = {}) {
  const utils = render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...utils, qc };
}
