/**
 * One undo stack for every task change (complete, move, edit, delete, bulk). An entry knows
 * how to revert itself through the API; the toast's "Undo" and Ctrl/Cmd+Z both take from here.
 */
export interface UndoEntry {
  id: string;
  label: string;
  undo: () => void;
}

const MAX = 50;
const stack: UndoEntry[] = [];

export const undoStack = {
  push(entry: UndoEntry) {
    undoStack.remove(entry.id);
    stack.push(entry);
    if (stack.length > MAX) stack.shift();
  },
  /** Forget an entry that can no longer be undone (e.g. the DELETE was sent). */
  remove(id: string) {
    const i = stack.findIndex((e) => e.id === id);
    if (i >= 0) stack.splice(i, 1);
  },
  /** Undo one entry (from its toast); false when it is gone already. */
  undo(id: string): boolean {
    const i = stack.findIndex((e) => e.id === id);
    if (i < 0) return false;
    const [entry] = stack.splice(i, 1);
    entry!.undo();
    return true;
  },
  /** Undo the most recent change (Ctrl/Cmd+Z); false when there is nothing to undo. */
  undoLast(): boolean {
    const entry = stack.pop();
    entry?.undo();
    return !!entry;
  },
  size: () => stack.length,
  clear: () => void stack.splice(0),
};
