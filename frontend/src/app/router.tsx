import { lazy, Suspense, type ReactNode } from "react";
import { Link, Navigate, useRoutes, type RouteObject } from "react-router";
import { startSession } from "@/features/auth/context";
import { PublicOnly, RequireAuth } from "@/features/auth/guards";
import { preloadable } from "@/lib/preloadable";
import { queryClient } from "./queryClient";
import { Spinner } from "@/ui/primitives";

// Code-split: the entry holds React, the router, the query client and the session; every page
// (and the signed-in shell) is its own chunk, so /login never downloads the task views and /tasks
// never downloads the form libraries (scripts/bundle-size.mjs holds both to the budget). The first
// screens' pages are asked for at start-up (below) and render without a fallback once there.
const [LoginPage, loadLogin] = preloadable(() => import("@/features/auth/LoginPage"));
const [AppLayout, loadAppLayout] = preloadable(() =>
  import("./AppLayout").then((m) => ({ default: m.AppLayout })),
);
const [TaskListPage, loadTaskList] = preloadable(() => import("@/features/tasks/TaskListPage"));
const [TodayPage, loadToday] = preloadable(() => import("@/features/planner/TodayPage"));
const RegisterPage = lazy(() => import("@/features/auth/RegisterPage"));
const ForgotPasswordPage = lazy(() => import("@/features/auth/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("@/features/auth/ResetPasswordPage"));
const VerifyEmailPage = lazy(() => import("@/features/auth/VerifyEmailPage"));
const BoardPage = lazy(() => import("@/features/tasks/BoardPage"));
const SettingsPage = lazy(() => import("@/features/settings/SettingsPage"));
const UpcomingPage = lazy(() => import("@/features/planner/UpcomingPage"));
const CalendarPage = lazy(() => import("@/features/planner/CalendarPage"));
const AssignedPage = lazy(() => import("@/features/tasks/AssignedPage"));
const AcceptInvitationPage = lazy(() => import("@/features/projects/AcceptInvitationPage"));

// A signed-in page waits for the session (one refresh request, answering with the account) before
// it renders: start its chunks now, beside that request, instead of one hop after it (Lighthouse
// counted that chain into /tasks' largest paint), and ask for its first data as soon as the
// session is known, not after the first render commits (which took ~0.5 s on a slowed CPU). The
// lazy components and queries then find modules and data on their way. /login waits for the
// session too (PublicOnly), so its page's chunk starts now as well.
const warm: [RegExp, () => Promise<unknown>, () => Promise<unknown>][] = [
  [
    /^\/(tasks|projects)(\/|$)/,
    loadTaskList,
    () => import("@/features/tasks/queries").then((m) => m.prefetchTaskList(queryClient, location)),
  ],
  [
    /^\/today$/,
    loadToday,
    () => import("@/features/planner/api").then((m) => queryClient.prefetchQuery(m.todayQuery())),
  ],
];

/** The first page's chunks, asked for now (with its data, once signed in): main.tsx has
 * AuthProvider wait for them. */
export const firstScreen = startFirstScreen();

function startFirstScreen(): Promise<unknown> {
  const path = typeof location === "undefined" ? "" : location.pathname;
  if (path === "/login") return loadLogin();
  const signedIn = warm.find(([pattern]) => pattern.test(path)) ?? (path === "/" ? warm[0] : null);
  if (!signedIn) return Promise.resolve();
  const [, chunk, data] = signedIn;
  void startSession().then((user) => (user ? data() : null));
  return Promise.all([loadAppLayout(), chunk()]);
}

const page = (node: ReactNode) => (
  <Suspense
    fallback={
      <div className="flex justify-center py-16 text-zinc-500">
        <Spinner label="Loading the page" />
      </div>
    }
  >
    {node}
  </Suspense>
);

function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link to="/tasks" className="text-brand-600 dark:text-brand-400 font-medium hover:underline">
        Go to your tasks
      </Link>
    </main>
  );
}

const routes: RouteObject[] = [
  {
    path: "/login",
    element: <PublicOnly>{page(<LoginPage />)}</PublicOnly>,
  },
  { path: "/register", element: <PublicOnly>{page(<RegisterPage />)}</PublicOnly> },
  { path: "/forgot-password", element: <PublicOnly>{page(<ForgotPasswordPage />)}</PublicOnly> },
  // Mailed links: open signed in or not (the token is the credential).
  { path: "/reset-password", element: page(<ResetPasswordPage />) },
  { path: "/verify-email", element: page(<VerifyEmailPage />) },
  {
    element: <RequireAuth>{page(<AppLayout />)}</RequireAuth>,
    children: [
      { path: "/", element: <Navigate to="/tasks" replace /> },
      { path: "/tasks", element: page(<TaskListPage />) },
      // A task's own address: the list with that task's editor open over it.
      { path: "/tasks/:taskId", element: page(<TaskListPage />) },
      // A project's list: the same page, filtered by the project in the path.
      { path: "/projects/:projectId", element: page(<TaskListPage />) },
      { path: "/board", element: page(<BoardPage />) },
      { path: "/today", element: page(<TodayPage />) },
      { path: "/upcoming", element: page(<UpcomingPage />) },
      { path: "/calendar", element: page(<CalendarPage />) },
      { path: "/assigned", element: page(<AssignedPage />) },
      { path: "/settings", element: page(<SettingsPage />) },
      // A mailed invitation's link: signed in first (the login page brings you back).
      { path: "/invitations/accept", element: page(<AcceptInvitationPage />) },
    ],
  },
  { path: "*", element: <NotFound /> },
];

/** The app's pages, inside main.tsx's AppRouter. */
export function AppRoutes() {
  return useRoutes(routes);
}
