import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { matchPath, useLocation, useNavigate, useParams } from "react-router";
import { ApiError } from "@/api/problem";
import type { Task } from "@/api/types";
import { getTask, taskKeys } from "./api";
import { findCachedTask } from "./cache";
import { editor, useEditor } from "./editor";

/** Open a task's editor from the list, giving it its own URL (`/tasks/:id`, filters kept). */
export function useOpenTask(): (task: Task, focus?: "due") => void {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { pathname, search } = useLocation();
  return useCallback(
    (task: Task, focus?: "due") => {
      // The cache's newest copy, not the clicked row's: a click can land before the re-render
      // that shows a write's answer (an undo's, say), and an editor on the older version would
      // be refused (412) and merged on save.
      editor.openEdit(findCachedTask(qc, task.id) ?? task, focus);
      // `fromList`: closing can go back in history instead of stacking another list entry.
      if (pathname.startsWith("/tasks"))
        navigate({ pathname: `/tasks/${task.id}`, search }, { state: { fromList: true } });
    },
    [navigate, qc, pathname, search],
  );
}

/**
 * Open another task in the editor already showing one (a subtask, or a subtask's parent). On a
 * task's own address that address becomes the other task's, in place, and the route opens it:
 * Back and closing still return to the list the first task was opened from.
 */
export function useSwitchTask(): (task: Task) => void {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { pathname, search, state } = useLocation();
  const onTaskAddress = matchPath("/tasks/:taskId", pathname) !== null;
  return useCallback(
    (task: Task) => {
      if (onTaskAddress)
        navigate({ pathname: `/tasks/${task.id}`, search }, { replace: true, state });
      else editor.openEdit(findCachedTask(qc, task.id) ?? task);
    },
    [navigate, qc, onTaskAddress, search, state],
  );
}

/**
 * `/tasks/:id`: open that task's editor over the list (from the cache, or fetched), and return to
 * the list's URL with its filters once the editor closes. An unknown id, or another account's
 * task (the API answers 404 for both, 422 for a malformed id), is `notFound`.
 */
export function useTaskRoute(): { notFound: boolean } {
  const { taskId } = useParams();
  const { search, state: routeState } = useLocation();
  const fromList = (routeState as { fromList?: boolean } | null)?.fromList === true;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const state = useEditor();
  const shown = state.mode === "edit" ? state.task.id : null;
  const cached = taskId ? findCachedTask(qc, taskId) : undefined;
  // The id whose editor this route has opened (or found open): closing it leaves the route.
  const opened = useRef<string | null>(null);
  // The id whose route closing has left: once. A browser's Back lands a moment later (popstate),
  // and a render before it (a save's answer, a live update) must not go back again, out of the app.
  const left = useRef<string | null>(null);

  const detail = useQuery({
    queryKey: taskKeys.detail(taskId),
    queryFn: () => getTask(taskId!),
    enabled: !!taskId && !cached && shown !== taskId,
    retry: false,
  });

  useEffect(() => {
    if (!taskId) {
      // Left the task's address (the browser's Back): its editor goes with it.
      if (opened.current && shown === opened.current) editor.close();
      opened.current = null;
      left.current = null;
      return;
    }
    if (opened.current === taskId) {
      if (shown !== taskId && left.current !== taskId) {
        left.current = taskId;
        if (fromList) navigate(-1);
        else navigate({ pathname: "/tasks", search }, { replace: true });
      }
      return;
    }
    if (shown === taskId) {
      opened.current = taskId;
      return;
    }
    const task = cached ?? detail.data;
    if (task) {
      opened.current = taskId;
      editor.openEdit(task);
    }
  }, [taskId, shown, cached, detail.data, navigate, search, fromList]);

  const missing =
    detail.error instanceof ApiError &&
    (detail.error.status === 404 || detail.error.status === 422);
  return { notFound: !!taskId && missing };
}
