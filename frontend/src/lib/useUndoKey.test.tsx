import { fireEvent, render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useShortcuts, useUndoKey } from "./useShortcuts";

function UndoHost({ onUndo }: { onUndo: () => boolean }) {
  useUndoKey(onUndo);
  return <input aria-label="Title" />;
}

/** Whether the browser's own handling of the key press was suppressed. */
const pressed = (target: Window | Element, init: KeyboardEventInit) =>
  !fireEvent.keyDown(target, { key: "z", ...init });

describe("Ctrl/Cmd+Z", () => {
  it("undoes with Ctrl or Cmd, and suppresses the browser's undo only when there was one", () => {
    const onUndo = vi.fn().mockReturnValueOnce(true).mockReturnValueOnce(false);
    render(<UndoHost onUndo={onUndo} />);
    expect(pressed(window, { ctrlKey: true })).toBe(true);
    expect(pressed(window, { key: "Z", metaKey: true })).toBe(false);
    expect(onUndo).toHaveBeenCalledTimes(2);
  });

  it("leaves Ctrl+Shift+Z, Ctrl+Alt+Z, a plain z and text fields alone", () => {
    const onUndo = vi.fn(() => true);
    const { getByLabelText } = render(<UndoHost onUndo={onUndo} />);
    pressed(window, { ctrlKey: true, shiftKey: true });
    pressed(window, { ctrlKey: true, altKey: true });
    pressed(window, {});
    pressed(getByLabelText("Title"), { ctrlKey: true });
    expect(onUndo).not.toHaveBeenCalled();
  });

  it("stops listening once unmounted", () => {
    const onUndo = vi.fn(() => true);
    const { unmount } = render(<UndoHost onUndo={onUndo} />);
    unmount();
    pressed(window, { ctrlKey: true });
    expect(onUndo).not.toHaveBeenCalled();
  });
});

function ShortcutHost({ map }: { map: Record<string, (e: KeyboardEvent) => void> }) {
  useShortcuts(map);
  return null;
}

describe("single-key shortcuts", () => {
  it("answers a key and an explicit Alt+key, but not the key with Ctrl or Alt held", () => {
    const n = vi.fn();
    const altUp = vi.fn();
    render(<ShortcutHost map={{ n, "Alt+ArrowUp": altUp }} />);
    fireEvent.keyDown(window, { key: "n" });
    fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    fireEvent.keyDown(window, { key: "n", altKey: true });
    fireEvent.keyDown(window, { key: "ArrowUp", altKey: true });
    expect(n).toHaveBeenCalledOnce();
    expect(altUp).toHaveBeenCalledOnce();
  });
});

describe("g, then a key", () => {
  it("answers “g t” and not “t” alone, in every listener; “g” itself is not passed on", () => {
    const goToday = vi.fn();
    const dueToday = vi.fn();
    render(
      <>
        <ShortcutHost map={{ t: dueToday }} />
        <ShortcutHost map={{ "g t": goToday }} />
      </>,
    );
    expect(fireEvent.keyDown(window, { key: "g" })).toBe(false); // preventDefault: nothing else
    fireEvent.keyDown(window, { key: "t" });
    expect(goToday).toHaveBeenCalledOnce();
    expect(dueToday).not.toHaveBeenCalled();

    fireEvent.keyDown(window, { key: "t" }); // the prefix is spent
    expect(dueToday).toHaveBeenCalledOnce();
    expect(goToday).toHaveBeenCalledOnce();
  });

  it("forgets “g” after a second", () => {
    const goToday = vi.fn();
    const dueToday = vi.fn();
    render(<ShortcutHost map={{ t: dueToday, "g t": goToday }} />);
    const pressAt = (key: string, at: number) => {
      const e = new KeyboardEvent("keydown", { key, cancelable: true });
      Object.defineProperty(e, "timeStamp", { value: at });
      window.dispatchEvent(e);
    };
    pressAt("g", 5_000);
    pressAt("t", 5_900);
    expect(goToday).toHaveBeenCalledOnce();
    pressAt("g", 8_000);
    pressAt("t", 9_200);
    expect(dueToday).toHaveBeenCalledOnce();
    expect(goToday).toHaveBeenCalledOnce();
  });
});
