import { fireEvent, render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { usePaletteKey } from "./useShortcuts";

function Host({ toggle }: { toggle: () => void }) {
  usePaletteKey(toggle);
  return <input aria-label="Search tasks" />;
}

function openDialog(palette: boolean) {
  const el = document.createElement("div");
  el.setAttribute("role", "dialog");
  el.dataset.state = "open";
  if (palette) el.setAttribute("data-command-palette", "");
  document.body.append(el);
  return el;
}

describe("Ctrl/Cmd+K", () => {
  it("toggles the palette, from a text field too, with Ctrl or Cmd", () => {
    const toggle = vi.fn();
    const { getByLabelText } = render(<Host toggle={toggle} />);
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    fireEvent.keyDown(getByLabelText("Search tasks"), { key: "K", metaKey: true });
    expect(toggle).toHaveBeenCalledTimes(2);
    // Over the palette itself it closes it.
    const palette = openDialog(true);
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    palette.remove();
    expect(toggle).toHaveBeenCalledTimes(3);
  });

  it("is not k alone, Ctrl+Shift+K, or Ctrl+K over another dialog", () => {
    const toggle = vi.fn();
    render(<Host toggle={toggle} />);
    fireEvent.keyDown(window, { key: "k" });
    fireEvent.keyDown(window, { key: "K", ctrlKey: true, shiftKey: true });
    const other = openDialog(false);
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    other.remove();
    expect(toggle).not.toHaveBeenCalled();
  });
});
