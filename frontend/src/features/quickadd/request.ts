/**
 * From a parsed quick add and the view it was typed in to the create request of the planner
 * contract (issue 18, docs: /work/wt/briefs/planner-contract.md → "Tasks gain").
 * No chrono-node here: this module is part of the initial route.
 */
import { api, unwrap } from "@/api/client";
import { PRIORITIES, STATUSES, type Priority, type TaskCreate, type TaskStatus } from "@/api/types";
import type { ParsedTask } from "./types";

/**
 * POST /api/v1/tasks as the planner contract defines it. A local type until the lead regenerates
 * `src/api/schema.d.ts` after the backend merge; then `TaskCreate` replaces it.
 */
export interface PlannerTaskCreate {
  title: string;
  description?: string | null;
  status?: TaskStatus;
  priority?: Priority;
  labels?: string[];
  /** A due time: an RFC 3339 instant. */
  due_date?: string | null;
  /** A due day: YYYY-MM-DD (all day). At most one of due_on / due_date is set. */
  due_on?: string | null;
  /** RFC 5545 RRULE text; requires a due. */
  recurrence?: string | null;
  /** Omitted: the server puts the task in the user's Inbox. */
  project_id?: string;
}

/** The filters of the view the task is added in (the list's URL filters, a board column). */
export interface QuickAddView {
  status?: readonly TaskStatus[];
  priority?: readonly Priority[];
  label?: string;
  /** The project the view shows, when it shows one. */
  projectId?: string;
}

/** Project name (as typed after `+`) → id, or undefined when the user has no such project. */
export type ProjectLookup = (name: string) => string | undefined;

export interface CreateRequest {
  body: PlannerTaskCreate;
  /** A `+name` that matched no project: the task goes to the view's project or the Inbox. */
  unknownProject: string | null;
}

const MAX_TITLE = 255;

/**
 * Typed parts win over the view (typing `p4` in an urgent view makes a low task); what the user
 * did not type comes from the view's filters, so the new task shows up where it was added.
 */
export function toCreateRequest(
  parsed: ParsedTask,
  view: QuickAddView = {},
  lookupProject: ProjectLookup = () => undefined,
): CreateRequest {
  const body: PlannerTaskCreate = { title: parsed.title.slice(0, MAX_TITLE) };

  // Several statuses or priorities in a view: the first open status, the highest priority.
  const status = STATUSES.find((s) => view.status?.includes(s));
  if (status) body.status = status;
  const priority = parsed.priority ?? PRIORITIES.findLast((p) => view.priority?.includes(p));
  if (priority) body.priority = priority;

  const labels = [...new Set([...parsed.labels, ...(view.label ? [view.label] : [])])];
  if (labels.length) body.labels = labels;

  if (parsed.due?.kind === "day") body.due_on = parsed.due.date;
  if (parsed.due?.kind === "time") body.due_date = parsed.due.instant;
  if (parsed.recurrence && parsed.due) body.recurrence = parsed.recurrence;

  let unknownProject: string | null = null;
  const named = parsed.project === null ? undefined : lookupProject(parsed.project);
  if (parsed.project !== null && named === undefined) unknownProject = parsed.project;
  const projectId = named ?? view.projectId;
  if (projectId) body.project_id = projectId;

  return { body, unknownProject };
}

type NamedProject = { id: string; name: string; archived?: boolean; role?: string };

/** The user's projects (name and id), fetched for `+project` in the lazy chunk. */
export async function listProjects(): Promise<ReadonlyArray<NamedProject>> {
  const { data } = await unwrap(api.GET("/api/v1/projects"));
  return data.items;
}

/** How fit a project is to take a new task: open and the user's to add to first, then open
 * read-only (the API will say why not), archived last. */
const fitness = (p: NamedProject) => (p.archived ? 2 : p.role === "viewer" ? 1 : 0);

/** Case-insensitive lookup over the user's projects (what `+home` means). A name two projects
 * share means the fittest one, and among equals the first listed (the sidebar's order). */
export function projectLookup(projects: ReadonlyArray<NamedProject>): ProjectLookup {
  const byName = new Map<string, string>();
  for (const p of [...projects].sort((a, b) => fitness(a) - fitness(b))) {
    const key = p.name.toLocaleLowerCase();
    if (!byName.has(key)) byName.set(key, p.id);
  }
  return (name) => byName.get(name.toLocaleLowerCase());
}

type Knows<K extends string> = K extends keyof TaskCreate ? true : false;

/**
 * Which planner fields today's API takes, read off the generated client: when the regenerated
 * `schema.d.ts` gains a field, its `false satisfies Knows<…>` stops compiling, so the flag is
 * turned on in the same change. Until then the quick add keeps those words in the title rather
 * than dropping them or faking a due day as a time.
 */
export const API_KNOWS = {
  due_on: true satisfies Knows<"due_on">,
  recurrence: true satisfies Knows<"recurrence">,
  project_id: true satisfies Knows<"project_id">,
} as const;

/** The body for the generated client: refuses to drop a planner field the API cannot take yet. */
export function toApiBody(request: PlannerTaskCreate): TaskCreate {
  const { due_on, recurrence, project_id, ...body } = request;
  const planner = Object.entries({ due_on, recurrence, project_id }).filter(([, v]) => v != null);
  const unknown = planner.filter(([field]) => !API_KNOWS[field as keyof typeof API_KNOWS]);
  if (unknown.length) {
    throw new Error(`the API does not take ${unknown.map(([f]) => f).join(", ")} yet`);
  }
  // The cast goes with this function once PlannerTaskCreate is the generated TaskCreate.
  return { ...body, ...Object.fromEntries(planner) } as TaskCreate;
}
