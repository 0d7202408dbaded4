import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "@/api/problem";
import { Dialog } from "@/ui/Dialog";
import { NameField } from "@/ui/LabelledInput";
import { Button } from "@/ui/primitives";
import { createView, deleteView, renameView, viewKeys, type SavedView } from "./api";
import { viewHref } from "./query";

export type ViewEditing = { mode: "new"; query: string } | { mode: "edit"; view: SavedView } | null;

/** Save the list's filters under a name, or rename / delete a saved view. */
export default function ViewDialog({
  editing,
  onClose,
}: {
  editing: ViewEditing;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const view = editing?.mode === "edit" ? editing.view : null;
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A new `editing` starts the form over (set while rendering, not in an effect).
  const [shown, setShown] = useState<ViewEditing>(null);
  if (editing !== shown) {
    setShown(editing);
    setName(view?.name ?? "");
    setError(null);
  }

  async function run(write: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await write();
      void qc.invalidateQueries({ queryKey: viewKeys.all });
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={editing !== null}
      onOpenChange={(o) => !o && onClose()}
      title={view ? "Edit view" : "Save view"}
      {...(view ? {} : { description: "Saves the list’s current filters and sort under a name." })}
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const trimmed = name.trim();
          if (!trimmed || !editing) return;
          void run(async () => {
            if (editing.mode === "edit") await renameView(editing.view, trimmed);
            else void navigate(viewHref((await createView(trimmed, editing.query)).query));
          });
        }}
      >
        <NameField id="view-name" value={name} onChange={setName} />
        {error != null && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {errorMessage(error)}
          </p>
        )}
        <div className="flex flex-wrap items-center justify-end gap-2">
          {view && (
            <Button
              variant="ghost"
              className="mr-auto text-red-700 dark:text-red-400"
              disabled={busy}
              onClick={() => void run(() => deleteView(view))}
            >
              Delete view
            </Button>
          )}
          <Button type="submit" disabled={busy || !name.trim()}>
            {view ? "Save" : "Save view"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
