import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import {
  lazy,
  Suspense,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
} from "react";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useLocation } from "react-router";
import { toast } from "sonner";
import { ApiError, errorMessage } from "@/api/problem";
import { PRIORITIES, STATUSES, type Task } from "@/api/types";
import { AuthContext } from "@/features/auth/context";
import { formatTaskDue } from "@/lib/dates";
import { TaskReminders } from "@/features/notifications/TaskReminders";
import { canWrite, useProjectRole } from "@/features/projects/role";
import { Dialog } from "@/ui/Dialog";
import { cn } from "@/lib/cn";
import { LabelledInput } from "@/ui/LabelledInput";
import { Button, Field, Input, selectClass } from "@/ui/primitives";
import { findCachedTask } from "./cache";
import { editor, useEditor, type EditorState, type Refused } from "./editor";
import { LabelInput } from "./LabelInput";
import { changedFields } from "./merge";
import { newIdempotencyKey, useCreateTask, useDeleteTask, useUpdateTask } from "./mutations";
import { useLabels } from "./queries";
import { PRIORITY_LABEL, STATUS_LABEL } from "./statusPriorityDisplay";
import { RepeatField } from "./RepeatField";
import { useSwitchTask } from "./taskRoute";
import { ParentLink, TaskSubtasks } from "./TaskSubtasks";
import {
  DAY_NOT_WHOLE,
  diffTask,
  dueForCreate,
  FIRST_DUE_DAY,
  LAST_DUE_DAY,
  TIME_NOT_WHOLE,
  taskFormSchema,
  toFormValues,
  type TaskFormValues,
} from "./taskForm";

// Comments and history load with the first opened task, not with /tasks; so does the assignee
// picker.
const TaskActivity = lazy(() => import("@/features/comments/TaskActivity"));
const AssigneeField = lazy(() => import("./AssigneeField"));
const ProjectField = lazy(() => import("./ProjectField"));
const TaskAttachments = lazy(() => import("@/features/attachments/TaskAttachments"));

const selectCls = cn(selectClass, "w-full");

/** The task's current occurrence as a button names it: "today", "Monday", "14 Dec 09:00". */
function occurrenceName(task: Task, timeZone: string): string {
  return formatTaskDue(task, timeZone).replace(/^(Today|Tomorrow|Yesterday)/, (word) =>
    word.toLowerCase(),
  );
}

/** The newest copy of task `id` the page's lists hold, as they change (a live update's refetch,
 * the answer to a change). */
function useNewestCachedTask(id: string | undefined): Task | undefined {
  const qc = useQueryClient();
  const subscribe = useCallback(
    (changed: () => void) => qc.getQueryCache().subscribe(changed),
    [qc],
  );
  return useSyncExternalStore(subscribe, () => (id ? findCachedTask(qc, id) : undefined));
}

/** The form for a task, or for a new one (in `newTaskProject`, due on the day it was added on,
 * if any). */
const formValues = (
  state: EditorState,
  task: Task | undefined,
  timeZone: string,
  newTaskProject: string,
) => ({
  ...toFormValues(task, timeZone, newTaskProject),
  ...(state.mode === "new" && state.dueDay && { dueDay: state.dueDay }),
});

/** A due day and a due time are one field in the form. */
const formField = (field: string) => (field === "due_on" ? "due_date" : field);

/** The form field an API error names ("body.due_on", "labels.3"), if the form has it. */
const FIELD_OF_API: Record<string, keyof TaskFormValues> = {
  title: "title",
  description: "description",
  status: "status",
  priority: "priority",
  due_on: "dueDay",
  due_date: "dueDay",
  recurrence: "recurrence",
  labels: "labels",
  project_id: "projectId",
};
const formFieldOfApi = (field: string) =>
  field
    .split(".")
    .map((part) => FIELD_OF_API[part])
    .find(Boolean);

// A refusal this long after Save no longer meets the user at the form (an offline save sent
// later): it waits in a toast instead of opening the editor out of the blue.
const REOPEN_WITHIN_MS = 5_000;

/** What to do if the save of `values` (to `task`, or a new task) is refused: give the user back
 * what they typed. The editor opens again on it, or, when the editor is busy with another task or
 * the refusal comes late, a toast offers it. */
