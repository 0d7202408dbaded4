/**
 * Tasks deleted in the UI whose DELETE waits for the Undo window to close. Lists fetched in the
 * meantime leave them out, so a refetch never brings a "deleted" task back.
 */
export const pendingDeletes = new Map<
  string,
  { timer: ReturnType<typeof setTimeout>; run: () => void }
>();

export const isPendingDelete = (id: string) => pendingDeletes.has(id);
