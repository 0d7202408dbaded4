import { dateFormat } from "@/lib/dates";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type KeyboardEvent } from "react";
import { ApiError } from "@/api/problem";
import type { Task } from "@/api/types";
import { useTimeZone } from "@/features/auth/context";
import { useProjects } from "@/features/projects/api";
import { personName, useSharedMembers, type Member } from "@/features/tasks/assigneeMembers";
import { describeRecurrence } from "@/features/tasks/recurrence";
import { PRIORITY_LABEL, STATUS_LABEL } from "@/features/tasks/statusPriorityDisplay";
import { Button } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import {
  activityKeys,
  addComment,
  deleteComment,
  editComment,
  listComments,
  taskHistory,
  type Comment,
  type TaskEvent,
} from "./api";

const areaCls =
  "focus:border-brand-500 focus:ring-brand-500/20 w-full resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900";

/** A moment as the rest of the app shows it: in the profile's zone. */
const when = (iso: string, timeZone: string) =>
  dateFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(iso),
  );

const failed = (what: string, error: unknown) =>
  toast.error(`${what} failed${error instanceof ApiError ? ` (${error.status})` : ""}.`);

/** Ctrl/Cmd+Enter submits from a textarea (where Enter is a new line). */
const submitOnCtrlEnter = (submit: () => void) => (e: KeyboardEvent<HTMLTextAreaElement>) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.stopPropagation(); // not the task form's own Ctrl+Enter (save and close)
    submit();
  }
};

/** A comment while it is being sent: its "temp-" id marks it as sending until the server's answer. */
function pendingComment(taskId: string, body: string): Comment {
  return {
    id: `temp-${Date.now()}`,
    task_id: taskId,
    author_id: "",
    body,
    body_html: "",
    created_at: new Date().toISOString(),
    edited_at: null,
  };
}

function useComments(taskId: string) {
  const qc = useQueryClient();
  const key = activityKeys.comments(taskId);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: key });
    void qc.invalidateQueries({ queryKey: activityKeys.history(taskId) });
  };
  const thread = useQuery({ queryKey: key, queryFn: () => listComments(taskId) });
  /**
   * A write shown at once: `change` applies it to the cached thread; an error puts the thread back
   * and says which write failed; either way the thread and the history are fetched again.
   */
  const optimistic = <V,>(what: string, change: (thread: Comment[], vars: V) => Comment[]) => ({
    onMutate: async (vars: V) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Comment[]>(key);
      qc.setQueryData<Comment[]>(key, change(before ?? [], vars));
      return { before };
    },
    onError: (error: unknown, _vars: V, ctx: { before: Comment[] | undefined } | undefined) => {
      qc.setQueryData(key, ctx?.before);
      failed(what, error);
    },
    onSettled: refresh,
  });
  // A new comment shows at once (marked as sending) and is replaced by the server's.
  const post = useMutation({
    mutationFn: (body: string) => addComment(taskId, body),
    ...optimistic("Posting the comment", (thread, body: string) => [
      ...thread,
      pendingComment(taskId, body),
    ]),
  });
  const edit = useMutation({
    mutationFn: ({ id, body }: { id: string; body: string }) => editComment(id, body),
    ...optimistic("Saving the comment", (thread, { id, body }: { id: string; body: string }) =>
      thread.map((c) => (c.id === id ? { ...c, body } : c)),
    ),
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteComment(id),
    ...optimistic("Deleting the comment", (thread, id: string) =>
      thread.filter((c) => c.id !== id),
    ),
  });
  return { thread, post, edit, remove };
}

