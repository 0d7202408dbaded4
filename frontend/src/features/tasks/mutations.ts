import {
  MutationObserver,
  useMutation,
  useQueryClient,
  type MutationOptions,
  type QueryClient,
} from "@tanstack/react-query";
import { useMemo } from "react";
import { toast } from "@/ui/toast";
import { ApiError, errorMessage } from "@/api/problem";
import { getAccessToken, apiOrigin } from "@/api/session";
import type { Task, TaskCreate, TaskStatus, TaskUpdate } from "@/api/types";
import { uuid } from "@/lib/uuid";
import { createTask, deleteTask, getTask, taskKeys, updateTask } from "./api";
import { revertPatch } from "./revert";
import {
  applyPatch,
  findCachedTask,
  newestCachedTasks,
  reinsertTask,
  removeTaskFromLists,
  restoreLists,
  snapshotLists,
  upsertTaskInLists,
  type Snapshot,
} from "./cache";
import { conflictStore } from "./conflict";
import { createdAs, rememberCreated, serverIdOf } from "./createdTasks";
import { pendingDeletes } from "./pendingDeletes";
import { PRIORITY_LABEL, STATUS_LABEL } from "./statusPriorityDisplay";
import { openSubtasksOf } from "./subtasks";
import { undoStack } from "./undo";
import { changedTaskIds } from "./waiting";

const refreshCounts = (qc: QueryClient) => {
  void qc.invalidateQueries({ queryKey: taskKeys.stats() });
  void qc.invalidateQueries({ queryKey: taskKeys.labels() });
  // The sidebar's open counts per project follow every task write.
  void qc.invalidateQueries({ queryKey: ["projects"] });
};

/** Every task write's mutation key starts with this (TanStack matches a key by its prefix). */
export const TASK_WRITE = "tasks";

/**
 * After a write settles, the server's order and filters are the truth: refetch what is shown,
 * once no other task write is on its way (`settling`: the variables of the one whose answer
 * this is). A list read while a later change waits for its answer comes back without that change
 * and puts the row back where it was: a card moved twice with → bounced back a column and lost
 * the keyboard focus, and a Ctrl+Z then undid the wrong move. Each write ends here (or in
 * `refetchListsWhenIdle`), so the last one in refetches.
 */
export const resync = (qc: QueryClient, settling?: unknown) => {
  refreshCounts(qc);
  refetchListsWhenIdle(qc, settling);
};

/** The lists' half of `resync` (a move within a list changes no count), and the planner's days:
 * a task moved to another day in Upcoming or the Calendar would go back as the list row did. */
export function refetchListsWhenIdle(qc: QueryClient, settling?: unknown): void {
  const others = qc
    .getMutationCache()
    .findAll({ mutationKey: [TASK_WRITE], status: "pending" })
    .filter((m) => m.state.variables !== settling);
  if (others.length) return;
  void qc.invalidateQueries({ queryKey: taskKeys.lists() });
  void qc.invalidateQueries({ queryKey: ["planner"] });
}

export interface UpdateVars {
  /** The version the user edited: sent as If-Match and the base of the field-level merge. */
  task: Task;
  patch: TaskUpdate;
  /** Whether the change goes on the undo stack (an undo itself does not). */
  record?: boolean;
  /** Complete the task's open subtasks along with it (after the user said yes). */
  completeSubtasks?: boolean;
  /** The editor's save: a refusal goes back to the editor (which closed on Save) rather than to
   * a toast, so that nothing the user typed is lost. */
  onRefused?: (error: unknown) => void;
}

/** A 412 where the server changed a field this edit changes too: the user has to decide. */
class SameFieldConflict extends Error {
  constructor(readonly fresh: Task) {
    super("changed elsewhere");
  }
}
/** A 412 whose fresh version could not be loaded. */
class ReloadFailed extends Error {}
/** A change to a new task's row whose create failed: nothing to change (the create said so). */
export class NeverCreated extends Error {}

/**
 * `task` as the server knows it. A row changed before its create was answered has a temp- id: the
 * change waited behind the create (one scope) and goes to the id the server gave, on the newest
 * version held; its fields stay the ones the user changed, the base of the 412 merge.
 */
