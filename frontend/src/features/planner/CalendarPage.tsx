import {
  DndContext,
  MeasuringStrategy,
  pointerWithin,
  useDndContext,
  useDndMonitor,
  useDroppable,
} from "@dnd-kit/core";
import { ChevronLeft, ChevronRight, Repeat } from "lucide-react";
import { useContext, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { errorMessage } from "@/api/problem";
import type { Task } from "@/api/types";
import { cn } from "@/lib/cn";
import { AuthContext } from "@/features/auth/context";
import { PRIORITY_LABEL, PRIORITY_RING, RepeatMark, useOpenTask } from "@/features/tasks/views";
import { Button, Spinner } from "@/ui/primitives";
import { LoadError } from "@/ui/LoadStates";
import { AddOnDay } from "./AddOnDay";
import { PlannerTabs } from "./PlannerTabs";
import { repeatsByDay, type Occurrence } from "./agenda";
import { useAgenda, useAgendaKeys } from "./agendaQuery";
import { useTimeZone } from "./api";
import { useAgendaMoves, usePointerDrag } from "./drag";
import { localToday } from "./dayMath";
import { longDay } from "./days";
import { monthGrid, monthLabel, monthRange, shiftMonth, weekdayNames, weekStartDay } from "./month";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A day with more tasks than FOLD_AT shows FOLDED of them and a "+N more" button (not a phone). */
const FOLD_AT = 4;
const FOLDED = 3;

/**
 * A task in a day's cell: opens its editor; dragged onto another day, moves there. Its ring has
 * the priority's colour, as the lists' and Upcoming's complete buttons; a task due on a past day
 * is red (overdue); the whole title shows on hover. A later occurrence of a repeating task is
 * muted and stays put (only the task's own due moves).
 */
function TaskChip({
  task,
  day,
  testId,
  label,
  overdue = false,
  repeat = false,
  folded = false,
}: {
  task: Task;
  day: string;
  testId: string;
  label: string;
  overdue?: boolean;
  repeat?: boolean;
  /** Hidden behind its day's "+N more" (from sm up: a phone lists every task). */
  folded?: boolean;
}) {
  const openTask = useOpenTask();
  // As in Upcoming; the keyboard opens the editor to move it. Repeats stay put.
  const { setNodeRef, dragProps, isDragging } = usePointerDrag(
    repeat ? `repeat-${day}-${task.id}` : task.id,
    { task, day },
    repeat,
  );
  return (
    <li
      ref={setNodeRef}
      {...dragProps}
      // On the row, as in the lists: j/k and the task keys find a task by it.
      data-task-id={task.id}
      data-repeat={repeat || undefined}
      className={cn(
        !repeat && "cursor-grab touch-manipulation",
        isDragging && "opacity-60",
        folded && "sm:hidden",
      )}
    >
      <button
        type="button"
        onClick={() => openTask(task)}
        className={cn(
          "flex w-full items-center gap-1 rounded px-1 py-0.5 text-left text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800",
          repeat && "text-zinc-600 dark:text-zinc-400",
          overdue && "text-red-700 dark:text-red-400",
        )}
        data-testid={testId}
        aria-label={label}
        title={`${task.title} (${PRIORITY_LABEL[task.priority]}${overdue ? ", overdue" : ""})`}
      >
        {repeat ? (
          <Repeat className="size-3 shrink-0" aria-hidden="true" />
        ) : (
          <span
            className={cn("size-2.5 shrink-0 rounded-full border-2", PRIORITY_RING[task.priority])}
            aria-hidden="true"
          />
        )}
        <span className="truncate">{task.title}</span>
        {!repeat && task.recurrence && (
          <RepeatMark rule={task.recurrence} className="size-3 shrink-0" />
        )}
      </button>
    </li>
  );
}

/** A day of the month: where its tasks are, and where a dragged task can be dropped. */
function DayCell({
  day,
  today,
  tasks,
  repeats,
  focusedTask,
}: {
  day: string;
  today: string;
  tasks: Task[];
  repeats: Occurrence[];
  /** The task whose chip has (or had, until it moved) the focus: a folded day does not hide it. */
  focusedTask: string | null;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: day });
  // A phone lists only the days with tasks, and every day while a task is dragged: any day can
  // take it.
  const dragging = useDndContext().active !== null;
  // A busy day folds, so that its week keeps the height of the others; the button unfolds it,
  // and so does a task dropped here (it goes last, where a folded day would hide it), or one
  // moved here from the keyboard (t), so that its chip keeps the focus.
  const [unfolded, setUnfolded] = useState(false);
  useDndMonitor({ onDragEnd: ({ over }) => over?.id === day && setUnfolded(true) });
  const count = tasks.length + repeats.length;
  const folds = count > FOLD_AT;
  if (folds && !unfolded && tasks.slice(FOLDED).some((t) => t.id === focusedTask)) {
    setUnfolded(true);
  }
  const hidden = (index: number) => folds && !unfolded && index >= FOLDED;
  return (
    <li
      ref={setNodeRef}
      data-day={day}
      className={cn(
        "group border-b border-zinc-200 p-1.5 max-sm:pb-2 sm:min-h-24 sm:border-r dark:border-zinc-800",
        count === 0 && !dragging && "max-sm:hidden",
        isOver && "bg-brand-50 dark:bg-brand-600/15",
      )}
    >
      <div className="flex items-center justify-between gap-1">
        <h2
          className={cn(
            "text-xs font-semibold",
            day === today
              ? "text-brand-700 dark:text-brand-400"
              : "text-zinc-600 dark:text-zinc-400",
          )}
        >
          <span className="sm:hidden">{longDay(day)}</span>
          <span className="max-sm:hidden">
            <span className="sr-only">{longDay(day)}</span>
            <span aria-hidden="true">{Number(day.slice(8))}</span>
          </span>
          {day === today && <span className="sr-only"> (today)</span>}
        </h2>
        <AddOnDay day={day} className="-my-1" />
      </div>
      {count > 0 && (
        <ul className="mt-1 space-y-0.5">
          {tasks.map((t, i) => (
            <TaskChip
              key={t.id}
              task={t}
              day={day}
              testId="calendar-task"
              label={`Edit “${t.title}”`}
              overdue={day < today}
              folded={hidden(i)}
            />
          ))}
          {/* Later occurrences of repeating tasks: where completing would roll them. */}
          {repeats.map(({ task: t }, i) => (
            <TaskChip
              key={`repeat-${t.id}`}
              task={t}
              day={day}
              testId="calendar-repeat"
              label={`“${t.title}” repeats on ${longDay(day)}: edit the task`}
              repeat
              folded={hidden(tasks.length + i)}
            />
          ))}
        </ul>
      )}
      {folds && (
        <button
          type="button"
          aria-expanded={unfolded}
          onClick={() => setUnfolded(!unfolded)}
          className="mt-0.5 rounded px-1 py-0.5 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 max-sm:hidden dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          {unfolded ? "Show fewer" : `+${count - FOLDED} more`}
          <span className="sr-only"> tasks on {longDay(day)}</span>
        </button>
      )}
    </li>
  );
}

