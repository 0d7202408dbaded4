import { DndContext, useDroppable } from "@dnd-kit/core";
import { useMemo, type ReactNode } from "react";
import { ParentTitles, QueryLoadError, useParentTitles } from "@/features/tasks/views";
import { cn } from "@/lib/cn";
import { Loading } from "@/ui/LoadStates";
import { AddOnDay } from "./AddOnDay";
import { AgendaRow, RepeatRow } from "./AgendaRow";
import { PlannerTabs } from "./PlannerTabs";
import { repeatsByDay, UPCOMING_DAYS, type Occurrence } from "./agenda";
import { useAgenda, useAgendaKeys } from "./agendaQuery";
import { useTimeZone } from "./api";
import { addDays, dayLabel, localToday } from "./dayMath";
import { longDay } from "./days";
import { useAgendaMoves } from "./drag";

function Day({
  date,
  today,
  children,
  empty,
}: {
  date: string;
  today: string;
  children: ReactNode;
  empty: boolean;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: date });
  const label = dayLabel(date, today);
  return (
    <section
      ref={setNodeRef}
      aria-labelledby={`day-${date}`}
      data-day={date}
      className={cn("group rounded-lg px-2 py-2", isOver && "bg-brand-50 dark:bg-brand-600/15")}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 id={`day-${date}`} className="text-sm font-semibold">
          {label}
          {label !== longDay(date) && (
            <span className="ml-1 font-normal text-zinc-600 dark:text-zinc-400">
              {longDay(date)}
            </span>
          )}
        </h2>
        <AddOnDay day={date} />
      </div>
      {empty ? (
        <p className="py-2 text-xs text-zinc-600 dark:text-zinc-400">Nothing due</p>
      ) : (
        <ul aria-label={`Due ${label}`}>{children}</ul>
      )}
    </section>
  );
}

/** The next 14 days from `GET /tasks/agenda`, a heading per day; drag (or "Move to") reschedules. */
export default function UpcomingPage() {
  const timeZone = useTimeZone();
  const today = localToday(timeZone);
  const to = addDays(today, UPCOMING_DAYS - 1);
  const agenda = useAgenda(today, to);
  useAgendaKeys(agenda.data);
  const { move, dnd } = useAgendaMoves(
    today,
    to,
    timeZone,
    (day) => dayLabel(day, today),
    "With the keyboard, use its Move to menu.",
  );
  const days = useMemo(
    () => Array.from({ length: UPCOMING_DAYS }, (_, i) => addDays(today, i)),
    [today],
  );

  const agendaTasks = useMemo(() => agenda.data?.days.flatMap((d) => d.tasks) ?? [], [agenda.data]);
  const parentTitles = useParentTitles(agendaTasks);

  const repeatsOn = useMemo(
    () => (agenda.data ? repeatsByDay(agenda.data) : new Map<string, Occurrence[]>()),
    [agenda.data],
  );

  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-5 sm:px-8 sm:py-8">
      <PlannerTabs />
      <h1 className="text-2xl font-bold tracking-tight">Upcoming</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        The next {UPCOMING_DAYS} days. Drag a task to another day, or use its “Move to” menu.
      </p>
      {agenda.isPending ? (
        <Loading label="Loading the next two weeks" />
      ) : agenda.isError ? (
        <QueryLoadError title="Couldn’t load the agenda" query={agenda} />
      ) : (
        <DndContext {...dnd}>
          <ParentTitles.Provider value={parentTitles}>
            <div className="mt-4 space-y-2">
              {agenda.data.days.map((d) => {
                const repeats = repeatsOn.get(d.date) ?? [];
                return (
                  <Day
                    key={d.date}
                    date={d.date}
                    today={today}
                    empty={d.tasks.length === 0 && repeats.length === 0}
                  >
                    {d.tasks.map((t) => (
                      <AgendaRow
                        key={t.id}
                        task={t}
                        day={d.date}
                        days={days}
                        today={today}
                        timeZone={timeZone}
                        onMove={(task, day) => move(task, d.date, day)}
                      />
                    ))}
                    {repeats.map((r) => (
                      <RepeatRow
                        key={`repeat-${r.task.id}`}
                        occurrence={r}
                        day={d.date}
                        today={today}
                        timeZone={timeZone}
                      />
                    ))}
                  </Day>
                );
              })}
            </div>
          </ParentTitles.Provider>
        </DndContext>
      )}
    </div>
  );
}