export function onServer(qc: QueryClient, task: Task): Task {
  const created = createdAs(task.id);
  if (created) {
    const newest = findCachedTask(qc, created.id) ?? created;
    return { ...task, id: created.id, version: newest.version };
  }
  if (task.id.startsWith("temp-")) throw new NeverCreated();
  return task;
}

/**
 * Send a write conditional on `first` (a version, or a bulk's versions). On a 412, `rebase` loads
 * what the server holds now and answers the condition to send the same change on, when that
 * loses no one's change, or null (the 412 stands); it may throw a better error of its own. A race
 * with a further write is retried a few times. Edits, skips and bulk changes all merge this way.
 */
export async function sendMerged<T, C>(
  first: C,
  send: (condition: C) => Promise<T>,
  rebase: (refused: ApiError, condition: C) => Promise<C | null>,
): Promise<T> {
  let condition = first;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send(condition);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 412) || attempt >= 3) throw error;
      const next = await rebase(error, condition);
      if (next === null) throw error;
      condition = next;
    }
  }
}

/**
 * The versions this tab's own writes made: "id@version sent on" → the version the answer gave. A
 * change made before the one ahead of it was answered holds the version from before that one; it
 * is sent on the version that answer made, which differs from it by the user's own change, not
 * on the old one to meet a 412, a reload and a resend. A version made anywhere else is not here,
 * so its change still goes through the merge. Edits and bulk changes record and follow them.
 */
const ownVersions = new Map<string, number>();

/** The version to send a change to task `id` made on `version`: past this tab's own answers. */
export function afterOwnWrites(id: string, version: number): number {
  for (let next; (next = ownVersions.get(`${id}@${version}`));) version = next;
  return version;
}

/** Note that this tab's write sent on `sent` was answered with `answered`. */
export function recordOwnWrite(id: string, sent: number, answered: number): void {
  ownVersions.set(`${id}@${sent}`, answered);
}

/**
 * PATCH with If-Match; on 412 load the current task and, when none of the fields this patch sets
 * changed on the server since `base`, send the same patch again on the new version. Only a
 * same-field change becomes a conflict.
 */
export function saveMerged(base: Task, patch: TaskUpdate, completeSubtasks = false): Promise<Task> {
  return sendMerged(
    { ...base, version: afterOwnWrites(base.id, base.version) },
    async (target) => {
      const saved = await updateTask(target, patch, completeSubtasks);
      recordOwnWrite(base.id, target.version, saved.version);
      return saved;
    },
    async () => {
      let fresh: Task;
      try {
        fresh = await getTask(base.id);
      } catch (e) {
        throw e instanceof ApiError && e.status === 404 ? e : new ReloadFailed(errorMessage(e));
      }
      // The merge rules load with the first 412, not with every page.
      const { conflictingFields } = await import("./merge");
      if (conflictingFields(base, fresh, patch).length) throw new SameFieldConflict(fresh);
      return fresh;
    },
  );
}

/** What the toast says about a change. */
function describeChange(task: Task, patch: TaskUpdate): string {
  const keys = Object.keys(patch);
  if (keys.length === 1 && patch.status) {
    if (patch.status === "done") return `Completed “${task.title}”`;
    return `Moved “${task.title}” to ${STATUS_LABEL[patch.status]}`;
  }
  if (keys.length === 1 && patch.priority)
    return `“${task.title}” is now ${PRIORITY_LABEL[patch.priority]}`;
  if (patch.parent_id === null) return `“${task.title}” is a task of its own`;
  if (patch.parent_id) return `“${task.title}” is now a subtask`;
  return `Saved “${task.title}”`;
}

export const UNDO_TOAST_MS = 6000;
let undoSeq = 0;

/**
 * Whether an answer (`saved`, from the change sent with `vars`) is already out of date on screen:
 * a change to the same task made after it (an edit, move, skip or bulk) is still on its way, so its
 * optimistic state is newer, or a newer version is cached, or the task is deleted (in its Undo
 * window). Two quick moves must not bounce a card back a column when their answers arrive.
 */
