/**
 * Phones have no sidebar: this sheet (from the bottom nav) holds what it would show — Today,
 * Upcoming, Calendar, the projects with their counts, the saved views, and the buttons that
 * create them. A lazy chunk of its own; the Dialog gives it the focus trap, Esc and its label.
 */
import { useEffect, useRef, type RefObject } from "react";
import { useLocation } from "react-router";
import { Dialog } from "@/ui/Dialog";
import { PlannerNav, ProjectsNav, ViewsNav } from "./Sidebar";

export default function ProjectsDrawer({
  open,
  onOpenChange,
  opener,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Focus returns here on close (a tap on it does not focus it, so Radix cannot know it). */
  opener: RefObject<HTMLButtonElement | null>;
}) {
  // Going somewhere (a link, or a project just created) closes the sheet.
  const { key } = useLocation();
  const openedAt = useRef(key);
  useEffect(() => {
    if (!open) openedAt.current = key;
    else if (key !== openedAt.current) onOpenChange(false);
  }, [key, open, onOpenChange]);

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Projects and views"
      onCloseAutoFocus={(e) => {
        e.preventDefault();
        opener.current?.focus();
      }}
    >
      <div className="-mx-2">
        <PlannerNav />
        <ProjectsNav />
        <ViewsNav />
      </div>
    </Dialog>
  );
}
