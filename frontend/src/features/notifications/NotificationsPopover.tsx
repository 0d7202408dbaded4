import * as Popover from "@radix-ui/react-popover";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { BellOff } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import { useTimeZone } from "@/features/auth/context";
import { dateFormat } from "@/lib/dates";
import { cn } from "@/lib/cn";
import { ActionSelect } from "@/ui/ActionSelect";
import { Button, Spinner } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import {
  listNotifications,
  markRead,
  notificationKeys,
  snooze,
  SNOOZE_CHOICES,
  type Notification,
  type NotificationPage,
} from "./api";

const SNOOZE_OPTIONS = SNOOZE_CHOICES.map((c) => ({ value: String(c.minutes), label: c.label }));

/**
 * The notifications panel: a Radix popover (Esc and a click outside close it, focus goes back to
 * the bell), opened as it loads (the bell's first click loaded it).
 */
export default function NotificationsPopover({
  label,
  unread,
  children,
}: {
  label: string;
  unread: number;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(true);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <Button size="icon" variant="ghost" className="relative" aria-label={label}>
          {children}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          collisionPadding={8}
          aria-label="Notifications"
          className="z-50 flex max-h-[min(32rem,var(--radix-popover-content-available-height))] w-96 max-w-[calc(100vw-1rem)] flex-col rounded-lg border border-zinc-200 bg-white text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <NotificationsPanel unread={unread} onNavigate={() => setOpen(false)} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

export function NotificationsPanel({
  unread,
  onNavigate,
}: {
  unread: number;
  onNavigate: () => void;
}) {
  const qc = useQueryClient();
  const timeZone = useTimeZone();
  const when = (iso: string) =>
    dateFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
      new Date(iso),
    );
  const list = useInfiniteQuery({
    queryKey: notificationKeys.list,
    queryFn: async ({ pageParam }) => {
      const page = await listNotifications(pageParam);
      // Every page carries the unread count: the badge follows what the panel shows.
      qc.setQueryData(notificationKeys.unread, page.unread_count);
      return page;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last: NotificationPage) => last.next_cursor,
  });
  const refresh = (left?: number) => {
    if (left !== undefined) qc.setQueryData(notificationKeys.unread, left);
    return qc.invalidateQueries({ queryKey: notificationKeys.all });
  };
  const read = useMutation({
    mutationFn: markRead,
    onSuccess: (left) => refresh(left),
    onError: (e) => toast.error(`Could not mark as read: ${errorMessage(e)}`),
  });
  const later = useMutation({
    mutationFn: ({ n, minutes }: { n: Notification; minutes: number }) => snooze(n.id, minutes),
    onSuccess: (_r, { minutes }) => {
      toast.success(
        `Snoozed: reminding you again in ${SNOOZE_CHOICES.find((c) => c.minutes === minutes)?.label}`,
      );
      void refresh();
    },
    onError: (e) => toast.error(`Could not snooze: ${errorMessage(e)}`),
  });

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unreadNow = list.data?.pages[0]?.unread_count ?? unread;

  return (
    <>
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="font-semibold">Notifications</h2>
        <Button
          size="sm"
          variant="ghost"
          disabled={unreadNow === 0 || read.isPending}
          onClick={() => read.mutate("all")}
        >
          Mark all read
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {list.isPending ? (
          <div className="flex justify-center p-6">
            <Spinner label="Loading notifications" />
          </div>
        ) : list.isError ? (
          <p role="alert" className="p-4 text-red-700 dark:text-red-400">
            Could not load your notifications: {errorMessage(list.error)}
          </p>
        ) : items.length === 0 ? (
          <div className="flex flex-col items-center gap-2 px-6 py-10 text-center text-zinc-600 dark:text-zinc-400">
            <BellOff className="size-6" aria-hidden="true" />
            <p className="font-medium text-zinc-800 dark:text-zinc-200">No notifications yet</p>
            <p>Reminders you set on a task arrive here.</p>
          </div>
        ) : (
          <ul aria-label="Notifications" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {items.map((n) => (
              <li
                key={n.id}
                data-testid="notification"
                className={cn(
                  "flex gap-2 px-3 py-2.5",
                  !n.read_at && "bg-brand-50/60 dark:bg-brand-600/10",
                )}
              >
                <span
                  aria-hidden="true"
                  className={cn(
                    "mt-1.5 size-2 shrink-0 rounded-full",
                    n.read_at ? "bg-transparent" : "bg-brand-600",
                  )}
                />
                <div className="min-w-0 flex-1">
                  <Link
                    to={`/tasks/${n.task_id}`}
                    className="block truncate font-medium hover:underline"
                    onClick={() => {
                      if (!n.read_at) read.mutate([n.id]);
                      onNavigate();
                    }}
                  >
                    {n.read_at ? null : <span className="sr-only">Unread: </span>}
                    {n.title}
                  </Link>
                  <p className="text-xs text-zinc-600 dark:text-zinc-400">
                    {n.kind === "reminder" ? "Reminder" : n.kind} · {when(n.created_at)}
                    {n.due_at && <> · due {when(n.due_at)}</>}
                  </p>
                </div>
                {n.kind === "reminder" && (
                  <ActionSelect
                    label={`Snooze ${n.title}`}
                    prompt="Snooze…"
                    options={SNOOZE_OPTIONS}
                    disabled={later.isPending}
                    onPick={(minutes) => later.mutate({ n, minutes: Number(minutes) })}
                    className="h-7 shrink-0 self-center rounded-md border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <div className="border-t border-zinc-200 p-2 text-center dark:border-zinc-800">
            <Button
              size="sm"
              variant="secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {list.isFetchingNextPage && <Spinner />}Load more
            </Button>
          </div>
        )}
      </div>
    </>
  );
}
