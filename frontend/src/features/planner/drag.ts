import {
  PointerSensor,
  TouchSensor,
  useDraggable,
  useSensor,
  useSensors,
  type DndContextProps,
  type DragEndEvent,
} from "@dnd-kit/core";
import { useQueryClient } from "@tanstack/react-query";
import type { Task } from "@/api/types";
import { applyPatch, useUpdateTask } from "@/features/tasks/views";
import { moveInAgenda } from "./agenda";
import { plannerKeys, type Agenda } from "./api";
import { rescheduleTo } from "./reschedule";

/** What a dragged task carries: the task and the day it is on. */
export type DraggedTask = { task: Task; day: string };

/**
 * Moving tasks between the days of the agenda `from`..`to` (Upcoming, the Calendar): by drag
 * (pointer, or touch after a short press) or by `move` (a menu). Optimistic: the cached agenda
 * changes at once; the last task write to settle invalidates ["planner"] (resync in
 * tasks/mutations.ts), so the server's answer replaces it.
 * `keyboardWay` ends the description a screen reader gives a draggable task: dnd-kit's own tells
 * of the space bar, which does nothing here (see `usePointerDrag`).
 */
export function useAgendaMoves(
  from: string,
  to: string,
  timeZone: string,
  dayName: (day: string) => string,
  keyboardWay: string,
) {
  const qc = useQueryClient();
  const update = useUpdateTask();
  const sensors = useSensors(
    // A click (under 6 px of movement) still opens the task; a drag moves it.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
  );
  const move = (task: Task, fromDay: string, day: string) => {
    if (day === fromDay) return;
    const key = plannerKeys.agenda(from, to);
    // A read of the agenda already on its way was answered without this move: dropped (the
    // cache goes back to what it held), or it would put the task back on its old day.
    void qc.cancelQueries({ queryKey: key });
    // The task as shown, moved before maybe (a row not yet rendered again holds the older copy):
    // the next move is based on it, so the 412 merge sees the user's own moves, not a conflict.
    const shown =
      qc
        .getQueryData<Agenda>(key)
        ?.days.flatMap((d) => d.tasks)
        .find((t) => t.id === task.id) ?? task;
    const patch = rescheduleTo(shown, day, timeZone);
    qc.setQueryData<Agenda>(key, (a) => (a ? moveInAgenda(a, applyPatch(shown, patch), day) : a));
    update.mutate({ task: shown, patch });
  };
  const dragged = (data: unknown) => (data as DraggedTask | undefined)?.task;
  const dnd: DndContextProps = {
    sensors,
    onDragEnd: ({ active, over }: DragEndEvent) => {
      const data = active.data.current as DraggedTask | undefined;
      if (data && over) move(data.task, data.day, String(over.id));
    },
    accessibility: {
      screenReaderInstructions: {
        draggable: `Drag with a mouse, or press and hold on a touch screen, to move this task to another day. ${keyboardWay}`,
      },
      announcements: {
        onDragStart: ({ active }) => `Picked up ${dragged(active.data.current)?.title}.`,
        onDragOver: ({ over }) => (over ? `Over ${dayName(String(over.id))}.` : "Not over a day."),
        onDragEnd: ({ over }) => (over ? `Moved to ${dayName(String(over.id))}.` : "Dropped."),
        onDragCancel: () => "Move cancelled.",
      },
    },
  };
  return { move, dnd };
}

/**
 * A task that pointer and touch drag (to a day). The keyboard moves tasks another way (a menu,
 * the editor), so dnd-kit's key handling and the button role it would put on the element stay
 * off: the element keeps its own semantics and holds a real button. `dragProps` go on the element.
 */
export function usePointerDrag(id: string, data: DraggedTask, disabled = false) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id, data, disabled });
  const { onKeyDown: _keys, ...pointer } = (listeners ?? {}) as Record<string, unknown>;
  void _keys;
  const { role: _role, tabIndex: _tab, ...described } = attributes;
  void _role;
  void _tab;
  return { setNodeRef, dragProps: disabled ? {} : { ...pointer, ...described }, isDragging };
}
