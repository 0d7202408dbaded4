/**
 * Tasks deleted in the UI whose deletion waits for the Undo window to close. Lists fetched in the
 * meantime leave them out, so a refetch never brings a "deleted" task back. One entry stands
 * under every id it deletes (a bulk delete's tasks; a new task's temp- id and the server's).
 */
export const pendingDeletes = new Map<
  string,
  {
    timer: ReturnType<typeof setTimeout>;
    /** Send the deletion: in turn with the other changes, or `now` (before logging out). */
    run: (now?: boolean) => void;
    /** Send it with `keepalive` as the page goes (no answer is awaited). */
    leave: () => void;
  }
>();

export const isPendingDelete = (id: string) => pendingDeletes.has(id);
