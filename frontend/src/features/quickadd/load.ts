export type QuickAddEngine = typeof import("./engine");

let loading: Promise<QuickAddEngine> | null = null;

/** chrono-node stays out of the initial route: it loads on first focus of a quick-add field. */
export function loadQuickAdd(): Promise<QuickAddEngine> {
  loading ??= import("./engine").catch((e: unknown) => {
    loading = null; // a failed chunk load (offline) is tried again next time
    throw e;
  });
  return loading;
}
