/**
 * Tasks deleted in the UI whose DELETE waits for the Undo window to close. Lists fetched in the
 * meantime leave them out, so a refetch never brings a "deleted" task back.
 */
export const pendingDeletes = new Map<
  string,
  {
    timer: ReturnType<typeof setTimeout>;
    /** Send the DELETE: in turn with the other changes, or `now` (before logging out). */
    run: (now?: boolean) => void;
  }
>();

export const isPendingDelete = (id: string) => pendingDeletes.has(id);
