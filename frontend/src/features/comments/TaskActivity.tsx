import { dateFormat } from "@/lib/dates";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useContext, useState, type KeyboardEvent } from "react";
import { ApiError } from "@/api/problem";
import { AuthContext } from "@/features/auth/context";
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

const when = (iso: string) =>
  dateFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

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
  mine,
  onEdit,
  onDelete,
}: {
  comment: Comment;
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
          {sending ? "Sending…" : when(comment.created_at)}
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
  due_date: "due time",
  due_on: "due day",
  recurrence: "repeat",
  labels: "labels",
  project_id: "project",
  parent_id: "parent",
};

const shown = (value: unknown): string => {
  if (value === null || value === undefined || value === "") return "none";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "none";
  return String(value);
};

function describe(event: TaskEvent): string[] {
  return Object.entries(event.changes).map(([field, [from, to]]) =>
    event.kind === "created"
      ? `${FIELD_LABEL[field] ?? field}: ${shown(to)}`
      : `${FIELD_LABEL[field] ?? field}: ${shown(from)} → ${shown(to)}`,
  );
}

function History({ taskId, me }: { taskId: string; me: string | undefined }) {
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
            <span className="font-medium">{e.actor_id === me ? "You" : "Someone"}</span> {e.kind}
            {" · "}
            <time dateTime={e.created_at}>{when(e.created_at)}</time>
            {describe(e).map((line) => (
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

/** Comments and history of a saved task, under its editor (loaded on first open, lazily).
 * `readOnly` (a viewer): the thread is readable, with no comment box and no edit or delete, even
 * of their own comments (the API refuses a viewer every comment write). */
export default function TaskActivity({
  taskId,
  readOnly = false,
}: {
  taskId: string;
  readOnly?: boolean;
}) {
  const me = useContext(AuthContext)?.user?.id;
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
      <History taskId={taskId} me={me} />
    </div>
  );
}