function isSuperseded(qc: QueryClient, saved: Task, vars: unknown): boolean {
  const changes = qc.getMutationCache().getAll();
  const self = changes.find((m) => m.state.variables === vars);
  const laterPending = changes.some(
    (m) =>
      self !== undefined &&
      m.mutationId > self.mutationId &&
      m.state.status === "pending" &&
      changedTaskIds(m.state.variables).includes(saved.id),
  );
  const cached = findCachedTask(qc, saved.id);
  return (
    laterPending ||
    (cached !== undefined && cached.version > saved.version) ||
    pendingDeletes.has(saved.id)
  );
}

/**
 * Show a change's answer in every cached list. A superseded one (above) keeps only its version:
 * the rows go on showing the later change, on the version the next change is sent on (a move
 * sends the newest version held, so without it a move made while a bulk was on its way met a 412).
 */
export function showAnswer(qc: QueryClient, saved: Task, vars: unknown): void {
  if (!isSuperseded(qc, saved, vars)) return upsertTaskInLists(qc, saved);
  const shown = findCachedTask(qc, saved.id);
  if (shown && shown.version < saved.version)
    upsertTaskInLists(qc, { ...shown, version: saved.version });
}

type UpdateContext = {
  snapshot: Snapshot;
  before: Task;
  /** The undo entry of a recorded change, settled when the server answers. */
  undo?: { id: string; settle: (saved: Task | null) => void };
};

/**
 * Put a change on the undo stack the moment it shows (not when the server answers: Ctrl+Z right
 * after a move must undo that move). Undoing waits for the save and then sends the old values
 * on the saved version; a change that failed has nothing to undo.
 */
function recordUndo(
  qc: QueryClient,
  before: Task,
  patch: TaskUpdate,
  reopen: Pick<Task, "id" | "status">[] = [],
): UpdateContext["undo"] {
  const id = `undo-${++undoSeq}`;
  let settle!: (saved: Task | null) => void;
  const saved = new Promise<Task | null>((resolve) => (settle = resolve));
  const label = describeChange(before, patch);
  undoStack.push({
    id,
    label,
    undo: () => {
      toast.dismiss(id);
      void saved.then(async (version) => {
        if (!version) return;
        // The subtasks this completion completed go back with it, in one atomic request.
        if (reopen.length) {
          const { undoWithSubtasks } = await import("./completeSubtasks");
          return undoWithSubtasks(qc, version, revertPatch(before, patch), reopen);
        }
        // Base = the version this change produced: if someone changed the same field since,
        // the 412 goes through the conflict dialog like any other edit.
        return new MutationObserver(qc, updateTaskOptions(qc))
          .mutate({ task: version, patch: revertPatch(before, patch), record: false })
          .catch(() => {});
      });
    },
  });
  toast(label, {
    id,
    duration: UNDO_TOAST_MS,
    action: { label: "Undo", onClick: () => undoStack.undo(id) },
  });
  return { id, settle };
}

/**
 * One TanStack Query scope for edits and moves: each is sent once the one before has its answer,
 * in the order made. Sent together (as paused changes are when the network returns), an untick
 * could reach the server before its tick; the tick then met a 412, found no other change to its
 * own field and was re-sent on top: the task ended done (mutations.test.tsx). In order, the
 * second change's 412 merges over the first, which is the user's own.
 */
export const TASK_CHANGES = { id: "task-changes" };

/**
 * Optimistic edit: every cached list shows the change at once; on failure the lists roll back.
 * A 412 is merged field by field (see saveMerged); a true conflict asks the user. A recorded
 * change goes on the undo stack with a toast; undoing it is the same mutation with the old values.
 */
