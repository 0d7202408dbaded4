import { Component, useLayoutEffect, useState, useTransition, type ReactNode } from "react";
import { Link, Router, UNSAFE_createBrowserHistory as createBrowserHistory } from "react-router";
import type { Location } from "react-router";
import { Button } from "@/ui/primitives";

/**
 * React Router's declarative BrowserRouter, with one rule of its own for when a navigation
 * renders:
 * - another page renders in a transition: the old page stays up while the new one's chunk
 *   arrives, instead of its spinner (which React then keeps for at least 300 ms);
 * - a change of the same page's query (the list's filters, the Calendar's month) renders at once:
 *   in a transition the menu or chip showed the old value till then, so a second quick arrow
 *   press or click went on from it.
 * While another page is on its way, a bar across the top says so (after 150 ms, so a page that
 * is there at once does not flash it).
 * The data router (createBrowserRouter) lets each navigation choose (`flushSync`), but brings
 * loaders, actions and fetchers this app does not use: 16 kB more of every first screen.
 */
export function AppRouter({ children }: { children: ReactNode }) {
  const [history] = useState(() => createBrowserHistory({ v5Compat: true }));
  const [shown, setShown] = useState({ action: history.action, location: history.location });
  const [loadingPage, startPage] = useTransition();
  useLayoutEffect(() => {
    let page = history.location.pathname;
    return history.listen(({ action, location }) => {
      const samePage = location.pathname === page;
      page = location.pathname;
      if (samePage) setShown({ action, location });
      else startPage(() => setShown({ action, location }));
    });
  }, [history]);
  return (
    <Router location={shown.location} navigationType={shown.action} navigator={history}>
      {loadingPage && (
        <div
          role="progressbar"
          aria-label="Opening the page"
          className="bg-brand-500 fixed inset-x-0 top-0 z-50 h-0.5 origin-left animate-[page-loading_3s_ease-out_150ms_both]"
        />
      )}
      <CrashedPage location={shown.location}>{children}</CrashedPage>
    </Router>
  );
}

type CrashState = { error: Error | null; at: Location | null };

/**
 * A page that throws while rendering (or whose chunk failed to load, as after a deploy that
 * replaced it) shows what failed and the way on, instead of a blank window; going to another
 * address tries again. (React logs the error itself.)
 */
class CrashedPage extends Component<{ location: Location; children: ReactNode }, CrashState> {
  state: CrashState = { error: null, at: null };

  static getDerivedStateFromError(error: unknown): Partial<CrashState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(
    props: { location: Location },
    state: CrashState,
  ): Partial<CrashState> | null {
    if (state.at === props.location) return null;
    return { at: props.location, error: state.at === null ? state.error : null };
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main className="flex min-h-dvh flex-col items-center justify-center gap-3 p-8 text-center">
        <h1 className="text-2xl font-semibold">This page could not be shown</h1>
        <p className="max-w-prose text-zinc-600 dark:text-zinc-400" role="alert">
          {error.message || "Something went wrong."}
        </p>
        <p className="max-w-prose text-zinc-600 dark:text-zinc-400">
          Reloading usually helps: it also brings in the newest version of taskapp.
        </p>
        <div className="flex items-center gap-4">
          <Button onClick={() => window.location.reload()}>Reload the page</Button>
          <Link
            to="/tasks"
            className="text-brand-600 dark:text-brand-400 font-medium hover:underline"
          >
            Go to your tasks
          </Link>
        </div>
      </main>
    );
  }
}