/**
 * A month at a time from `GET /tasks/agenda` (≤ 62 days), `?month=YYYY-MM`, its weeks from the
 * user's first day.
 * Dragging a task onto another day reschedules it, as in Upcoming.
 */
export default function CalendarPage() {
  const timeZone = useTimeZone();
  const today = localToday(timeZone);
  const [params, setParams] = useSearchParams();
  const asked = params.get("month") ?? "";
  const month = MONTH.test(asked) ? asked : today.slice(0, 7);
  const { from, to } = monthRange(month);
  const agenda = useAgenda(from, to);
  const [focusedTask, setFocusedTask] = useState<string | null>(null);
  // Weeks start on the user's chosen day (Settings), else where the browser's language starts
  // them (Sunday in en-US): worked out once, not on each of a drag's many renders.
  const weekStart = useContext(AuthContext)?.user?.week_start;
  const firstDay = useMemo(() => weekStartDay(weekStart), [weekStart]);
  const weekdays = useMemo(() => weekdayNames(firstDay), [firstDay]);
  useAgendaKeys(agenda.data);
  const byDay = new Map<string, Task[]>(agenda.data?.days.map((d) => [d.date, d.tasks]) ?? []);
  const repeatsOn = agenda.data ? repeatsByDay(agenda.data) : new Map<string, Occurrence[]>();
  const { dnd } = useAgendaMoves(
    from,
    to,
    timeZone,
    longDay,
    "With the keyboard, open it and change its date.",
  );
  // Rendered at once (app/AppRouter.tsx): a second quick click goes on from the month shown.
  const go = (m: string) => setParams(m === today.slice(0, 7) ? {} : { month: m });
  const title = monthLabel(month);

  return (
    <div className="mx-auto w-full max-w-4xl px-4 py-5 sm:px-8 sm:py-8">
      <PlannerTabs />
      {/* One line down to 360 px ("September 2026"): the buttons never wrap, the title gives way. */}
      <div className="flex items-center gap-1 sm:gap-2">
        <h1 className="mr-auto min-w-0 truncate text-xl font-bold tracking-tight sm:text-2xl">
          {title}
        </h1>
        <Button variant="secondary" size="sm" onClick={() => go(today.slice(0, 7))}>
          Today
        </Button>
        <Button
          variant="ghost"
          size="icon"
          aria-label="Previous month"
          onClick={() => go(shiftMonth(month, -1))}
        >
          <ChevronLeft className="size-5" aria-hidden="true" />
        </Button>
        <Button
          variant="ghost"
          size="icon"
          aria-label="Next month"
          onClick={() => go(shiftMonth(month, 1))}
        >
          <ChevronRight className="size-5" aria-hidden="true" />
        </Button>
      </div>
      {agenda.isError ? (
        <LoadError title="Couldn’t load the calendar" message={errorMessage(agenda.error)} />
      ) : (
        <div className="relative mt-4" aria-busy={agenda.isFetching}>
          {agenda.isPending && (
            <div className="absolute inset-0 z-10 flex justify-center py-16">
              <Spinner label="Loading the month" />
            </div>
          )}
          <div
            className="grid border-b border-zinc-200 pb-1 text-xs font-semibold text-zinc-600 max-sm:hidden sm:grid-cols-7 dark:border-zinc-800 dark:text-zinc-400"
            aria-hidden="true"
            data-testid="calendar-weekdays"
          >
            {weekdays.map((w) => (
              <span key={w} className="px-2">
                {w}
              </span>
            ))}
          </div>
          {/* A list of days (a phone shows only the days with tasks), laid out as weeks. On a
              phone the empty days appear once a drag starts, moving the others: the days are
              measured all through a drag, and the day under the pointer takes the task. */}
          <DndContext
            {...dnd}
            collisionDetection={pointerWithin}
            measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
          >
            <ol
              aria-label={title}
              onFocus={(e) =>
                setFocusedTask(
                  e.target.closest<HTMLElement>("[data-task-id]:not([data-repeat])")?.dataset
                    .taskId ?? null,
                )
              }
              className="grid border-zinc-200 sm:grid-cols-7 sm:border-l dark:border-zinc-800"
            >
              {monthGrid(month, firstDay)
                .flat()
                .map((day, i) =>
                  // Days of the months around it: empty, shaded cells that close the grid.
                  day ? (
                    <DayCell
                      key={day}
                      day={day}
                      today={today}
                      tasks={byDay.get(day) ?? []}
                      repeats={repeatsOn.get(day) ?? []}
                      focusedTask={focusedTask}
                    />
                  ) : (
                    <li
                      key={`pad-${i}`}
                      aria-hidden="true"
                      className="border-r border-b border-zinc-200 bg-zinc-50 max-sm:hidden dark:border-zinc-800 dark:bg-zinc-900/40"
                    />
                  ),
                )}
            </ol>
          </DndContext>
        </div>
      )}
    </div>
  );
}