export function updateTaskOptions(
  qc: QueryClient,
): MutationOptions<Task, unknown, UpdateVars, UpdateContext> {
  return {
    mutationKey: [TASK_WRITE, "update"],
    scope: TASK_CHANGES,
    mutationFn: ({ task, patch, completeSubtasks }) =>
      saveMerged(onServer(qc, task), patch, completeSubtasks),
    onMutate: async ({ task, patch, record = true, completeSubtasks }) => {
      // Which subtasks this completes, so that undo reopens exactly those.
      const reopen =
        completeSubtasks && record
          ? await import("./completeSubtasks").then((m) => m.openSubtasks(task))
          : [];
      await qc.cancelQueries({ queryKey: taskKeys.lists() });
      const snapshot = snapshotLists(qc);
      // The freshest copy we hold, so the optimistic row never shows older values of other fields.
      const newest = newestCachedTasks(qc);
      const before = newest.get(serverIdOf(task.id)) ?? newest.get(task.id) ?? task;
      upsertTaskInLists(qc, applyPatch(before, patch));
      return record
        ? { snapshot, before, undo: recordUndo(qc, before, patch, reopen) }
        : { snapshot, before };
    },
    onError: (error, vars, ctx) => {
      const { task, patch } = vars;
      // A new task's row whose create failed is gone (the create said why): nothing to put back.
      if (error instanceof NeverCreated) removeTaskFromLists(qc, task.id);
      else if (ctx) restoreLists(qc, ctx.snapshot);
      if (ctx?.undo) {
        undoStack.remove(ctx.undo.id);
        toast.dismiss(ctx.undo.id);
        ctx.undo.settle(null);
      }
      if (error instanceof NeverCreated) return;
      const open = openSubtasksOf(error);
      if (open && !vars.completeSubtasks) {
        // Nothing changed on the server; ask, and on yes send the same change completing them.
        void import("./completeSubtasks").then((m) =>
          m.askToCompleteSubtasks(
            task,
            open,
            () => {
              void new MutationObserver(qc, updateTaskOptions(qc))
                .mutate({ ...vars, completeSubtasks: true })
                .catch(() => {});
            },
            // The editor's other edits went with the completion: back to the editor with them.
            vars.onRefused && (() => vars.onRefused?.(error)),
          ),
        );
        return;
      }
      if (error instanceof SameFieldConflict) {
        upsertTaskInLists(qc, error.fresh);
        conflictStore.open({ fresh: error.fresh, patch });
        return;
      }
      if (error instanceof ReloadFailed) {
        toast.error(`This task changed elsewhere and could not be reloaded: ${error.message}`);
        return;
      }
      if (error instanceof ApiError && error.status === 404) {
        removeTaskFromLists(qc, serverIdOf(task.id));
        toast.error("This task no longer exists.");
        return;
      }
      if (vars.onRefused) vars.onRefused(error);
      else toast.error(`Could not save “${task.title}”: ${errorMessage(error)}`);
    },
    onSuccess: (saved, vars, ctx) => {
      showAnswer(qc, saved, vars);
      ctx?.undo?.settle(saved);
    },
    onSettled: (_saved, _error, vars) => resync(qc, vars),
  };
}

export function useUpdateTask() {
  const qc = useQueryClient();
  return useMutation(useMemo(() => updateTaskOptions(qc), [qc]));
}

export interface CreateVars {
  body: TaskCreate;
  key: string; // Idempotency-Key: a retried POST never creates a duplicate
  /** As UpdateVars.onRefused: the editor's new task goes back to the editor when refused. */
  onRefused?: (error: unknown) => void;
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation<Task, unknown, CreateVars, { snapshot: Snapshot; tempId: string }>({
    mutationKey: [TASK_WRITE, "create"],
    // In the edits' order: a change made to the new row before the answer is sent after it.
    scope: TASK_CHANGES,
    mutationFn: ({ body, key }) => createTask(body, key),
    retry: (count, error) => count < 2 && error instanceof ApiError && error.status === 0,
    onMutate: async ({ body, key }) => {
      await qc.cancelQueries({ queryKey: taskKeys.lists() });
      const snapshot = snapshotLists(qc);
      const now = new Date().toISOString();
      const tempId = `temp-${key}`;
      upsertTaskInLists(qc, {
        id: tempId,
        title: body.title,
        description: body.description ?? null,
        status: body.status ?? "pending",
        priority: body.priority ?? "medium",
        due_date: body.due_date ?? null,
        labels: body.labels ?? [],
        due_on: body.due_on ?? null,
        recurrence: body.recurrence ?? null,
        // The Inbox's id is the owner's: unknown here, the server's answer replaces it.
        project_id: body.project_id ?? "",
        parent_id: body.parent_id ?? null,
        assignee_id: body.assignee_id ?? null,
        position: null,
        subtask_count: 0,
        subtask_done_count: 0,
        created_at: now,
        updated_at: now,
        completed_at: null,
        version: 0,
      });
      return { snapshot, tempId };
    },
    onError: (error, vars, ctx) => {
      if (ctx) restoreLists(qc, ctx.snapshot);
      if (vars.onRefused) vars.onRefused(error);
      else toast.error(`Could not add the task: ${errorMessage(error)}`);
    },
    onSuccess: (task, _vars, ctx) => {
      if (!ctx) return upsertTaskInLists(qc, task);
      rememberCreated(ctx.tempId, task);
      // Deleted before the answer, it stays out of every list: in its Undo window (by either id),
      // or with its DELETE waiting behind this create.
      const undoWindow = pendingDeletes.get(ctx.tempId);
      if (undoWindow) pendingDeletes.set(task.id, undoWindow);
      if (undoWindow || waitingBehind(qc, ["delete"], ctx.tempId).length) return;
      upsertTaskInLists(qc, withChangesOnTheirWay(qc, task, ctx.tempId), ctx.tempId);
    },
    onSettled: (_task, _error, vars) => resync(qc, vars),
  });
}

