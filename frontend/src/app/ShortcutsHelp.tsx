import { QuickAddHelp } from "@/features/quickadd/Help";
import { Dialog } from "@/ui/Dialog";
import { Kbd } from "@/ui/primitives";

const SHORTCUTS = [
  ["n", "New task (due on the focused day in Upcoming and Calendar; on Today, due today)"],
  ["/", "Search"],
  ["?", "Show this help"],
  ["Ctrl/⌘ K", "Command palette: search tasks; actions, pages, projects, views"],
  ["g then l", "Go to the list"],
  ["g then b", "Go to the board"],
  ["g then t", "Go to Today"],
  ["g then u", "Go to Upcoming"],
  ["g then c", "Go to the Calendar"],
  ["g then a", "Go to Assigned to me"],
  ["g then s", "Go to Settings"],
  ["j", "Focus the next task"],
  ["k", "Focus the previous task"],
  [
    "x",
    "Select or unselect the focused task (list and board); Ctrl/⌘-click toggles, Shift-click selects a range",
  ],
  ["e", "Edit the focused task"],
  ["d", "Edit the focused task’s due date"],
  ["1", "Priority urgent (focused or selected tasks)"],
  ["2", "Priority high (focused or selected tasks)"],
  ["3", "Priority medium (focused or selected tasks)"],
  ["4", "Priority low (focused or selected tasks)"],
  ["t", "Due today (focused or selected tasks)"],
  ["s", "Skip the focused repeating task to its next occurrence"],
  ["Esc", "Clear the selection (list and board)"],
  ["Alt ↑", "Move the focused task up (list, Manual sort)"],
  ["Alt ↓", "Move the focused task down (list, Manual sort)"],
  ["→", "Move the focused card one column right (board)"],
  ["←", "Move the focused card one column left (board)"],
  ["Ctrl/⌘ Z", "Undo the last change"],
  ["Ctrl/⌘ Enter", "Save the task form"],
  ["Esc", "Close a dialog (asks first if there are unsaved changes)"],
  [
    "Space, arrows",
    "Pick up a row’s grip (list, Manual sort) or a card (board), move it, Space to drop",
  ],
] as const;

export function ShortcutsHelp({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts">
      <dl className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="flex items-center justify-between gap-4 py-2">
            <dt className="text-zinc-700 dark:text-zinc-300">{what}</dt>
            {/* The description wraps, not the keys ("Ctrl/⌘ K" broke over two lines). */}
            <dd className="flex shrink-0 gap-1">
              {keys.split(" then ").map((k) => (
                <Kbd key={k}>{k}</Kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
      <QuickAddHelp />
    </Dialog>
  );
}
