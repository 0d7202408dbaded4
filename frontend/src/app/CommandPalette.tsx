/**
 * The Cmd/Ctrl+K command palette (issue 18): actions, navigation and the tasks whose text
 * matches what is typed (the API's search: title, description, labels) in one list. cmdk
 * gives the combobox + listbox semantics, the fuzzy ranking and ↑/↓/Enter; Radix's dialog (as
 * everywhere else) the focus trap, Esc and the label. A lazy chunk: AppLayout loads it on the
 * first Ctrl+K (or a tap on the header's button), never with the first paint.
 */
import * as D from "@radix-ui/react-dialog";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Command, defaultFilter } from "cmdk";
import {
  Bookmark,
  CalendarCheck,
  CalendarDays,
  CalendarRange,
  CheckCheck,
  CircleCheck,
  Circle,
  Columns3,
  Folder,
  Keyboard,
  ListTodo,
  LogOut,
  Monitor,
  Moon,
  Plus,
  Search,
  Settings,
  Sun,
  UserCheck,
  type LucideIcon,
} from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import type { Task } from "@/api/types";
import { useAuth } from "@/features/auth/context";
import { useProjects } from "@/features/projects/api";
import { listTasks, taskKeys } from "@/features/tasks/api";
import { editor } from "@/features/tasks/editor";
import { DEFAULT_SORT, EMPTY_FILTERS, filtersToParams } from "@/features/tasks/filters";
import { useOpenTask } from "@/features/tasks/taskRoute";
import { useViews } from "@/features/views/api";
import { viewHref } from "@/features/views/query";
import { browserZone, formatTaskDue } from "@/lib/dates";
import { setThemePref, type ThemePref } from "@/lib/theme";
import { useDebounced } from "@/lib/useDebounced";

/** Routes whose list takes the `show_done` filter (the list, the board, a project's list). */
const LISTS = /^\/(tasks|board|projects)(\/|$)/;

/** The pages, with the "g <key>" that goes there without the palette (AppLayout). */
const GO: { to: string; label: string; Icon: LucideIcon; key: string }[] = [
  { to: "/tasks", label: "Go to list", Icon: ListTodo, key: "l" },
  { to: "/board", label: "Go to board", Icon: Columns3, key: "b" },
  { to: "/today", label: "Go to Today", Icon: CalendarCheck, key: "t" },
  { to: "/upcoming", label: "Go to Upcoming", Icon: CalendarDays, key: "u" },
  { to: "/calendar", label: "Go to Calendar", Icon: CalendarRange, key: "c" },
  { to: "/assigned", label: "Go to Assigned to me", Icon: UserCheck, key: "a" },
  { to: "/settings", label: "Go to Settings", Icon: Settings, key: "s" },
];

const THEMES: { pref: ThemePref; label: string; Icon: LucideIcon; keywords: string[] }[] = [
  { pref: "light", label: "Light theme", Icon: Sun, keywords: ["theme", "mode"] },
  { pref: "dark", label: "Dark theme", Icon: Moon, keywords: ["theme", "mode"] },
  { pref: "system", label: "System theme", Icon: Monitor, keywords: ["theme", "mode", "auto"] },
];

const ITEM =
  "flex cursor-pointer items-center gap-2.5 rounded-md px-2.5 py-2 text-sm text-zinc-800 select-none data-[selected=true]:bg-brand-50 data-[selected=true]:text-brand-700 dark:text-zinc-200 dark:data-[selected=true]:bg-brand-600/20 dark:data-[selected=true]:text-brand-100";
const GROUP =
  "mb-1 [&_[cmdk-group-heading]]:px-2.5 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:text-zinc-600 dark:[&_[cmdk-group-heading]]:text-zinc-400";

function Item({
  value,
  Icon,
  children,
  onSelect,
  keywords,
  detail,
  hint,
}: {
  /** Unique per option: a project and a view may share a name, and cmdk selects by value. */
  value: string;
  Icon: LucideIcon;
  children: string;
  onSelect: () => void;
  keywords?: string[];
  /** Quieter words after the label: what tells two tasks of the same title apart. */
  detail?: string | undefined;
  hint?: ReactNode;
}) {
  return (
    <Command.Item
      className={ITEM}
      value={value}
      onSelect={onSelect}
      // The label first: the filter ranks on it (see `byLabel`), the rest are extra words.
      keywords={[children, ...(keywords ?? [])]}
    >
      <Icon className="size-4 shrink-0 opacity-70" aria-hidden="true" />
      <span className="truncate">{children}</span>
      {detail && " "}
      {detail && (
        <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">{detail}</span>
      )}
      {/* The space keeps the hint a word of its own in the option's name ("New task n"): a
          flex row does not draw it. */}
      {hint && " "}
      {hint && (
        <kbd className="ml-auto font-sans text-xs text-zinc-600 dark:text-zinc-400">{hint}</kbd>
      )}
    </Command.Item>
  );
}