/** The changes of the given kinds made to the temp- row `tempId` that wait behind its create, in
 * the order made. */
function waitingBehind(qc: QueryClient, kinds: readonly string[], tempId: string) {
  return qc
    .getMutationCache()
    .findAll({ mutationKey: [TASK_WRITE], status: "pending" })
    .filter((m) => kinds.includes(String(m.options.mutationKey?.[1])))
    .map((m) => m.state.variables as Partial<UpdateVars> & { to?: { status?: TaskStatus } })
    .filter((vars) => vars?.task?.id === tempId);
}

/** A created task as its row goes on showing it: the server's answer with the changes made to the
 * temp- row since, still on their way, applied on top (a tick, or a card moved to another
 * column, must not blink back meanwhile). */
function withChangesOnTheirWay(qc: QueryClient, created: Task, tempId: string): Task {
  return waitingBehind(qc, ["update", "move"], tempId).reduce((row, { patch, to }) => {
    const change = patch ?? (to?.status && { status: to.status });
    return change ? applyPatch(row, change) : row;
  }, created);
}

export const newIdempotencyKey = uuid;

/* Deleting: the rows disappear at once and the deletion is sent when the Undo window closes
 * (or when the page is left), so Undo restores the very same tasks with their ids and history. */
const UNDO_MS = 6000;
const pending = pendingDeletes;

function flushOnLeave() {
  // One entry can stand under several ids (a bulk's tasks, a new task's two ids): sent once.
  for (const entry of new Set(pending.values())) {
    clearTimeout(entry.timer);
    entry.leave();
  }
  pending.clear();
}
if (typeof window !== "undefined") window.addEventListener("pagehide", flushOnLeave);

/** A request to the API that outlives the page (`keepalive`): no answer is awaited, and the
 * client's token refresh cannot run, so it goes with the token held. */
export function sendOnLeave(path: string, init: RequestInit = {}): void {
  const token = getAccessToken();
  void fetch(`${apiOrigin()}${path}`, {
    ...init,
    keepalive: true,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers },
  }).catch(() => {});
}

/** A row as it comes back: a new task saved meanwhile, as the server knows it. */
function asSaved(task: Task): Task {
  const saved = createdAs(task.id);
  return saved ? { ...task, id: saved.id, version: saved.version } : task;
}

/** One deletion with an Undo window: a single task's or a bulk's (bulkMutation.ts). */
export interface UndoableDelete {
  /** The rows deleted, as shown. */
  tasks: readonly Task[];
  /** The toast's text, and the undo entry's. */
  label: string;
  /** The toast once undone. */
  restored: string;
  /**
   * Send the deletion when the window closes: a task change in TASK_CHANGES (after the changes
   * made before it; offline it waits), or `now`, outside it, before logging out (a change queued
   * behind others would be dropped with the session). A rejection means nothing was deleted.
   */
  send: (now: boolean) => Promise<unknown>;
  /** The same request with `keepalive` (sendOnLeave), as the page goes. */
  leave: () => void;
  /** Tell the user why the deletion was refused (its rows are back by then). */
  refused: (error: unknown) => void;
  /** After the send, either way: refetch what it changed. */
  settled: () => void;
}

