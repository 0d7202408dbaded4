/**
 * The list in the manual order (`sort=position`) with drag reordering: pointer (anywhere on the
 * row), touch (long press) and keyboard (the grip: Space, ↑/↓, Space). A lazy chunk: the list
 * loads it only when sorted manually, so the first route keeps its byte budget.
 */
import { closestCenter, DndContext, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, type ReactNode } from "react";
import type { Task } from "@/api/types";
import { DragHandle } from "./DragHandle";
import { useSortableTask, useTaskDragSensors } from "./dragSensors";
import { dropMove, moveInOrder } from "./reorder";
import type { RowDrag } from "./TaskItem";
import { rowKey } from "./createdTasks";

function SortableRow({
  task,
  render,
}: {
  task: Task;
  render: (task: Task, drag?: RowDrag) => ReactNode;
}) {
  // A task not saved yet moves too: the move waits behind its create (reorder.ts).
  const { setNodeRef, isDragging, style, pointerListeners, grip } = useSortableTask({
    id: task.id,
  });
  return render(task, {
    ref: setNodeRef,
    style,
    listeners: pointerListeners,
    dragging: isDragging,
    handle: (
      <DragHandle
        {...grip}
        verb="Reorder"
        title={task.title}
        className="-ml-1 cursor-grab active:cursor-grabbing"
      />
    ),
  });
}

export default function SortableTaskList({
  tasks,
  render,
  label = "Tasks",
}: {
  tasks: readonly Task[];
  render: (task: Task, drag?: RowDrag) => ReactNode;
  /** The list's accessible name. */
  label?: string;
}) {
  const qc = useQueryClient();
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const sensors = useTaskDragSensors();
  const title = (id: unknown) => tasks.find((t) => t.id === id)?.title ?? "task";
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const task = tasks.find((t) => t.id === active.id);
    const target = over && dropMove(ids, String(active.id), String(over.id));
    if (task && target) void moveInOrder(qc, ids, task, target);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements: {
          onDragStart: ({ active }) => `Picked up ${title(active.id)}.`,
          onDragOver: ({ active, over }) =>
            over
              ? `${title(active.id)} is at position ${ids.indexOf(String(over.id)) + 1} of ${ids.length}.`
              : `${title(active.id)} is not over the list.`,
          onDragEnd: ({ active, over }) =>
            over
              ? `${title(active.id)} dropped at position ${ids.indexOf(String(over.id)) + 1} of ${ids.length}.`
              : `${title(active.id)} dropped.`,
          onDragCancel: ({ active }) => `Moving ${title(active.id)} cancelled.`,
        },
      }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <ul aria-label={label}>
          {tasks.map((t) => (
            <SortableRow key={rowKey(t.id)} task={t} render={render} />
          ))}
        </ul>
      </SortableContext>
    </DndContext>
  );
}
