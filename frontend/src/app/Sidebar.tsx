/**
 * The sidebar below the shell's List and Board, one lazy chunk: Today, Upcoming, Calendar, the
 * projects, the saved views, settings, the theme switch and the shortcuts link. The shell
 * (AppLayout) stays small: it is part of the first paint of every signed-in page (150 kB budget).
 */
import {
  Archive,
  Bookmark,
  BookmarkPlus,
  CalendarCheck,
  CalendarDays,
  CalendarRange,
  Globe,
  Keyboard,
  MoreHorizontal,
  Plus,
  Settings,
  UserCheck,
  Users,
} from "lucide-react";
import { lazy, Suspense, useId, useState, type ComponentType, type ReactNode } from "react";
import { Link, NavLink, useLocation } from "react-router";
import { useProjects, type Project } from "@/features/projects/api";
import { COLOUR_HEX } from "@/features/projects/colours";
import { ThemeSwitch } from "@/features/settings/ThemeSwitch";
import { useViews } from "@/features/views/api";
import { listFiltersAt, viewHref, viewQuery } from "@/features/views/query";
import type { ViewEditing } from "@/features/views/ViewDialog";

// The dialog (form, Radix) loads the first time it opens: the sidebar stays small for /tasks.
const ProjectDialog = lazy(() => import("@/features/projects/ProjectDialog"));
const ViewDialog = lazy(() => import("@/features/views/ViewDialog"));

type Editing = { mode: "new" } | { mode: "edit"; project: Project } | null;

const ITEM =
  "flex min-w-0 flex-1 items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm font-medium";
const itemClass = ({ isActive }: { isActive: boolean }) =>
  `${ITEM} ${
    isActive
      ? "bg-brand-50 text-brand-700 dark:bg-brand-600/15 dark:text-brand-100"
      : "text-zinc-700 hover:bg-zinc-200/60 dark:text-zinc-300 dark:hover:bg-zinc-800"
  }`;

const PLANNER = [
  { to: "/today", label: "Today", Icon: CalendarCheck },
  { to: "/upcoming", label: "Upcoming", Icon: CalendarDays },
  { to: "/calendar", label: "Calendar", Icon: CalendarRange },
  { to: "/assigned", label: "Assigned to me", Icon: UserCheck },
];

/** Everything of the sidebar below List and Board (a fragment: the sidebar is a flex column). */
export default function SidebarRest({ onHelp }: { onHelp: () => void }) {
  return (
    <>
      <PlannerNav />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <ProjectsNav />
        <ViewsNav />
      </div>
      <div className="mt-5 space-y-3 px-1">
        <NavLink to="/settings" className={itemClass}>
          <Settings className="size-4" aria-hidden="true" />
          Settings
        </NavLink>
        <ThemeSwitch />
        <button
          type="button"
          onClick={onHelp}
          className="flex items-center gap-2 text-xs text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
        >
          <Keyboard className="size-4" aria-hidden="true" /> Keyboard shortcuts{" "}
          <span aria-hidden="true">(?)</span>
        </button>
      </div>
    </>
  );
}

