import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CornerLeftUp, ListTree, Unlink } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import type { Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { ActionSelect } from "@/ui/ActionSelect";
import { Button, Input, selectClass } from "@/ui/primitives";
import { errorMessage } from "@/api/problem";
import { useTimeZone } from "@/features/auth/context";
import { loadQuickAdd } from "@/features/quickadd/load";
import { useDebounced } from "@/lib/useDebounced";
import { getTask, taskKeys } from "./api";
import { findCachedTask } from "./cache";
import { OPEN_STATUSES } from "./filters";
import { newIdempotencyKey, useCreateTask, useUpdateTask } from "./mutations";
import { useTaskList } from "./queries";
import { CompleteButton, type RowDrag } from "./TaskItem";
import { DueBadge } from "./TaskBadges";

const TITLE_MAX = 255; // the API's limit (taskForm's title rule)

// Drag reordering (dnd-kit) loads with the first editor that can reorder subtasks.
const SortableTaskList = lazy(() => import("./SortableTaskList"));

/**
 * A subtask's create body from what was typed, read as quick add reads it ("tomorrow p1 #label
 * every week"). A `+project` stays words: a subtask is in its parent's project. Offline before
 * the reader's chunk ever loaded, the words as typed.
 */
async function subtaskBody(text: string, timeZone: string) {
  const engine = await loadQuickAdd().catch(() => null);
  if (!engine) return { title: text };
  let parsed = engine.readQuickAdd(text, { timeZone });
  const project = parsed.spans.find((s) => s.kind === "project");
  if (project)
    parsed = engine.readQuickAdd(text, { timeZone, dismissed: new Set([engine.chipKey(project)]) });
  return engine.toCreateRequest(parsed).body;
}

/**
 * A saved task's subtasks under its editor: tick them off, open one (its own editor), add more
 * one after another with Enter (quick add's words for a due, priority, labels and repeat). Their
 * list is a task list like any other (`?parent=`), so the app's optimistic writes, undo and live
 * updates keep it current. A subtask has none of its own (one level, as the API has it); a task
 * with none can become another's instead. A viewer (`readOnly`) only reads them.
 */
export function TaskSubtasks({
  task,
  readOnly,
  onOpen,
}: {
  task: Task;
  readOnly: boolean;
  onOpen: (subtask: Task) => void;
}) {
  // With the task's project: a shared project's tasks are listed from its owner's, by project.
  const list = useTaskList(
    { parent: task.id, ...(task.project_id && { project: task.project_id }), sort: "position" },
    100,
  );
  const create = useCreateTask();
  const timeZone = useTimeZone();
  const [title, setTitle] = useState("");
  const subtasks = list.data?.pages.flatMap((p) => p.items) ?? [];
  const done = subtasks.filter((s) => s.status === "done").length;
  const headingId = `subtasks-${task.id}`;
  if (readOnly && list.isSuccess && subtasks.length === 0) return null;

  const add = async () => {
    const text = title.trim();
    if (!text) return;
    setTitle(""); // at once: the next one can be typed while this one is read
    const body = await subtaskBody(text, timeZone);
    create.mutate({
      key: newIdempotencyKey(),
      // In the parent's project: the API keeps a subtask where its parent is.
      body: { ...body, parent_id: task.id, project_id: task.project_id || undefined },
    });
  };

  const row = (s: Task, drag?: RowDrag) => (
    <li
      key={s.id}
      ref={drag?.ref}
      style={drag?.style}
      {...drag?.listeners}
      className={cn(
        "flex items-start gap-2 rounded py-0.5 text-sm",
        drag && "touch-manipulation",
        drag?.dragging && "z-10 bg-white shadow-lg dark:bg-zinc-900",
      )}
      data-testid="subtask"
    >
      {drag?.handle}
      <CompleteButton task={s} readOnly={readOnly} />
      <button
        type="button"
        // A subtask on its way has no id the editor could save to yet.
        disabled={s.id.startsWith("temp-")}
        onClick={() => onOpen(s)}
        title="Open this subtask"
        className={cn(
          "min-w-0 flex-1 truncate rounded text-left hover:underline focus-visible:underline",
          s.status === "done" && "text-zinc-500 line-through dark:text-zinc-400",
        )}
      >
        {s.title}
      </button>
      <DueBadge task={s} />
    </li>
  );

  return (
    <section
      aria-labelledby={headingId}
      className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800"
    >
      <h3 id={headingId} className="mb-2 flex items-center gap-1.5 text-sm font-semibold">
        <ListTree className="size-4" aria-hidden="true" /> Subtasks
        {subtasks.length > 0 && (
          <span className="font-normal text-zinc-600 dark:text-zinc-400">
            <span className="sr-only">, done: </span>
            {done}/{subtasks.length}
          </span>
        )}
      </h3>
      {list.isError ? (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">
          Could not load the subtasks: {errorMessage(list.error)}
        </p>
      ) : (
        subtasks.length > 0 && (
          <div className="mb-2">
            {readOnly ? (
              <ul aria-label="Subtasks">{subtasks.map((s) => row(s))}</ul>
            ) : (
              <Suspense fallback={<ul aria-label="Subtasks">{subtasks.map((s) => row(s))}</ul>}>
                <SortableTaskList tasks={subtasks} render={row} label="Subtasks" />
              </Suspense>
            )}
          </div>
        )
      )}
      {list.hasNextPage && (
        <Button size="sm" variant="ghost" onClick={() => void list.fetchNextPage()}>
          Show more subtasks
        </Button>
      )}
      {!readOnly && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
          className="flex gap-2"
        >
          <Input
            aria-label={`New subtask of “${task.title}”`}
            placeholder="Add a subtask: “Book the hall fri p1”"
            maxLength={TITLE_MAX}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <Button type="submit" variant="secondary" disabled={!title.trim()}>
            Add
          </Button>
        </form>
      )}
      {!readOnly && list.isSuccess && subtasks.length === 0 && <MakeSubtaskOf task={task} />}
    </section>
  );
}

