/**
 * Keyboard focus across task rows and board cards: j/k walk them in reading order, and a card
 * moved to another column (which remounts there) takes the focus back once it appears.
 */
const CARD = "[data-task-id]";
export const EDIT = 'button[aria-label^="Edit “"]';

let pendingFocus: string | null = null;

/** Ask the row or card of `id` to take the focus when it next mounts. */
export function focusWhenMounted(id: string): void {
  pendingFocus = id;
}

/** Called by a mounting card: whether it should take the focus (once). */
export function claimFocus(id: string): boolean {
  if (pendingFocus !== id) return false;
  pendingFocus = null;
  return true;
}

/** Focus the next (delta 1) or previous (-1) task in document order, starting at the focused one. */
export function moveTaskFocus(delta: 1 | -1, root: ParentNode = document): void {
  // Not the rows a folded calendar day hides: they cannot take the focus.
  const items = [...root.querySelectorAll<HTMLElement>(CARD)].filter(
    (el) => el.querySelector(EDIT) && (el.checkVisibility?.() ?? true),
  );
  if (!items.length) return;
  const current = items.findIndex((el) => el.contains(document.activeElement));
  const next =
    current < 0
      ? delta > 0
        ? 0
        : items.length - 1
      : Math.min(items.length - 1, Math.max(0, current + delta));
  items[next]!.querySelector<HTMLElement>(EDIT)!.focus();
}