function CommentItem({
  comment,
  author,
  timeZone,
  mine,
  onEdit,
  onDelete,
}: {
  comment: Comment;
  /** Who wrote it, in a shared project (null: the user's own project, where it is always them). */
  author: string | null;
  timeZone: string;
  mine: boolean;
  onEdit: (body: string) => void;
  onDelete: () => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const sending = comment.id.startsWith("temp-");
  const save = () => {
    if (draft?.trim()) onEdit(draft.trim());
    setDraft(null);
  };
  return (
    <li
      data-testid="comment"
      className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800"
    >
      <div className="flex items-center justify-between text-xs text-zinc-600 dark:text-zinc-400">
        <span>
          {author && (
            <span className="font-medium text-zinc-800 dark:text-zinc-200">{author} · </span>
          )}
          {sending ? "Sending…" : when(comment.created_at, timeZone)}
          {comment.edited_at && " · edited"}
        </span>
        {mine && !sending && draft === null && (
          <span className="flex gap-1">
            <Button variant="ghost" size="sm" onClick={() => setDraft(comment.body)}>
              Edit
            </Button>
            <Button variant="ghost" size="sm" onClick={onDelete}>
              Delete
            </Button>
          </span>
        )}
      </div>
      {draft === null ? (
        comment.body_html ? (
          <div
            className="comment-body text-sm [&_a]:underline [&_code]:font-mono"
            // Rendered and sanitized on the server (taskapp/markdown.py: markdown-it + nh3).
            dangerouslySetInnerHTML={{ __html: comment.body_html }}
          />
        ) : (
          <p className="text-sm whitespace-pre-wrap">{comment.body}</p>
        )
      ) : (
        <div className="mt-1 space-y-1">
          <textarea
            aria-label="Edit comment"
            className={areaCls}
            rows={3}
            value={draft}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={submitOnCtrlEnter(save)}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            <Button size="sm" onClick={save}>
              Save comment
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

const FIELD_LABEL: Record<string, string> = {
  title: "title",
  description: "description",
  status: "status",
  priority: "priority",
  recurrence: "repeat",
  labels: "labels",
  project_id: "project",
  parent_id: "parent",
  assignee_id: "assignee",
};

/**
 * A field's value as the rest of the app words it: "To do", "High", a due in the profile's zone,
 * "every Monday", a project by its name. An id the user cannot name (a parent task, a project
 * they are not in) stays vague rather than showing a UUID.
 */
function useWords(me: string | undefined, members: readonly Member[] | null, timeZone: string) {
  const projects = useProjects().data;
  return (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === "") return "none";
    if (Array.isArray(value)) return value.length ? value.join(", ") : "none";
    const text = String(value);
    switch (field) {
      case "status":
        return STATUS_LABEL[text as keyof typeof STATUS_LABEL] ?? text;
      case "priority":
        return PRIORITY_LABEL[text as keyof typeof PRIORITY_LABEL] ?? text;
      case "due_date":
        return when(text, timeZone);
      case "due_on":
        // Noon UTC of the day, shown in UTC: the day itself whatever the zone.
        return /^\d{4}-\d{2}-\d{2}$/.test(text)
          ? dateFormat(undefined, { dateStyle: "medium", timeZone: "UTC" }).format(
              new Date(`${text}T12:00:00Z`),
            )
          : text;
      case "recurrence":
        return describeRecurrence(text).replace(/^Repeats:? /, "");
      case "project_id":
        // The Inbox's id is its owner's.
        return (
          projects?.find((p) => p.id === text)?.name ?? (text === me ? "Inbox" : "another project")
        );
      case "parent_id":
        return "another task";
      case "assignee_id":
        return personName(text, me, members) ?? "someone";
      default:
        return text;
    }
  };
}

/**
 * One line a changed field. A due is one thing to the user, though the API keeps a due day and a
 * due time apart: adding a time to a due day is "due: Dec 16 → Dec 16, 6:00 PM", not the day going
 * to none and a time coming from none.
 */
function describe(event: TaskEvent, words: ReturnType<typeof useWords>): string[] {
  const { due_on: dueOn, due_date: dueAt, ...rest } = event.changes;
  const due = (side: 0 | 1) =>
    dueAt?.[side] ? words("due_date", dueAt[side]) : words("due_on", dueOn?.[side]);
  const changes: [string, string, string][] = Object.entries(rest).map(([field, [from, to]]) => [
    FIELD_LABEL[field] ?? field,
    words(field, from),
    words(field, to),
  ]);
  if (dueOn || dueAt) changes.splice(0, 0, ["due", due(0), due(1)]);
  return changes.map(([label, from, to]) =>
    event.kind === "created" ? `${label}: ${to}` : `${label}: ${from} → ${to}`,
  );
}

function History({
  taskId,
  who,
  words,
  timeZone,
}: {
  taskId: string;
  who: (id: string | null) => string;
  words: ReturnType<typeof useWords>;
  timeZone: string;
}) {
  const history = useInfiniteQuery({
    queryKey: activityKeys.history(taskId),
    queryFn: ({ pageParam }) => taskHistory(taskId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const events = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-label="History" className="space-y-2">
      <h3 className="text-sm font-semibold">History</h3>
      <ol className="space-y-1 text-xs">
        {events.map((e) => (
          <li key={e.id} data-testid="history-event">
            <span className="font-medium">{who(e.actor_id)}</span> {e.kind}
            {" · "}
            <time dateTime={e.created_at}>{when(e.created_at, timeZone)}</time>
            {describe(e, words).map((line) => (
              <div key={line} className="pl-3 text-zinc-600 dark:text-zinc-400">
                {line}
              </div>
            ))}
          </li>
        ))}
      </ol>
      {history.hasNextPage && (
        <Button
          variant="secondary"
          size="sm"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          Load more
        </Button>
      )}
    </section>
  );
}

/** Comments and history of a saved task, under its editor (loaded on first open, lazily). In a
 * shared project each comment and change names its writer (the members list the assignee
 * picker uses). Times are in the profile's zone, as everywhere else.
 * `readOnly` (a viewer): the thread is readable, with no comment box and no edit or delete, even
 * of their own comments (the API refuses a viewer every comment write). */
export default function TaskActivity({
  task,
  readOnly = false,
}: {
  task: Task;
  readOnly?: boolean;
}) {
  const taskId = task.id;
  // A shared project's members name the other writers; the user's own project has only them.
  const { me, members } = useSharedMembers(task);
  const timeZone = useTimeZone();
  const words = useWords(me, members, timeZone);
  const who = (id: string | null) => {
    if (id === null) return "A deleted account";
    return personName(id, me, members) ?? "Someone";
  };
  const { thread, post, edit, remove } = useComments(taskId);
  const [draft, setDraft] = useState("");
  const submit = () => {
    const body = draft.trim();
    if (!body) return;
    post.mutate(body);
    setDraft("");
  };
  return (
    <div className="mt-6 space-y-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <section aria-label="Comments" className="space-y-2">
        <h3 className="text-sm font-semibold">Comments</h3>
        <ul className="space-y-2">
          {(thread.data ?? []).map((c) => (
            <CommentItem
              key={c.id}
              comment={c}
              author={members ? who(c.author_id) : null}
              timeZone={timeZone}
              mine={!readOnly && c.author_id === me}
              onEdit={(body) => edit.mutate({ id: c.id, body })}
              onDelete={() => remove.mutate(c.id)}
            />
          ))}
        </ul>
        {!readOnly && (
          <>
            <textarea
              aria-label="New comment"
              className={areaCls}
              rows={2}
              maxLength={10_000}
              placeholder="Write a comment (Markdown; Ctrl+Enter to post)"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={submitOnCtrlEnter(submit)}
            />
            <div className="flex justify-end">
              <Button size="sm" onClick={submit} disabled={!draft.trim()}>
                Comment
              </Button>
            </div>
          </>
        )}
      </section>
      <History taskId={taskId} who={who} words={words} timeZone={timeZone} />
    </div>
  );
}
