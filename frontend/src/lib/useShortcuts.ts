import { useCallback, useEffect } from "react";

export const typingTarget = (el: EventTarget | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

/** The open modal dialog or alert dialog, if any: page shortcuts stay quiet while one is up. */
const openDialog = () =>
  document.querySelector("[role=dialog][data-state=open], [role=alertdialog]");

/** Listens to keydown on the whole window while mounted; a new `onKey` replaces the old one. */
function useWindowKeyDown(onKey: (e: KeyboardEvent) => void): void {
  useEffect(() => {
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onKey]);
}

/** Ctrl/Cmd with `key` and no other modifier, not handled yet: Ctrl+Shift+Z is not Ctrl+Z. */
const ctrlOrCmdWith = (e: KeyboardEvent, key: string) =>
  !e.defaultPrevented &&
  (e.ctrlKey || e.metaKey) &&
  !e.shiftKey &&
  !e.altKey &&
  e.key.toLowerCase() === key;

/** "g", then within a second the key naming a page: "g t" is Today, not "t" (due today). */
const GO = "g";
let goPressedAt = -Infinity;
/** Each key press's name, worked out by the first listener: every map reads the same one. */
const names = new WeakMap<KeyboardEvent, string>();

function shortcutName(e: KeyboardEvent): string {
  let name = names.get(e);
  if (name === undefined) {
    // With Alt held only an explicit "Alt+<key>" entry answers (Alt+↑ is not ↑).
    name = e.altKey ? `Alt+${e.key}` : e.key;
    if (e.timeStamp - goPressedAt < 1000) name = `${GO} ${name}`;
    goPressedAt = name === GO ? e.timeStamp : -Infinity;
    names.set(e, name);
  }
  return name;
}

/**
 * Shortcuts that stay out of the way while typing or in dialogs: single keys ("n", "/", "?",
 * "Alt+ArrowUp") and "g <key>" (the key after "g"; that key's own shortcut does not answer).
 */
export function useShortcuts(map: Record<string, (e: KeyboardEvent) => void>): void {
  useWindowKeyDown(
    useCallback(
      (e: KeyboardEvent) => {
        if (e.defaultPrevented || e.ctrlKey || e.metaKey) return;
        if (typingTarget(e.target)) return;
        if (openDialog()) return;
        const name = shortcutName(e);
        const handler = map[name];
        if (handler || name === GO) e.preventDefault();
        handler?.(e);
      },
      [map],
    ),
  );
}

/**
 * Ctrl/Cmd+Z outside text fields (where it keeps undoing typing) and outside dialogs. `onUndo`
 * answers whether there was something to undo; only then is the browser's own undo suppressed.
 */
export function useUndoKey(onUndo: () => boolean): void {
  useWindowKeyDown(
    useCallback(
      (e: KeyboardEvent) => {
        if (!ctrlOrCmdWith(e, "z") || typingTarget(e.target) || openDialog()) return;
        if (onUndo()) e.preventDefault();
      },
      [onUndo],
    ),
  );
}

/**
 * Ctrl/Cmd+K, the command palette's key: it answers in text fields too (as in most apps with a
 * palette), but not over another dialog; over the palette itself it closes it.
 */
export function usePaletteKey(toggle: () => void): void {
  useWindowKeyDown(
    useCallback(
      (e: KeyboardEvent) => {
        if (!ctrlOrCmdWith(e, "k")) return;
        const open = openDialog();
        if (open && !open.hasAttribute("data-command-palette")) return;
        e.preventDefault(); // the browser's own Ctrl+K focuses its address bar
        toggle();
      },
      [toggle],
    ),
  );
}