function giveBackOnRefusal(task: Task | undefined, values: Partial<TaskFormValues>) {
  const savedAt = Date.now();
  return (error: unknown) => {
    const refused: Refused = { values, error };
    if (!editor.isOpen() && Date.now() - savedAt < REOPEN_WITHIN_MS)
      return editor.reopenRefused(task, refused);
    toast.error(task ? `Could not save “${task.title}”` : "Could not add the task", {
      description: errorMessage(error),
      duration: Infinity,
      action: { label: "Edit again", onClick: () => editor.reopenRefused(task, refused) },
    });
  };
}

export function TaskDialog() {
  const state = useEditor();
  const open = state.mode !== "closed";
  const opened = state.mode === "edit" ? state.task : undefined;
  // The version the form stands on, per opening (`state` is a new object each time the editor
  // opens): the newest copy the page holds when it opens, then each newer one it receives (a
  // teammate's change, a skip's answer) that changes no field being edited here.
  const [followed, setFollowed] = useState<{ opening?: EditorState; task?: Task }>({});
  const newest = useNewestCachedTask(opened?.id);
  const pinned = followed.opening === state;
  const task = pinned
    ? followed.task
    : newest && opened && newest.version > opened.version
      ? newest
      : opened;
  const dueFirst = state.mode === "edit" && state.focus === "due";
  const create = useCreateTask();
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const qc = useQueryClient();
  const role = useProjectRole(task?.project_id);
  // A task of a project the user only views opens read-only: no Save, no Delete, no comment box.
  const readOnly = !canWrite(role);
  // Suggestions: the user's own labels, or on another owner's (shared) project, the labels its
  // tasks carry there (the owner's words, not the member's).
  const labels = useLabels({
    enabled: open,
    project: role && role !== "owner" ? (task?.project_id ?? "") : "",
  });
  // Due days and times are the user's (profile) zone's, as in quick add, Today and Upcoming.
  const user = useContext(AuthContext)?.user;
  const timeZone = user?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  // A new task goes where the page is, as quick add's does: the project shown, if the user may
  // add to it, else the Inbox (whose id is the user's).
  const pageProject = /^\/projects\/([^/]+)/.exec(useLocation().pathname)?.[1];
  const pageRole = useProjectRole(pageProject);
  const newTaskProject = pageProject && canWrite(pageRole) ? pageProject : (user?.id ?? "");
  const {
    register,
    control,
    handleSubmit,
    reset,
    getValues,
    setValue,
    setError,
    formState: { errors, isDirty, dirtyFields },
  } = useForm<TaskFormValues>({
    resolver: zodResolver(taskFormSchema),
    defaultValues: formValues(state, task, timeZone, newTaskProject),
  });

  const dueDay = useWatch({ control, name: "dueDay" });
  // What to do once unsaved edits are discarded (close, or open a subtask or the parent), while
  // the user is asked.
  const [discardThen, setDiscardThen] = useState<{ then: () => void } | null>(null);
  const switchTask = useSwitchTask();
  // Set when another task opens in the open dialog: it then starts at that task's title.
  const switched = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  if (open && !pinned) setFollowed({ opening: state, task });
  else if (open && task && newest && newest.version > task.version) {
    const editing = new Set(Object.keys(diffTask(task, getValues(), timeZone)).map(formField));
    // Theirs and the user's on one field: the save goes on the version the user started from, and
    // its 412 asks which one wins (ConflictDialog).
    if (!changedFields(task, newest).some((f) => editing.has(formField(f))))
      setFollowed({ opening: state, task: newest });
  }

  // A new opening fills the whole form; a newer copy of the same task only the fields not being
  // edited.
  const formOpening = useRef<EditorState | null>(null);
  useEffect(() => {
    if (!open) return;
    const sameOpening = formOpening.current === state;
    formOpening.current = state;
    reset(formValues(state, task, timeZone, newTaskProject), { keepDirtyValues: sameOpening });
    const refused = sameOpening ? undefined : state.refused;
    if (refused) {
      // The fields the user had changed, over the task as it is now (a change made since, the
      // user's own in another tab, stays): the form is dirty (Esc asks first), and says why it
      // was not saved, at the fields the API named.
      for (const [name, value] of Object.entries(refused.values))
        setValue(name as keyof TaskFormValues, value, { shouldDirty: true });
      const { error } = refused;
      const marked = (error instanceof ApiError ? error.errors : []).flatMap(
        ({ field, message }) => {
          const name = formFieldOfApi(field);
          // Pydantic's words follow the field's name ("must repeat at most daily"): a sentence here.
          return name ? [{ name, message: message.replace(/^./, (c) => c.toUpperCase()) }] : [];
        },
      );
      // The problem's detail names API fields ("body.recurrence"): the form's own fields say it.
      setError("root.server", {
        message: marked.length
          ? `Not saved: the server refused what is marked below.`
          : `Not saved: ${errorMessage(error)}`,
      });
      for (const { name, message } of marked) setError(name, { message });
      // The first field marked gets the focus (the title's autofocus came first), in the middle
      // of the view so that what is said below it shows too.
      requestAnimationFrame(() => {
        const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        first?.focus({ preventScroll: true });
        first?.scrollIntoView({ block: "center" });
      });
    }
    if (!sameOpening && switched.current) {
      switched.current = false;
      // A frame later: the dialog's focus trap first moves the focus off the subtask's button,
      // which this opening removed, to the dialog itself.
      requestAnimationFrame(() => {
        formRef.current?.querySelector<HTMLInputElement>("#task-title")?.focus();
        const dialog = formRef.current?.closest<HTMLElement>('[role="dialog"]');
        if (dialog) dialog.scrollTop = 0;
      });
    }
  }, [open, state, task, reset, setValue, setError, timeZone, newTaskProject]);

  // Esc, the close button, a click outside and Cancel all come here, and so does opening another
  // task from this one: unsaved edits are not dropped without asking.
  const leave = (then: () => void) => (isDirty ? setDiscardThen({ then }) : then());
  const requestClose = () => leave(editor.close);
  const openOther = (other: Task) =>
    leave(() => {
      switched.current = true;
      switchTask(other);
    });

  const onSubmit = handleSubmit((v) => {
    if (readOnly) return editor.close();
    // A half-typed day or time reads as "" (none): saving would drop the due without a word.
    const halfTyped = (id: string) =>
      (document.getElementById(id) as HTMLInputElement | null)?.validity.badInput;
    if (halfTyped("task-due-day"))
      return setError("dueDay", { message: DAY_NOT_WHOLE }, { shouldFocus: true });
    if (halfTyped("task-due-time"))
      return setError("dueTime", { message: TIME_NOT_WHOLE }, { shouldFocus: true });
    // Saves are optimistic and the dialog closes at once: a refusal gives the form back. Of an
    // edit only what the user changed goes back (the rest is shown as it is by then); a new task
    // goes back whole, with the day and project it started with.
    const edited = Object.fromEntries(
      Object.entries(v).filter(([name]) => name in dirtyFields),
    ) as Partial<TaskFormValues>;
    const onRefused = giveBackOnRefusal(task, task ? edited : v);
    if (task) {
      const patch = diffTask(task, v, timeZone);
      if (Object.keys(patch).length) update.mutate({ task, patch, onRefused });
    } else {
      create.mutate({
        key: newIdempotencyKey(),
        onRefused,
        body: {
          title: v.title.trim(),
          description: v.description.trim() ? v.description : null,
          status: v.status,
          priority: v.priority,
          ...dueForCreate(v, timeZone),
          labels: v.labels,
          ...(v.projectId && { project_id: v.projectId }),
        },
      });
    }
    editor.close();
  });

  // Ctrl/Cmd+Enter saves from any field, the description included (where Enter is a new line).
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void onSubmit();
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && requestClose()}
      title={readOnly ? "Task" : task ? "Edit task" : "New task"}
    >
      {task?.parent_id && (
        <ParentLink task={task} parentId={task.parent_id} readOnly={readOnly} onOpen={openOther} />
      )}
      <form
        ref={formRef}
        onSubmit={onSubmit}
        onKeyDown={onKeyDown}
        noValidate
        className="space-y-4"
      >
        {errors.root?.server && (
          <p
            role="alert"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/40 dark:text-red-300"
          >
            {errors.root.server.message}
          </p>
        )}
        {readOnly && (
          <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            You can view this project: only its owner and editors can change its tasks.
          </p>
        )}
        {/* Disabled as a whole for a viewer: every field shows its value, none takes input. */}
        <fieldset disabled={readOnly} className="min-w-0 space-y-4">
          <Field id="task-title" label="Title" error={errors.title?.message}>
            <Input
              id="task-title"
              autoFocus={!dueFirst}
              aria-invalid={!!errors.title}
              {...register("title")}
            />
          </Field>
          <Field id="task-description" label="Description" error={errors.description?.message}>
            <textarea
              id="task-description"
              rows={3}
              className="focus:border-brand-500 focus:ring-brand-500/20 w-full resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900"
              placeholder="Notes, links, details…"
              {...register("description")}
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field id="task-priority" label="Priority">
              <select id="task-priority" className={selectCls} {...register("priority")}>
                {[...PRIORITIES].reverse().map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABEL[p]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="task-status" label="Status">
              <select id="task-status" className={selectCls} {...register("status")}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABEL[s]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <Suspense fallback={null}>
            <ProjectField task={task} field={register("projectId")} />
          </Suspense>
          <div className="grid grid-cols-2 gap-3">
            {/* min/max: the API's range, so the picker offers no day it would refuse. */}
            <LabelledInput
              id="task-due-day"
              label="Due day"
              type="date"
              min={FIRST_DUE_DAY}
              max={LAST_DUE_DAY}
              autoFocus={dueFirst}
              error={errors.dueDay?.message}
              {...register("dueDay")}
            />
            <LabelledInput
              id="task-due-time"
              label="Time (optional)"
              type="time"
              error={errors.dueTime?.message}
              {...register("dueTime")}
            />
          </div>
          <Controller
            control={control}
            name="recurrence"
            render={({ field }) => (
              <RepeatField
                id="task-repeat"
                value={field.value}
                onChange={field.onChange}
                dueDay={dueDay}
                error={errors.recurrence?.message}
              />
            )}
          />
          <Field id="task-labels" label="Labels" error={errors.labels?.message}>
            <Controller
              control={control}
              name="labels"
              render={({ field }) => (
                <LabelInput
                  id="task-labels"
                  value={field.value}
                  onChange={field.onChange}
                  suggestions={labels.data ?? []}
                />
              )}
            />
          </Field>
        </fieldset>
        {task && (
          <Suspense fallback={null}>
            <AssigneeField task={task} />
          </Suspense>
        )}
        <div className="flex flex-wrap items-center justify-between gap-2 pt-2">
          {task && !readOnly ? (
            <div className="flex gap-1">
              <Button
                variant="ghost"
                className="text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-950/40"
                onClick={() => {
                  editor.close();
                  remove(task);
                }}
              >
                Delete
              </Button>
              {task.recurrence && task.status !== "done" && (
                <Button
                  variant="ghost"
                  title="Move it to its next occurrence without completing this one"
                  onClick={() => {
                    editor.close();
                    void import("./skip").then((m) => m.skipOccurrence(qc, task, timeZone));
                  }}
                >
                  {/* Which occurrence: the editor may have been opened from a later one. */}
                  Skip {occurrenceName(task, timeZone)}
                </Button>
              )}
            </div>
          ) : (
            <span />
          )}
          <div className="ml-auto flex gap-2">
            <Button variant="secondary" onClick={requestClose}>
              {readOnly ? "Close" : "Cancel"}
            </Button>
            {!readOnly && <Button type="submit">{task ? "Save" : "Add task"}</Button>}
          </div>
        </div>
      </form>
      {task && !task.parent_id && !task.id.startsWith("temp-") && (
        <TaskSubtasks
          key={`subtasks-${task.id}`}
          task={task}
          readOnly={readOnly}
          onOpen={openOther}
        />
      )}
      {task && <TaskReminders key={task.id} task={task} />}
      {task && (
        <Suspense fallback={null}>
          <div className="mt-6">
            <TaskAttachments taskId={task.id} readOnly={readOnly} />
          </div>
          <TaskActivity task={task} readOnly={readOnly} />
        </Suspense>
      )}
      <Dialog
        open={discardThen !== null}
        onOpenChange={(o) => !o && setDiscardThen(null)}
        alert
        title="Discard your changes?"
        description="The edits you made in this form have not been saved."
      >
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" autoFocus onClick={() => setDiscardThen(null)}>
            Keep editing
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setDiscardThen(null);
              discardThen?.then();
            }}
          >
            Discard changes
          </Button>
        </div>
      </Dialog>
    </Dialog>
  );
}
