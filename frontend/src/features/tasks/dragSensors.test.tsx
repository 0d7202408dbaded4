import { DndContext } from "@dnd-kit/core";
import { SortableContext } from "@dnd-kit/sortable";
import { renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { useSortableTask, useTaskDragSensors } from "./dragSensors";

function Sortable({ children }: { children: ReactNode }) {
  const sensors = useTaskDragSensors();
  return (
    <DndContext sensors={sensors}>
      <SortableContext items={["t1"]}>{children}</SortableContext>
    </DndContext>
  );
}

describe("useSortableTask", () => {
  it("gives the keyboard listener to the grip and only the pointer ones to the row", () => {
    const { result } = renderHook(() => useSortableTask({ id: "t1" }), { wrapper: Sortable });
    const { grip, pointerListeners } = result.current;
    expect(grip.onKeyDown).toBeTypeOf("function");
    expect(grip.attributes.role).toBe("button");
    expect(pointerListeners).not.toHaveProperty("onKeyDown");
    expect(Object.keys(pointerListeners).length).toBeGreaterThan(0);
  });

  it("starts still: no transform, not dragging", () => {
    const { result } = renderHook(() => useSortableTask({ id: "t1" }), { wrapper: Sortable });
    expect(result.current.isDragging).toBe(false);
    expect(result.current.style.transform).toBeUndefined();
  });

  it("gives no listeners at all while disabled", () => {
    const { result } = renderHook(() => useSortableTask({ id: "t1", disabled: true }), {
      wrapper: Sortable,
    });
    expect(result.current.grip.onKeyDown).toBeUndefined();
    expect(result.current.pointerListeners).toEqual({});
  });
});