/** Today, Upcoming, Calendar and Assigned to me. */
export function PlannerNav() {
  return (
    <nav aria-label="Planner" className="mt-0.5 space-y-0.5">
      {PLANNER.map(({ to, label, Icon }) => (
        <NavLink key={to} to={to} className={itemClass}>
          <Icon className="size-4" aria-hidden="true" />
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

const HEADING_BUTTON =
  "rounded p-0.5 text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white";
const EDIT_BUTTON =
  "rounded p-1 text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900 focus:opacity-100 sm:opacity-0 sm:group-hover:opacity-100 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white";

/** A titled list of the sidebar (projects, views), with an icon button beside its heading. */
function NavSection({
  title,
  action,
  children,
}: {
  title: string;
  action?: { label: string; icon: ReactNode; onClick: () => void } | null;
  children: ReactNode;
}) {
  // The phone drawer shows a second copy while the sidebar's is hidden: ids must differ.
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="mt-5">
      <div className="flex items-center justify-between px-2.5 pb-1">
        <h2 id={headingId} className="text-xs font-semibold text-zinc-600 dark:text-zinc-400">
          {title}
        </h2>
        {action && (
          <button
            type="button"
            onClick={action.onClick}
            className={HEADING_BUTTON}
            aria-label={action.label}
          >
            {action.icon}
          </button>
        )}
      </div>
      {children}
    </section>
  );
}

/** The "…" button beside an item that opens its edit dialog (shown on hover from 640 px). */
function EditButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} className={EDIT_BUTTON} aria-label={label}>
      <MoreHorizontal className="size-4" aria-hidden="true" />
    </button>
  );
}

/**
 * What a lazy dialog edits (null: closed), and whether it was ever opened: the dialog's chunk
 * loads the first time it opens, and the dialog stays mounted after that.
 */
function useLazyDialog<T>() {
  const [editing, setEditing] = useState<T | null>(null);
  const [loaded, setLoaded] = useState(false);
  const open = (e: T) => {
    setLoaded(true);
    setEditing(e);
  };
  return { editing, loaded, open, close: () => setEditing(null) };
}

/** Where a useLazyDialog's `Dialog` is mounted: nothing until it first opens. */
function LazyDialogSlot<T>({
  dialog,
  Dialog,
}: {
  dialog: ReturnType<typeof useLazyDialog<T>>;
  Dialog: ComponentType<{ editing: T | null; onClose: () => void }>;
}) {
  return (
    dialog.loaded && (
      <Suspense fallback={null}>
        <Dialog editing={dialog.editing} onClose={dialog.close} />
      </Suspense>
    )
  );
}

/** The sidebar's projects: Inbox first, archived ones behind a toggle, a dialog for each write. */
export function ProjectsNav() {
  const { data: projects = [] } = useProjects();
  const [showArchived, setShowArchived] = useState(false);
  const dialog = useLazyDialog<Editing>();
  const archived = projects.filter((p) => p.archived);
  const shown = projects.filter((p) => showArchived || !p.archived);

  return (
    <NavSection
      title="Projects"
      action={{
        label: "New project",
        icon: <Plus className="size-4" aria-hidden="true" />,
        onClick: () => dialog.open({ mode: "new" }),
      }}
    >
      <ul className="space-y-0.5">
        {shown.map((p) => (
          <li key={p.id} className="group flex items-center" data-testid="project-item">
            <NavLink to={`/projects/${p.id}`} className={itemClass}>
              <span
                className="size-3 shrink-0 rounded-full"
                style={{ background: COLOUR_HEX[p.colour] }}
                aria-hidden="true"
              />
              <span className="truncate">{p.name}</span>
              {p.published_url && (
                <Globe
                  className="size-3.5 shrink-0 text-zinc-500 dark:text-zinc-400"
                  aria-label="published"
                  role="img"
                />
              )}
              <span className="ml-auto text-xs text-zinc-600 dark:text-zinc-400">
                {p.open_count > 0 && (
                  <>
                    {p.open_count}
                    <span className="sr-only"> open</span>
                  </>
                )}
              </span>
            </NavLink>
            {/* Only its owner edits a project; a shared one is marked instead. */}
            {p.role === "owner" ? (
              <EditButton
                label={`Edit project “${p.name}”`}
                onClick={() => dialog.open({ mode: "edit", project: p })}
              />
            ) : (
              <Users
                className="mx-1 size-3.5 shrink-0 text-zinc-500 dark:text-zinc-400"
                aria-label={`shared with you (${p.role})`}
                role="img"
              />
            )}
          </li>
        ))}
      </ul>
      {archived.length > 0 && (
        <button
          type="button"
          aria-pressed={showArchived}
          onClick={() => setShowArchived((s) => !s)}
          className="mt-1 flex items-center gap-2 px-2.5 py-1 text-xs text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
        >
          <Archive className="size-4" aria-hidden="true" />
          {showArchived ? "Hide archived" : `Show archived (${archived.length})`}
        </button>
      )}
      <LazyDialogSlot dialog={dialog} Dialog={ProjectDialog} />
    </NavSection>
  );
}

/** Saved views: named filters of the list; the current list's filters can be saved from here. */
export function ViewsNav() {
  const { data: views = [] } = useViews();
  const { pathname, search } = useLocation();
  const here = listFiltersAt(pathname, search);
  const dialog = useLazyDialog<ViewEditing>();
  if (!views.length && !here) return null;
  return (
    <NavSection
      title="Views"
      action={
        here
          ? {
              label: "Save these filters as a view",
              icon: <BookmarkPlus className="size-4" aria-hidden="true" />,
              onClick: () => dialog.open({ mode: "new", query: viewQuery(here) }),
            }
          : null
      }
    >
      <ul className="space-y-0.5">
        {views.map((v) => {
          const href = viewHref(v.query);
          const active = href === `${pathname}${search}`;
          return (
            <li key={v.id} className="group flex items-center" data-testid="view-item">
              <Link
                to={href}
                className={itemClass({ isActive: active })}
                aria-current={active ? "page" : undefined}
              >
                <Bookmark className="size-4 shrink-0" aria-hidden="true" />
                <span className="truncate">{v.name}</span>
              </Link>
              <EditButton
                label={`Edit view “${v.name}”`}
                onClick={() => dialog.open({ mode: "edit", view: v })}
              />
            </li>
          );
        })}
      </ul>
      <LazyDialogSlot dialog={dialog} Dialog={ViewDialog} />
    </NavSection>
  );
}
