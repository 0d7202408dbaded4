import { useQueryClient } from "@tanstack/react-query";
import { CalendarCheck, Check, Plus } from "lucide-react";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { Task } from "@/api/types";
import { editor } from "@/features/tasks/editor";
import { ParentTitles, QueryLoadError, TaskItem, useParentTitles } from "@/features/tasks/views";
import { Button, EmptyState } from "@/ui/primitives";
import { Loading } from "@/ui/LoadStates";
import { useTimeZone, useToday } from "./api";
import { usePlannerKeys } from "./keys";
import { PlannerTabs } from "./PlannerTabs";
import { longDay } from "./days";

function Group({
  id,
  title,
  tasks,
  action,
}: {
  id: string;
  title: string;
  tasks: Task[];
  action?: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="mt-5">
      <div className="mb-1.5 flex items-center justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold text-zinc-600 dark:text-zinc-400">
          {title} <span className="font-normal">({tasks.length})</span>
        </h2>
        {action}
      </div>
      <ul aria-label={title}>
        {tasks.map((t) => (
          <TaskItem key={t.id} task={t} />
        ))}
      </ul>
    </section>
  );
}

/** Overdue's "Move all to today" (planner/overdue.ts): off while its bulk is on its way. */
function MoveOverdueToToday({ overdue }: { overdue: Task[] }) {
  const qc = useQueryClient();
  const timeZone = useTimeZone();
  const [moving, setMoving] = useState(false);
  const move = async () => {
    setMoving(true);
    try {
      const { moveOverdueToToday } = await import("./overdue");
      await moveOverdueToToday(qc, overdue, timeZone);
    } finally {
      setMoving(false); // also when its chunk did not load: the button works again
    }
  };
  return (
    <Button variant="ghost" size="sm" disabled={moving} onClick={() => void move()}>
      <CalendarCheck className="size-4" aria-hidden="true" /> Move all to today
      <span className="sr-only"> ({overdue.length} overdue)</span>
    </Button>
  );
}

/** Overdue and due today, in the user's zone (`GET /tasks/today`); the list's rows, in place. */
export default function TodayPage() {
  const today = useToday();
  const data = today.data;
  const shown = useMemo(() => (data ? [...data.overdue, ...data.today] : []), [data]);
  usePlannerKeys(shown);
  const parentTitles = useParentTitles(shown);
  // New tasks started here (n, New task, the palette) are due today, as with "Add task".
  const date = data?.date;
  useEffect(() => {
    editor.setPageDueDay(date);
    return () => editor.setPageDueDay(undefined);
  }, [date]);

  return (
    <ParentTitles.Provider value={parentTitles}>
      <div className="mx-auto w-full max-w-3xl px-4 py-5 sm:px-8 sm:py-8">
        <PlannerTabs />
        <div className="flex items-baseline justify-between">
          <h1 className="text-2xl font-bold tracking-tight">Today</h1>
          {data && <p className="text-sm text-zinc-600 dark:text-zinc-400">{longDay(data.date)}</p>}
        </div>
        {today.isPending ? (
          <Loading label="Loading today’s tasks" />
        ) : today.isError ? (
          <QueryLoadError title="Couldn’t load today’s tasks" query={today} />
        ) : (
          <>
            {data!.overdue.length > 0 && (
              <Group
                id="today-overdue"
                title="Overdue"
                tasks={data!.overdue}
                action={<MoveOverdueToToday overdue={data!.overdue} />}
              />
            )}
            {data!.today.length > 0 ? (
              <Group id="today-due" title="Due today" tasks={data!.today} />
            ) : (
              <EmptyState
                icon={<Check className="size-6" aria-hidden="true" />}
                title="Nothing due today"
              >
                Tasks due today, in your time zone ({data!.time_zone}), show up here.
              </EmptyState>
            )}
            <Button
              variant="ghost"
              size="sm"
              className="mt-2"
              onClick={() => editor.openNew(data!.date)}
            >
              <Plus className="size-4" aria-hidden="true" /> Add task
              <span className="sr-only"> due today</span>
            </Button>
          </>
        )}
      </div>
    </ParentTitles.Provider>
  );
}