/** How many matching tasks the palette shows; "Search tasks for …" opens the whole list. */
const TASK_MATCHES = 6;
const SEARCH_ALL = "search-all-tasks";

/**
 * Rank on what the option says (its first keyword), not on its value (an id). A task the API
 * found stays listed when its title does not match (a label or the description did), below the
 * options that do; "Search tasks for …" always shows, last.
 */
const byLabel = (value: string, search: string, keywords: string[] = []) => {
  // The smallest score above 0 (listed, after every real match); ties keep the list's order.
  if (value === SEARCH_ALL) return Number.MIN_VALUE;
  const score = defaultFilter(keywords[0] ?? value, search, keywords.slice(1));
  return value.startsWith("task:") ? Math.max(score, Number.MIN_VALUE) : score;
};

/**
 * A titled group while browsing; while searching the matches are one flat list, best first
 * (cmdk ranks items inside a group, but its group ordering does not find React 19's ids).
 */
function Section({
  heading,
  flat,
  children,
}: {
  heading: string;
  flat: boolean;
  children: ReactNode;
}) {
  if (flat) return children;
  return (
    <Command.Group heading={heading} className={GROUP}>
      {children}
    </Command.Group>
  );
}

export default function CommandPalette({
  open,
  onOpenChange,
  onHelp,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onHelp: () => void;
}) {
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const { logout, user } = useAuth();
  const timeZone = user?.time_zone ?? browserZone();
  const [typed, setTyped] = useState("");
  const flat = typed.trim() !== "";
  const openTask = useOpenTask();
  // One request per pause in typing, from two characters (what the list's search box does).
  const searched = useDebounced(typed.trim(), 200);
  const matches = useQuery({
    queryKey: taskKeys.search(searched),
    queryFn: () => listTasks({ q: searched, sort: DEFAULT_SORT }, null, TASK_MATCHES),
    enabled: open && searched.length >= 2,
    placeholderData: keepPreviousData,
  });
  const tasks = flat && searched.length >= 2 ? (matches.data?.items ?? []) : [];
  // cmdk selects the best option as each key is typed, but not when the tasks arrive a moment
  // later: then it would keep "Go to Calendar" for "call" above a task "Call mum" ranked first,
  // and Enter would act on an option the list no longer shows on top. Until the arrow keys
  // move it, the selection follows the ranking (read back from cmdk's sorted list).
  const [active, setActive] = useState("");
  const arrowed = useRef(false);
  const list = useRef<HTMLDivElement>(null);
  const found = matches.data;
  useEffect(() => {
    if (!found?.items.length) return;
    const frame = requestAnimationFrame(() => {
      const best = list.current?.querySelector("[cmdk-item]")?.getAttribute("data-value");
      if (best && !arrowed.current) setActive(best);
    });
    return () => cancelAnimationFrame(frame);
    // Per search, not only per answer: typed again, a search's answer comes from the cache as the
    // very object already shown, and the selection has to follow the ranking all the same.
  }, [found, searched]);
  // Both lists are what the sidebar shows (same query keys: usually cached already).
  const projects = useProjects().data ?? [];
  // A task's project and due, as its row shows them: "Weekly review" in Work and in Home differ.
  const taskDetail = (t: Task) =>
    [
      projects.find((p) => p.id === t.project_id)?.name,
      (t.due_on ?? t.due_date) && formatTaskDue(t, timeZone),
    ]
      .filter(Boolean)
      .join(" · ");
  const views = useViews().data ?? [];
  const showingDone =
    LISTS.test(pathname) && new URLSearchParams(search).get("show_done") === "true";

  // Close first, then act: the dialog gives the focus back before a route or another dialog
  // takes it.
  const run = (action: () => void) => () => {
    close(false);
    action();
  };
  // The next opening starts with an empty search, on the first option.
  const close = (o: boolean) => {
    if (!o) {
      setTyped("");
      setActive("");
    }
    onOpenChange(o);
  };
  const toggleDone = () => {
    if (!LISTS.test(pathname)) return navigate("/tasks?show_done=true");
    const params = new URLSearchParams(search);
    if (showingDone) params.delete("show_done");
    else params.set("show_done", "true");
    const query = params.toString();
    navigate({ pathname, search: query ? `?${query}` : "" });
  };

  return (
    <D.Root open={open} onOpenChange={close}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 backdrop-blur-[1px]" />
        <D.Content
          data-command-palette=""
          aria-describedby={undefined}
          className="fixed inset-x-2 top-2 z-50 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-2xl sm:inset-x-auto sm:top-[12vh] sm:left-1/2 sm:w-full sm:max-w-lg sm:-translate-x-1/2 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <D.Title className="sr-only">Command palette</D.Title>
          <Command
            label="Type a command or search"
            loop
            filter={byLabel}
            value={active}
            onValueChange={setActive}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") arrowed.current = true;
            }}
          >
            <Command.Input
              value={typed}
              onValueChange={(text) => {
                arrowed.current = false;
                setTyped(text);
              }}
              placeholder="Search tasks, or type a command, a project or a view…"
              className="h-12 w-full border-b border-zinc-200 bg-transparent px-4 text-[15px] text-zinc-900 outline-none placeholder:text-zinc-500 dark:border-zinc-800 dark:text-zinc-100 dark:placeholder:text-zinc-400"
            />
            <Command.List
              ref={list}
              aria-label="Commands"
              className="max-h-[min(60dvh,24rem)] overflow-y-auto overscroll-contain p-1.5"
            >
              <Command.Empty className="px-3 py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                No command matches.
              </Command.Empty>
              {tasks.map((t) => (
                <Item
                  value={`task:${t.id}`}
                  key={t.id}
                  Icon={t.status === "done" ? CircleCheck : Circle}
                  keywords={["task", ...t.labels]}
                  detail={taskDetail(t)}
                  hint={t.status === "done" ? "Done" : undefined}
                  onSelect={run(() => openTask(t))}
                >
                  {t.title}
                </Item>
              ))}
              {flat && (
                <Item
                  value={SEARCH_ALL}
                  Icon={Search}
                  onSelect={run(() =>
                    navigate(`/tasks?${filtersToParams({ ...EMPTY_FILTERS, q: typed })}`),
                  )}
                >
                  {`Search tasks for “${typed.trim()}”`}
                </Item>
              )}
              <Section heading="Actions" flat={flat}>
                <Item
                  value="new-task"
                  Icon={Plus}
                  onSelect={run(() => editor.openNew())}
                  hint="n"
                  keywords={["add", "create"]}
                >
                  New task
                </Item>
                <Item
                  value="toggle-done"
                  Icon={CheckCheck}
                  onSelect={run(toggleDone)}
                  keywords={["done", "completed", "hide", "show"]}
                >
                  {showingDone ? "Hide completed tasks" : "Show completed tasks"}
                </Item>
                <Item
                  value="shortcuts"
                  Icon={Keyboard}
                  onSelect={run(onHelp)}
                  hint="?"
                  keywords={["help", "keys"]}
                >
                  Keyboard shortcuts
                </Item>
              </Section>
              <Section heading="Navigation" flat={flat}>
                {GO.map(({ to, label, Icon, key }) => (
                  <Item
                    value={`go:${to}`}
                    key={to}
                    Icon={Icon}
                    hint={`g ${key}`}
                    onSelect={run(() => navigate(to))}
                  >
                    {label}
                  </Item>
                ))}
              </Section>
              {projects.some((p) => !p.archived) && (
                <Section heading="Projects" flat={flat}>
                  {projects
                    .filter((p) => !p.archived)
                    .map((p) => (
                      <Item
                        value={`project:${p.id}`}
                        key={p.id}
                        Icon={Folder}
                        keywords={["project"]}
                        onSelect={run(() => navigate(`/projects/${p.id}`))}
                      >
                        {p.name}
                      </Item>
                    ))}
                </Section>
              )}
              {views.length > 0 && (
                <Section heading="Saved views" flat={flat}>
                  {views.map((v) => (
                    <Item
                      value={`view:${v.id}`}
                      key={v.id}
                      Icon={Bookmark}
                      keywords={["view"]}
                      onSelect={run(() => navigate(viewHref(v.query)))}
                    >
                      {v.name}
                    </Item>
                  ))}
                </Section>
              )}
              <Section heading="Theme" flat={flat}>
                {THEMES.map(({ pref, label, Icon, keywords }) => (
                  <Item
                    value={`theme:${pref}`}
                    key={pref}
                    Icon={Icon}
                    keywords={keywords}
                    onSelect={run(() => setThemePref(pref))}
                  >
                    {label}
                  </Item>
                ))}
              </Section>
              <Section heading="Account" flat={flat}>
                <Item
                  value="log-out"
                  Icon={LogOut}
                  keywords={["sign out", "logout"]}
                  onSelect={run(
                    () => void logout().then(() => navigate("/login", { replace: true })),
                  )}
                >
                  Log out
                </Item>
              </Section>
            </Command.List>
          </Command>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
