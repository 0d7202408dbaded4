import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import type { Notification } from "./api";
import { NotificationsButton } from "./NotificationsButton";

beforeEach(() => setAccessToken("token"));
// The bell and its panel are lazy chunks: transformed once here, not inside a test's 1 s wait for
// the bell (the first test failed that way with other test files running beside it).
beforeAll(async () => {
  await Promise.all([import("./Bell"), import("./NotificationsPopover")]);
}, 30_000);

const note = (i: number, over: Partial<Notification> = {}): Notification => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  kind: "reminder",
  task_id: `00000000-0000-4000-9000-${String(i).padStart(12, "0")}`,
  title: `Reminder ${i}`,
  due_at: null,
  created_at: new Date(Date.UTC(2026, 11, 1, 12, 60 - i)).toISOString(),
  read_at: null,
  ...over,
});

/** A notifications API over `items` (newest first), in pages the client asks for. */
function serve(items: Notification[]) {
  const unread = () => items.filter((n) => !n.read_at).length;
  return mockApi({
    "GET /api/v1/notifications": (req) => {
      const q = new URL(req.url).searchParams;
      const limit = Number(q.get("limit") ?? 50);
      const from = q.get("cursor") ? Number(q.get("cursor")) : 0;
      const page = items.slice(from, from + limit);
      const more = from + limit < items.length;
      return json({
        items: page,
        next_cursor: more ? String(from + limit) : null,
        unread_count: unread(),
      });
    },
    "POST /api/v1/notifications/read": async (req) => {
      const body = (await req.json()) as { ids?: string[]; all?: boolean };
      const now = new Date().toISOString();
      items = items.map((n) =>
        body.all || body.ids?.includes(n.id) ? { ...n, read_at: n.read_at ?? now } : n,
      );
      return json({ unread_count: unread() });
    },
    "POST /api/v1/notifications/:id/snooze": () =>
      json(
        {
          id: "r1",
          task_id: items[0]!.task_id,
          at: null,
          before_due: null,
          fires_at: null,
          fired_at: null,
          created_at: new Date().toISOString(),
        },
        201,
      ),
  });
}

describe("the notifications bell", () => {
  it("shows the unread count in its name and badge", async () => {
    serve([note(1), note(2), note(3, { read_at: "2026-12-01T00:00:00Z" }), note(4)]);
    renderWith(<NotificationsButton />);
    const bell = await screen.findByRole("button", { name: "Notifications, 3 unread" });
    expect(within(bell).getByTestId("unread-badge")).toHaveTextContent("3");
  });

  it("with nothing unread has no badge, and the panel says there is nothing yet", async () => {
    const user = userEvent.setup();
    serve([]);
    renderWith(<NotificationsButton />);
    const bell = await screen.findByRole("button", { name: "Notifications" });
    expect(screen.queryByTestId("unread-badge")).not.toBeInTheDocument();
    await user.click(bell);
    expect(await screen.findByText("No notifications yet")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Mark all read" })).toBeDisabled();
  });

  it("opens a panel newest first; Mark all read clears the badge", async () => {
    const user = userEvent.setup();
    const { calls } = serve([note(1), note(2, { read_at: "2026-12-01T00:00:00Z" }), note(3)]);
    renderWith(<NotificationsButton />);
    await user.click(await screen.findByRole("button", { name: "Notifications, 2 unread" }));
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    const rows = await within(panel).findAllByTestId("notification");
    expect(rows.map((r) => within(r).getByRole("link").textContent)).toEqual([
      "Unread: Reminder 1",
      "Reminder 2",
      "Unread: Reminder 3",
    ]);
    expect(within(rows[0]!).getByRole("link")).toHaveAttribute("href", `/tasks/${note(1).task_id}`);
    await user.click(within(panel).getByRole("button", { name: "Mark all read" }));
    await screen.findByRole("button", { name: "Notifications" });
    expect(screen.queryByTestId("unread-badge")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST").map((c) => JSON.parse(c.body))).toEqual([
      { all: true },
    ]);
    await waitFor(() => expect(within(panel).queryByText(/^Unread:/)).not.toBeInTheDocument());
  });

  it("loads older pages with Load more (the cursor of the page before)", async () => {
    const user = userEvent.setup();
    const { calls } = serve(Array.from({ length: 25 }, (_, i) => note(i + 1)));
    renderWith(<NotificationsButton />);
    await user.click(await screen.findByRole("button", { name: "Notifications, 25 unread" }));
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    expect(await within(panel).findAllByTestId("notification")).toHaveLength(20);
    await user.click(within(panel).getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(panel).getAllByTestId("notification")).toHaveLength(25));
    expect(within(panel).getAllByRole("link").at(-1)).toHaveTextContent("Reminder 25");
    expect(within(panel).queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    const pages = calls.filter(
      (c) => c.path === "/api/v1/notifications" && c.search.includes("limit=20"),
    );
    expect(pages.map((c) => new URLSearchParams(c.search).get("cursor"))).toEqual([null, "20"]);
  });

  it("opening a notification marks it read and closes the panel", async () => {
    const user = userEvent.setup();
    const { calls } = serve([note(1), note(2)]);
    renderWith(<NotificationsButton />);
    await user.click(await screen.findByRole("button", { name: "Notifications, 2 unread" }));
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    await user.click(await within(panel).findByRole("link", { name: /^Unread:\s*Reminder 2$/ }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await screen.findByRole("button", { name: "Notifications, 1 unread" });
    expect(calls.filter((c) => c.method === "POST").map((c) => JSON.parse(c.body))).toEqual([
      { ids: [note(2).id] },
    ]);
  });

  it("snoozes a reminder for the chosen time", async () => {
    const user = userEvent.setup();
    const { calls } = serve([note(1)]);
    renderWith(<NotificationsButton />);
    await user.click(await screen.findByRole("button", { name: "Notifications, 1 unread" }));
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    await user.selectOptions(
      await within(panel).findByRole("combobox", { name: "Snooze Reminder 1" }),
      "1 hour",
    );
    await waitFor(() =>
      expect(
        calls.filter((c) => c.path.endsWith("/snooze")).map((c) => JSON.parse(c.body)),
      ).toEqual([{ minutes: 60 }]),
    );
    expect(calls.find((c) => c.path.endsWith("/snooze"))?.path).toBe(
      `/api/v1/notifications/${note(1).id}/snooze`,
    );
  });

  it("Esc closes the panel and gives the focus back to the bell", async () => {
    const user = userEvent.setup();
    serve([note(1)]);
    renderWith(<NotificationsButton />);
    await user.click(await screen.findByRole("button", { name: "Notifications, 1 unread" }));
    await screen.findByRole("dialog", { name: "Notifications" });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Notifications, 1 unread" })).toHaveFocus();
  });
});
