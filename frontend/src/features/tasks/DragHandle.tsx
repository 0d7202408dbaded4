import type { DraggableAttributes } from "@dnd-kit/core";
import { GripVertical } from "lucide-react";
import { cn } from "@/lib/cn";

/**
 * The grip a keyboard drags a task by (Space, arrows, Space). A pointer drags the whole card or
 * row, so the grip takes only dnd-kit's keyboard listener and no control nests in another.
 */
export function DragHandle({
  attributes,
  onKeyDown,
  verb,
  title,
  className,
}: {
  attributes: DraggableAttributes;
  onKeyDown: ((event: unknown) => void) | undefined;
  /** What dragging does here: "Move" (between board columns) or "Reorder" (in the list). */
  verb: string;
  title: string;
  className?: string;
}) {
  return (
    <span
      {...attributes}
      {...(onKeyDown ? { onKeyDown } : {})}
      aria-roledescription="draggable task"
      aria-label={`${verb} “${title}”. Press space to pick up, arrows to move, space to drop.`}
      className={cn(
        "rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:text-zinc-500 dark:hover:bg-zinc-800 dark:hover:text-zinc-300",
        className,
      )}
    >
      <GripVertical className="size-4" aria-hidden="true" />
    </span>
  );
}
