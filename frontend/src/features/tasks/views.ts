/**
 * What other task views (Today, Upcoming, Calendar) take from the list, in one place. Besides
 * being one import, it keeps the bundle whole: a page that reaches only some of the list's
 * modules makes the bundler split them into a chunk per combination of pages, and that gzip
 * overhead alone pushed /tasks past its 150 kB budget. Reaching them all through here keeps them
 * one chunk with the list and the board.
 */
export { applyPatch } from "./cache";
export { editor } from "./editor";
export { FilterBar } from "./FilterBar";
export { moveTaskFocus } from "./focusNav";
export { useTaskFilters } from "./filters";
export { useUpdateTask } from "./mutations";
export { QuickAdd } from "./QuickAdd";
export { useTaskList } from "./queries";
export { QueryLoadError } from "./QueryLoadError";
export { ParentBadge, PriorityBadge, RepeatMark, SubtaskCount } from "./TaskBadges";
export { ParentTitles, useParentTitles } from "./parentTitles";
export { PRIORITY_LABEL, PRIORITY_RING } from "./statusPriorityDisplay";
export { CompleteButton, TaskItem } from "./TaskItem";
export { useOpenTask, useTaskRoute } from "./taskRoute";
export { useTaskKeys } from "./taskKeys";
export { useShortcuts } from "@/lib/useShortcuts";
