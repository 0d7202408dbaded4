import * as D from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

/** A press or focus on a toast (its Undo) is not "outside" the dialog: it stays open. */
const keepOpenForToasts = (event: Event) => {
  if (event.target instanceof Element && event.target.closest("[data-sonner-toaster]"))
    event.preventDefault();
};

/** An accessible modal (focus trap, Escape, labelled) styled as a sheet on phones. */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  className,
  alert = false,
  onCloseAutoFocus,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
  className?: string;
  /** A question that interrupts (e.g. "discard changes?"): announced as an alertdialog. */
  alert?: boolean;
  /** Where focus goes on close when nothing was focused at opening (a tap focuses nothing). */
  onCloseAutoFocus?: (event: Event) => void;
}) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="data-[state=open]:animate-in fixed inset-0 z-40 bg-zinc-950/40 backdrop-blur-[1px]" />
        <D.Content
          className={cn(
            "fixed inset-x-0 bottom-0 z-50 max-h-[92dvh] overflow-y-auto rounded-t-xl border border-zinc-200 bg-white p-5 shadow-2xl sm:inset-x-auto sm:top-[12vh] sm:bottom-auto sm:left-1/2 sm:w-full sm:max-w-lg sm:-translate-x-1/2 sm:rounded-xl dark:border-zinc-800 dark:bg-zinc-900",
            className,
          )}
          {...(description ? {} : { "aria-describedby": undefined })}
          {...(alert ? { role: "alertdialog" } : {})}
          onInteractOutside={keepOpenForToasts}
          {...(onCloseAutoFocus ? { onCloseAutoFocus } : {})}
        >
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <D.Title className="text-lg font-semibold">{title}</D.Title>
              {description && (
                <D.Description className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                  {description}
                </D.Description>
              )}
            </div>
            <D.Close
              className="-m-1 rounded-md p-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800"
              aria-label="Close"
            >
              <X className="size-5" aria-hidden="true" />
            </D.Close>
          </div>
          {children}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