/**
 * Hide `d.tasks` in every cached list, keep them out of lists fetched meanwhile (pendingDeletes),
 * and offer Undo (toast and stack) for UNDO_MS; then `d.send`. Undo in the window sends nothing
 * and puts the same rows back where they were.
 */
export function deleteWithUndo(qc: QueryClient, d: UndoableDelete): void {
  const snapshot = snapshotLists(qc);
  for (const t of d.tasks) removeTaskFromLists(qc, t.id);
  const undoId = `delete-${++undoSeq}`;
  const forget = () => {
    for (const t of d.tasks) {
      pending.delete(t.id);
      pending.delete(serverIdOf(t.id));
    }
  };
  const putBack = () => {
    for (const t of d.tasks) reinsertTask(qc, asSaved(t), snapshot, t.id);
  };
  const run = (now = false) => {
    forget();
    undoStack.remove(undoId);
    d.send(now)
      .then(() => {
        for (const t of d.tasks) qc.removeQueries({ queryKey: taskKeys.detail(serverIdOf(t.id)) });
      })
      .catch((error: unknown) => {
        // Where it was, or (in a list fetched since) where the list puts it.
        putBack();
        for (const t of d.tasks) {
          const back = asSaved(t);
          if (!findCachedTask(qc, back.id)) upsertTaskInLists(qc, back);
        }
        d.refused(error);
      })
      .finally(d.settled);
  };
  const timer = setTimeout(() => run(), UNDO_MS);
  const entry = { timer, run, leave: d.leave };
  for (const t of d.tasks) pending.set(t.id, entry);
  undoStack.push({
    id: undoId,
    label: d.label,
    undo: () => {
      clearTimeout(timer);
      forget();
      putBack();
      // A toast of its own: sonner closes the one whose Undo was pressed after this handler
      // returns, and took an update of it along (an e2e saw no "2 tasks restored" on a busy run).
      toast.dismiss(undoId);
      toast.success(d.restored, { id: `${undoId}-restored`, duration: 2000 });
    },
  });
  toast(d.label, {
    id: undoId,
    duration: UNDO_MS,
    action: { label: "Undo", onClick: () => undoStack.undo(undoId) },
  });
}

export function useDeleteTask() {
  const qc = useQueryClient();
  return (task: Task) => {
    // A new task's create goes first (one scope): it is deleted by the id the server gave it, or
    // not at all if that create failed.
    const deleteOnServer = async (id: string) => {
      const onServer = serverIdOf(id);
      if (onServer.startsWith("temp-")) return;
      try {
        await deleteTask(onServer);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error; // gone already
      }
    };
    deleteWithUndo(qc, {
      tasks: [task],
      label: `Deleted “${task.title}”`,
      restored: "Task restored",
      send: (now) =>
        now
          ? deleteOnServer(task.id)
          : new MutationObserver(qc, {
              mutationKey: [TASK_WRITE, "delete"],
              scope: TASK_CHANGES,
              mutationFn: ({ task: gone }: { task: Task }) => deleteOnServer(gone.id),
            }).mutate({ task }),
      leave: () => {
        // A new task's row never created sends nothing.
        const id = serverIdOf(task.id);
        if (!id.startsWith("temp-")) sendOnLeave(`/api/v1/tasks/${id}`, { method: "DELETE" });
      },
      refused: (error) => toast.error(`Could not delete “${task.title}”: ${errorMessage(error)}`),
      settled: () => resync(qc),
    });
  };
}

/** Send every deletion still waiting for its Undo window and forget the undo stack (used before
 * logging out, so the next account on this tab cannot undo the last one's changes). */
export function flushPendingDeletes(): void {
  // One entry can stand under several ids (a bulk's tasks, a new task's two ids): sent once.
  for (const entry of new Set(pending.values())) {
    clearTimeout(entry.timer);
    entry.run(true);
  }
  undoStack.clear();
}
