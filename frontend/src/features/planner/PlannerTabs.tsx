import { NavLink } from "react-router";

const TABS = [
  { to: "/today", label: "Today" },
  { to: "/upcoming", label: "Upcoming" },
  { to: "/calendar", label: "Calendar" },
];

/** Phones have no sidebar: the planner's three views link to each other here. */
export function PlannerTabs() {
  return (
    <nav aria-label="Planner views" className="mb-4 flex gap-1 md:hidden">
      {TABS.map(({ to, label }) => (
        <NavLink
          key={to}
          to={to}
          className={({ isActive }) =>
            `rounded-md px-2.5 py-1.5 text-sm font-medium ${
              isActive
                ? "bg-brand-50 text-brand-700 dark:bg-brand-600/15 dark:text-brand-100"
                : "text-zinc-700 dark:text-zinc-300"
            }`
          }
        >
          {label}
        </NavLink>
      ))}
    </nav>
  );
}
