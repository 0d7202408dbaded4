import { QuickAddHelp } from "@/features/quickadd/Help";
import { Dialog } from "@/ui/Dialog";
import { Kbd } from "@/ui/primitives";

const SHORTCUTS = [
  ["n", "New task"],
  ["/", "Search"],
  ["?", "Show this help"],
  ["g then l", "Go to the list"],
  ["g then b", "Go to the board"],
  ["Esc", "Close a dialog"],
  ["Space, arrows", "Move a picked-up card on the board"],
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
          <div key={keys} className="flex items-center justify-between py-2">
            <dt className="text-zinc-700 dark:text-zinc-300">{what}</dt>
            <dd className="flex gap-1">
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
