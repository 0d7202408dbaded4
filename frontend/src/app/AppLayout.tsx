import {
  CalendarCheck,
  Columns3,
  FolderOpen,
  ListTodo,
  Plus,
  Search,
  Settings,
} from "lucide-react";
import { lazy, Suspense, useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "@/features/auth/context";
import { useLiveUpdates } from "@/features/live/useLiveUpdates";
import { NotificationsButton } from "@/features/notifications/NotificationsButton";
import { useConflict } from "@/features/tasks/conflict";
import { editor, useEditor } from "@/features/tasks/editor";
import { undoStack } from "@/features/tasks/undo";
import { cn } from "@/lib/cn";
import { useMediaQuery } from "@/lib/useMediaQuery";
import { usePaletteKey, useShortcuts, useUndoKey } from "@/lib/useShortcuts";
import { Logo } from "@/ui/Logo";
import { Button } from "@/ui/primitives";
import { OfflineStatus } from "./OfflineStatus";
import { StatsBar } from "./StatsBar";
import { USER_MENU_TRIGGER } from "./userMenuTrigger";

const NAV = [
  { to: "/tasks", label: "List", Icon: ListTodo },
  { to: "/board", label: "Board", Icon: Columns3 },
  { to: "/today", label: "Today", Icon: CalendarCheck },
  { to: "/settings", label: "Settings", Icon: Settings },
];

function initials(name: string) {
  return name
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
}

// The rest of the sidebar (Today, Upcoming, Calendar, projects, saved views, settings, theme,
// shortcuts) is one lazy chunk, app/Sidebar.tsx, arriving just after the shell: the first paint
// of /tasks stays within its 150 kB budget.
const SidebarRest = lazy(() => import("./Sidebar"));

// Below md the sidebar is hidden (the bottom nav and the Projects sheet stand in), so a phone
// neither downloads nor renders it, nor fetches its projects and views at first paint.
const useDesktop = () => useMediaQuery("(min-width: 768px)");

const UserMenuLoaded = lazy(() => import("./UserMenu").then((m) => ({ default: m.UserMenu })));

function UserMenu() {
  const { user } = useAuth();
  const name = user?.full_name || user?.email || "";
  const [wanted, setWanted] = useState(false);
  // Same look and name as the real trigger; a click loads the menu and opens it.
  const placeholder = (
    <button
      type="button"
      className={USER_MENU_TRIGGER}
      aria-label={`Account menu for ${name}`}
      aria-haspopup="menu"
      aria-expanded={false}
      onClick={() => setWanted(true)}
    >
      {initials(name)}
    </button>
  );
  if (!wanted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <UserMenuLoaded name={name} initials={initials(name)} />
    </Suspense>
  );
}

export function AppLayout() {
  const [help, setHelp] = useState(false);
  const isDesktop = useDesktop();
  const [palette, setPalette] = useState(false);
  usePaletteKey(useCallback(() => setPalette((o) => !o), []));
  const [drawer, setDrawer] = useState(false);
  const drawerOpener = useRef<HTMLButtonElement>(null);
  const navigate = useNavigate();
  const location = useLocation();

  const shortcuts = useMemo(
    () => ({
      n: editor.openNewAtFocus,
      "/": () => {
        if (!/^\/(tasks|board)/.test(location.pathname)) navigate("/tasks");
        setTimeout(() => document.getElementById("task-search")?.focus(), 0);
      },
      "?": () => setHelp(true),
      // The list and the board share their filters.
      "g l": () => navigate({ pathname: "/tasks", search: location.search }),
      "g b": () => navigate({ pathname: "/board", search: location.search }),
      "g t": () => navigate("/today"),
      "g u": () => navigate("/upcoming"),
      "g c": () => navigate("/calendar"),
      "g a": () => navigate("/assigned"),
      "g s": () => navigate("/settings"),
    }),
    [navigate, location.pathname, location.search],
  );
  useShortcuts(shortcuts);
  useUndoKey(undoStack.undoLast);
  useLiveUpdates();

  return (
    <div className="flex min-h-dvh flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 px-3 py-4 md:flex dark:border-zinc-800 dark:bg-zinc-900/40">
        <div className="mb-6 px-2">
          <Logo />
        </div>
        <Button className="mb-4 w-full justify-start" onClick={() => editor.openNew()}>
          <Plus className="size-4" aria-hidden="true" /> New task
          <span className="ml-auto rounded bg-white/20 px-1.5 text-[11px]">n</span>
        </Button>
        <nav aria-label="Main" className="space-y-0.5">
          {NAV.slice(0, 2).map(({ to, label, Icon }) => (
            <NavLink
              key={to}
              to={{
                pathname: to,
                search: /^\/(tasks|board)/.test(location.pathname) ? location.search : "",
              }}
              className={({ isActive }) =>
                cn(
                  "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium",
                  isActive
                    ? "bg-brand-50 text-brand-700 dark:bg-brand-600/15 dark:text-brand-100"
                    : "text-zinc-700 hover:bg-zinc-200/60 dark:text-zinc-300 dark:hover:bg-zinc-800",
                )
              }
            >
              <Icon className="size-4" aria-hidden="true" />
              {label}
            </NavLink>
          ))}
        </nav>
        {isDesktop && (
          <Suspense fallback={null}>
            <SidebarRest onHelp={() => setHelp(true)} />
          </Suspense>
        )}
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-zinc-200 bg-white/90 px-3 backdrop-blur sm:px-6 dark:border-zinc-800 dark:bg-zinc-950/90">
          <span className="md:hidden">
            <Logo compact />
          </span>
          <StatsBar />
          <div className="ml-auto flex items-center gap-1 sm:gap-2">
            <OfflineStatus />
            <Button
              size="icon"
              variant="ghost"
              onClick={() => setPalette(true)}
              aria-label="Command palette"
              aria-keyshortcuts="Control+K Meta+K"
              title="Command palette (Ctrl/⌘ K)"
            >
              <Search className="size-5" aria-hidden="true" />
            </Button>
            <Button
              size="icon"
              variant="ghost"
              className="md:hidden"
              onClick={() => editor.openNew()}
              aria-label="New task"
            >
              <Plus className="size-5" aria-hidden="true" />
            </Button>
            <NotificationsButton />
            <UserMenu />
          </div>
        </header>
        <main id="main" className="min-w-0 flex-1 pb-16 md:pb-0">
          <Outlet />
        </main>
        <nav
          aria-label="Sections"
          className="fixed inset-x-0 bottom-0 z-30 flex border-t border-zinc-200 bg-white/95 backdrop-blur md:hidden dark:border-zinc-800 dark:bg-zinc-950/95"
        >
          {NAV.map(({ to, label, Icon }) => (
            <NavLink
              key={to}
              to={to}
              className={({ isActive }) =>
                cn(
                  "flex flex-1 flex-col items-center gap-0.5 py-2 text-[11px] font-medium",
                  isActive
                    ? "text-brand-700 dark:text-brand-400"
                    : "text-zinc-600 dark:text-zinc-400",
                )
              }
            >
              <Icon className="size-5" aria-hidden="true" />
              {label}
            </NavLink>
          ))}
          <button
            ref={drawerOpener}
            type="button"
            aria-haspopup="dialog"
            aria-expanded={drawer}
            onClick={() => setDrawer(true)}
            className={cn(
              "flex flex-1 flex-col items-center gap-0.5 py-2 text-[11px] font-medium",
              /^\/projects\//.test(location.pathname)
                ? "text-brand-700 dark:text-brand-400"
                : "text-zinc-600 dark:text-zinc-400",
            )}
          >
            <FolderOpen className="size-5" aria-hidden="true" />
            Projects
          </button>
        </nav>
      </div>
      <DeferredTaskDialog />
      <DeferredConflictDialog />
      <Deferred when={drawer}>
        <ProjectsDrawer open={drawer} onOpenChange={setDrawer} opener={drawerOpener} />
      </Deferred>
      <Deferred when={help}>
        <ShortcutsHelp open={help} onOpenChange={setHelp} />
      </Deferred>
      <Deferred when={palette}>
        <CommandPalette open={palette} onOpenChange={setPalette} onHelp={() => setHelp(true)} />
      </Deferred>
    </div>
  );
}

// Dialogs are downloaded the first time they open, not with the list (the task form alone brings
// react-hook-form and zod); once loaded they stay mounted so closing animations and focus return
// keep working.
const TaskDialog = lazy(() =>
  import("@/features/tasks/TaskDialog").then((m) => ({ default: m.TaskDialog })),
);
const ConflictDialog = lazy(() =>
  import("@/features/tasks/ConflictDialog").then((m) => ({ default: m.ConflictDialog })),
);
const ProjectsDrawer = lazy(() => import("./ProjectsDrawer"));
const ShortcutsHelp = lazy(() =>
  import("./ShortcutsHelp").then((m) => ({ default: m.ShortcutsHelp })),
);

const CommandPalette = lazy(() => import("./CommandPalette"));

function Deferred({ when, children }: { when: boolean; children: ReactNode }) {
  const [wanted, setWanted] = useState(false);
  if (!wanted && when) setWanted(true);
  if (!wanted) return null;
  return <Suspense fallback={null}>{children}</Suspense>;
}

function DeferredTaskDialog() {
  const open = useEditor().mode !== "closed";
  return (
    <Deferred when={open}>
      <TaskDialog />
    </Deferred>
  );
}

function DeferredConflictDialog() {
  const open = useConflict() !== null;
  return (
    <Deferred when={open}>
      <ConflictDialog />
    </Deferred>
  );
}
