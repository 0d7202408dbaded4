import { KeyboardSensor, PointerSensor, TouchSensor, useSensor, useSensors } from "@dnd-kit/core";
import {
  sortableKeyboardCoordinates,
  useSortable,
  type UseSortableArguments,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";

/**
 * How a task is picked up in the sortable list and on the board: a pointer once it moves 6 px (a
 * click stays a click), a touch after a 200 ms press that moves under 8 px, the keyboard on the
 * grip (Space, then the arrows).
 */
export function useTaskDragSensors() {
  return useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
}

/**
 * dnd-kit's useSortable for a task card or row that a pointer drags from anywhere and the keyboard
 * only from its grip, so no control nests in another: `pointerListeners` go on the row, `grip` on
 * its DragHandle.
 */
export function useSortableTask(args: UseSortableArguments) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } =
    useSortable(args);
  const { onKeyDown, ...pointerListeners } = (listeners ?? {}) as Record<
    string,
    (e: unknown) => void
  >;
  return {
    setNodeRef,
    isDragging,
    style: { transform: CSS.Translate.toString(transform), transition },
    pointerListeners,
    grip: { attributes, onKeyDown },
  };
}