/** What the picker lists at once; a project with more open tasks gets a search box too. */
const PICKABLE = 100;

/**
 * "Make it a subtask of…": the open tasks of its project that are no one's subtask, by title. The
 * change is an edit like any other (optimistic, with an Undo toast); the API keeps the rules (one
 * level, the parent's project). Past PICKABLE open tasks a search by title finds the rest.
 */
function MakeSubtaskOf({ task }: { task: Task }) {
  const [typed, setTyped] = useState("");
  const [typedOnce, setTypedOnce] = useState(false);
  // One request per pause in typing, from two characters (as the list's search box).
  const searched = useDebounced(typed.trim(), 300);
  const q = searched.length >= 2 ? searched : "";
  const candidates = useTaskList(
    {
      ...(task.project_id && { project: task.project_id }),
      status: [...OPEN_STATUSES],
      ...(q && { q }),
      sort: "title",
    },
    PICKABLE,
    { keepPrevious: true },
  );
  const update = useUpdateTask();
  const options = (candidates.data?.pages.flatMap((p) => p.items) ?? [])
    .filter((t) => !t.parent_id && t.id !== task.id && !t.id.startsWith("temp-"))
    .map((t) => ({ value: t.id, label: t.title }));
  // Once typed in, the box stays, also when emptied on a page of fewer matches.
  const searching = typedOnce || candidates.hasNextPage;
  if (!searching && options.length === 0) return null;
  return (
    <div className="mt-2 flex flex-wrap gap-2">
      {searching && (
        <Input
          type="search"
          aria-label="Find the parent task by title"
          placeholder="Find the parent task…"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setTypedOnce(true);
          }}
          className="max-w-56"
        />
      )}
      {options.length > 0 ? (
        <ActionSelect
          label={`Make “${task.title}” a subtask of another task`}
          prompt="Make it a subtask of…"
          options={options}
          className={cn(selectClass, "max-w-full")}
          onPick={(parentId) => update.mutate({ task, patch: { parent_id: parentId } })}
        />
      ) : (
        q &&
        candidates.isSuccess &&
        !candidates.isPlaceholderData && (
          <p role="status" className="self-center text-sm text-zinc-600 dark:text-zinc-400">
            No open task matches “{q}”.
          </p>
        )
      )}
    </div>
  );
}

/** Above a subtask's editor: the task it belongs to, a click away, and a way out of it. */
export function ParentLink({
  task,
  parentId,
  readOnly,
  onOpen,
}: {
  task: Task;
  parentId: string;
  readOnly: boolean;
  onOpen: (parent: Task) => void;
}) {
  const qc = useQueryClient();
  const update = useUpdateTask();
  const parent = useQuery({
    queryKey: taskKeys.detail(parentId),
    queryFn: () => getTask(parentId),
    initialData: () => findCachedTask(qc, parentId),
  });
  if (!parent.data) return null;
  const shown = parent.data;
  return (
    <p className="-mt-1 mb-3 flex flex-wrap items-center gap-x-3 text-sm text-zinc-600 dark:text-zinc-400">
      <button
        type="button"
        onClick={() => onOpen(shown)}
        className="inline-flex max-w-full items-center gap-1 rounded hover:underline focus-visible:underline"
      >
        <CornerLeftUp className="size-4 shrink-0" aria-hidden="true" />
        <span className="truncate">
          Subtask of{" "}
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{shown.title}</span>
        </span>
      </button>
      {!readOnly && (
        <button
          type="button"
          onClick={() => update.mutate({ task, patch: { parent_id: null } })}
          className="inline-flex items-center gap-1 rounded hover:underline focus-visible:underline"
        >
          <Unlink className="size-4 shrink-0" aria-hidden="true" />
          Make it a task of its own
        </button>
      )}
    </p>
  );
}
