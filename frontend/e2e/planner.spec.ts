import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { shoot } from "./axe";
import {
  createAccount,
  dayIn,
  dragOnto,
  listTitles,
  logIn,
  PASSWORD,
  signedInWithTasks,
  streamOpened,
} from "./helpers";

const ZONE = "Europe/Berlin";

/** A later month (`YYYY-MM`, 32 days on, usually the next): none of its days is past. */
const nextMonth = () => new Date(Date.now() + 32 * 86_400_000).toISOString().slice(0, 7);
/** An instant at `hh:mm` Berlin wall time on `day`. */
function berlin(day: string, hhmm: string): string {
  const probe = new Date(`${day}T12:00:00Z`);
  const name = new Intl.DateTimeFormat("en-US", { timeZone: ZONE, timeZoneName: "longOffset" })
    .formatToParts(probe)
    .find((p) => p.type === "timeZoneName")!.value; // "GMT+01:00"
  return new Date(`${day}T${hhmm}:00${name.slice(3) || "+00:00"}`).toISOString();
}
const wall = (iso: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));

async function account(request: APIRequestContext, baseURL: string, tag: string) {
  const email = await createAccount(request, baseURL, tag);
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { email, password: PASSWORD },
  });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const me = await request.patch(`${baseURL}/api/v1/users/me`, {
    data: { time_zone: ZONE },
    headers,
  });
  expect(me.status(), await me.text()).toBe(200);
  const ids: Record<string, string> = {};
  const seed = async (task: Record<string, unknown>) => {
    const res = await request.post(`${baseURL}/api/v1/tasks`, { data: task, headers });
    expect(res.status(), await res.text()).toBe(201);
    ids[task.title as string] = (await res.json()).id;
  };
  const get = async (title: string) =>
    (await (await request.get(`${baseURL}/api/v1/tasks/${ids[title]}`, { headers })).json()) as {
      due_on: string | null;
      due_date: string | null;
      status: string;
    };
  /** A change from elsewhere (another device): the page hears of it on its live stream. */
  const change = async (title: string, patch: Record<string, unknown>) => {
    const res = await request.patch(`${baseURL}/api/v1/tasks/${ids[title]}`, {
      data: patch,
      headers,
    });
    expect(res.status(), await res.text()).toBe(200);
  };
  return { email, seed, get, change };
}

test("Today: overdue and due today in the user's zone, completed in place", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "today");
  await seed({ title: "Renew passport", due_on: dayIn(-3), priority: "high" });
  await seed({ title: "Pay rent", due_on: dayIn(0) });
  await seed({ title: "Call the bank", due_date: berlin(dayIn(0), "23:59") });
  await seed({ title: "Dentist", due_date: berlin(dayIn(1), "09:30") });
  await seed({ title: "Someday maybe" });
  await logIn(page, email);

  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Today" })
    .click();
  await expect(page).toHaveURL(/\/today$/);
  const overdue = page.getByRole("list", { name: "Overdue" });
  const due = page.getByRole("list", { name: "Due today" });
  await expect(overdue.getByTestId("task-item")).toHaveText([/Renew passport/]);
  await expect(due.getByTestId("task-item")).toHaveText([/Pay rent/, /Call the bank/]);
  await expect(page.getByText("Dentist")).toHaveCount(0);
  await expect(page.getByText("Someday maybe")).toHaveCount(0);
  await shoot(page, "today-desktop");

  // The list's own row: complete in place, and the task leaves Today.
  await due.getByRole("checkbox", { name: "Complete “Pay rent”" }).click();
  await expect(due.getByTestId("task-item")).toHaveText([/Call the bank/]);
  await expect.poll(async () => (await get("Pay rent")).status).toBe("done");
  // Edit in place: the editor opens over Today.
  await overdue.getByRole("button", { name: "Edit “Renew passport”" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page).toHaveURL(/\/today$/);
  await page.keyboard.press("Escape");

  // Keyboard-first on a fresh load of Today (no task list cached): j focuses the overdue task,
  // 1 makes it urgent, t moves it to today, and e opens it.
  await page.goto("/today");
  await expect(overdue.getByTestId("task-item")).toHaveText([/Renew passport/]);
  await page.keyboard.press("j");
  await expect(overdue.getByRole("button", { name: "Edit “Renew passport”" })).toBeFocused();
  await page.keyboard.press("1");
  await expect(overdue.getByTestId("task-item")).toContainText("Urgent");
  await page.keyboard.press("t");
  await expect(due.getByTestId("task-item")).toHaveText([/Renew passport/, /Call the bank/]);
  await expect(overdue).toHaveCount(0);
  await expect.poll(async () => (await get("Renew passport")).due_on).toBe(dayIn(0));
  // The row moved to another group (a new element); the focus went with it.
  await expect(due.getByRole("button", { name: "Edit “Renew passport”" })).toBeFocused();
  await page.keyboard.press("e");
  const editor = page.getByRole("dialog", { name: "Edit task" });
  await expect(editor.getByLabel("Title")).toHaveValue("Renew passport");
  await page.keyboard.press("Escape");

  await page.setViewportSize({ width: 375, height: 812 });
  const bottom = page.getByRole("navigation", { name: "Sections" });
  await expect(bottom.getByRole("link", { name: "Today" })).toBeVisible();
  await shoot(page, "today-phone");
});

test("Today: “Move all to today” reschedules every overdue task in one change, and Undo takes it back", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "today-overdue");
  await seed({ title: "Renew passport", due_on: dayIn(-3), priority: "high" });
  // 00:00 today is past by the time the button is pressed, 23:59 is still ahead.
  await seed({ title: "Send the invoice", due_date: berlin(dayIn(-1), "00:00") });
  await seed({ title: "Call the plumber", due_date: berlin(dayIn(-2), "23:59") });
  await seed({ title: "Pay rent", due_on: dayIn(0) });
  await logIn(page, email);
  await page.goto("/today");
  const overdue = page.getByRole("list", { name: "Overdue" });
  const due = page.getByRole("list", { name: "Due today" });
  await expect(overdue.getByTestId("task-item")).toHaveText([
    /Renew passport/,
    /Call the plumber/,
    /Send the invoice/,
  ]);
  await shoot(page, "today-overdue");
  const bulks: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/tasks/bulk")
      bulks.push(r.url());
  });

  await page.getByRole("button", { name: "Move all to today (3 overdue)" }).click();
  await expect(overdue).toHaveCount(0);
  await expect(due.getByTestId("task-item")).toHaveCount(4);
  await expect.poll(async () => (await get("Renew passport")).due_on).toBe(dayIn(0));
  // A due time keeps its clock time where that is still ahead today, else it becomes a due day.
  expect(await get("Send the invoice")).toMatchObject({ due_on: dayIn(0), due_date: null });
  expect(wall((await get("Call the plumber")).due_date!)).toBe(`${dayIn(0)}, 23:59`);
  await expect(due.getByTestId("task-item").filter({ hasText: "Call the plumber" })).toContainText(
    "23:59",
  );
  expect(bulks).toHaveLength(1);

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(overdue.getByTestId("task-item")).toHaveText([
    /Renew passport/,
    /Call the plumber/,
    /Send the invoice/,
  ]);
  await expect.poll(async () => (await get("Renew passport")).due_on).toBe(dayIn(-3));
  expect(wall((await get("Send the invoice")).due_date!)).toBe(`${dayIn(-1)}, 00:00`);
  expect(wall((await get("Call the plumber")).due_date!)).toBe(`${dayIn(-2)}, 23:59`);
  await expect(due.getByTestId("task-item")).toHaveText([/Pay rent/]);
});

test("Upcoming: 14 days by day; drag keeps a due time's clock time, the menu moves a due day", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "upcoming");
  await seed({ title: "Dentist", due_date: berlin(dayIn(1), "09:30") });
  await seed({ title: "Water the plants", due_on: dayIn(2) });
  await seed({ title: "Far away", due_on: dayIn(20) });
  await logIn(page, email);
  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Upcoming" })
    .click();

  await expect(page.getByRole("main").getByRole("heading", { level: 2 })).toHaveCount(14);
  await expect(page.getByRole("heading", { level: 2, name: /^Today/ })).toBeVisible();
  await expect(page.getByRole("list", { name: "Due Tomorrow" })).toContainText("Dentist");
  await expect(page.getByText("Far away")).toHaveCount(0);
  await shoot(page, "upcoming-desktop");

  // Drag "Dentist" (tomorrow 09:30) onto the day in four days.
  const target = dayIn(4);
  const row = page.locator('[data-testid="agenda-item"]', { hasText: "Dentist" });
  // What a screen reader is told of a draggable row: the keyboard's way, not dnd-kit's space bar.
  await expect(row).toHaveAccessibleDescription(/use its Move to menu\.$/);
  await dragOnto(page, row, page.locator(`section[data-day="${target}"]`));
  await expect(page.locator(`section[data-day="${target}"]`)).toContainText("Dentist");
  await expect.poll(async () => wall((await get("Dentist")).due_date!)).toBe(`${target}, 09:30`);

  // The keyboard's way: the row's "Move to" menu; a due day stays a due day.
  await page.getByLabel("Move “Water the plants” to another day").selectOption(dayIn(6));
  await expect(page.locator(`section[data-day="${dayIn(6)}"]`)).toContainText("Water the plants");
  await expect.poll(async () => (await get("Water the plants")).due_on).toBe(dayIn(6));
  expect((await get("Water the plants")).due_date).toBeNull();

  // The task keys work here too: t brings the task it just moved to today.
  await page.getByRole("button", { name: "Edit “Water the plants”" }).focus();
  await page.keyboard.press("t");
  const today = page.locator(`section[data-day="${dayIn(0)}"]`);
  await expect(today).toContainText("Water the plants");
  await expect.poll(async () => (await get("Water the plants")).due_on).toBe(dayIn(0));
  // Its row is new, under Today: the focus went with it, so the keys go on from there.
  await expect(today.getByRole("button", { name: "Edit “Water the plants”" })).toBeFocused();
  await page.keyboard.press("j");
  await expect(page.getByRole("button", { name: "Edit “Dentist”" })).toBeFocused();

  // Arrowing through the focused menu moves the task a day a press, each move on the one before
  // it: the user's own earlier move is no conflict.
  const menu = page.getByLabel("Move “Water the plants” to another day");
  await menu.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator(`section[data-day="${dayIn(2)}"]`)).toContainText("Water the plants");
  await expect.poll(async () => (await get("Water the plants")).due_on).toBe(dayIn(2));
  await expect(menu).toBeFocused();
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 812 });
  await shoot(page, "upcoming-phone");
});

/** Holds the page's writes (PATCH) until each is let go, in the order sent. */
function holdWrites(page: Page) {
  const held: (() => void)[] = [];
  void page.route(
    (url) => url.pathname.startsWith("/api/v1/tasks/"),
    async (route) => {
      if (route.request().method() !== "PATCH") return route.fallback();
      await new Promise<void>((resolve) => held.push(resolve));
      await route.continue();
    },
  );
  return { count: () => held.length, release: (i: number) => held[i]!() };
}

test("Upcoming: a read already on its way, or a change answered while a later move waits, does not put a moved task back", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get, change } = await account(request, baseURL!, "upcoming-race");
  await seed({ title: "Dentist", due_on: dayIn(1) });
  await seed({ title: "Water the plants", due_on: dayIn(2) });
  await seed({ title: "Gym", due_on: dayIn(3) });
  const opened = streamOpened(page);
  await logIn(page, email);
  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Upcoming" })
    .click();
  const day = (offset: number) => page.locator(`section[data-day="${dayIn(offset)}"]`);
  await expect(day(2)).toContainText("Water the plants");
  await opened;

  // Another device changes "Gym": the page reads the agenda again. That read is answered from
  // the server as it is now, and held back until after the move below.
  let answered!: () => void;
  const readAnswered = new Promise<void>((resolve) => (answered = resolve));
  let letRead!: () => void;
  const readHeld = new Promise<void>((resolve) => (letRead = resolve));
  await page.route(
    "**/api/v1/tasks/agenda?*",
    async (route) => {
      const response = await route.fetch();
      answered();
      await readHeld;
      await route.fulfill({ response }).catch(() => {}); // the page may have dropped it
    },
    { times: 1 },
  );
  await change("Gym", { priority: "high" });
  await readAnswered;

  const writes = holdWrites(page);
  const move = page.getByLabel("Move “Water the plants” to another day");
  await move.focus(); // as a keyboard user, who picks the day in the menu they tabbed to
  await move.selectOption(dayIn(6));
  await expect(day(6)).toContainText("Water the plants");
  // The keyboard stays with the task it moved, in its new place.
  await expect(move).toBeFocused();
  letRead();
  await expect.poll(() => writes.count()).toBe(1);
  // The old read has had time to land; with the change still unanswered, nothing else moves it.
  await page.waitForTimeout(1000);
  await expect(day(2)).not.toContainText("Water the plants");
  await expect(day(6)).toContainText("Water the plants");

  // A second move waits behind the first; the first one's answer must not undo it either.
  await page.getByLabel("Move “Dentist” to another day").selectOption(dayIn(4));
  await expect(day(4)).toContainText("Dentist");
  writes.release(0);
  await expect.poll(() => writes.count()).toBe(2);
  await page.waitForTimeout(1000);
  await expect(day(1)).not.toContainText("Dentist");
  await expect(day(4)).toContainText("Dentist");
  writes.release(1);
  await expect.poll(async () => (await get("Dentist")).due_on).toBe(dayIn(4));
  expect((await get("Water the plants")).due_on).toBe(dayIn(6));
  await page.reload();
  await expect(day(4)).toContainText("Dentist");
  await expect(day(6)).toContainText("Water the plants");
});

test("the task keys show at once on Today and Upcoming, where the server will put the task, before the write is answered", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "planner-keys");
  await seed({ title: "File taxes", due_on: dayIn(-2), priority: "high" });
  await seed({ title: "Call mum", due_on: dayIn(0), priority: "low" });
  await seed({ title: "Pay rent", due_on: dayIn(0) });
  await seed({ title: "Book the dentist", due_on: dayIn(3), priority: "low" });
  await logIn(page, email);
  const planner = page.getByRole("navigation", { name: "Planner" });
  await planner.getByRole("link", { name: "Today" }).click();
  const titles = (list: string) =>
    page.getByRole("list", { name: list }).getByRole("button", { name: /^Edit “/ });
  await expect(titles("Due today")).toHaveText(["Pay rent", "Call mum"]);
  await expect(titles("Overdue")).toHaveText(["File taxes"]);

  const writes = holdWrites(page);
  // 1 (urgent) re-sorts the day: the most urgent first.
  await page.getByRole("button", { name: "Edit “Call mum”" }).focus();
  await page.keyboard.press("1");
  await expect(titles("Due today")).toHaveText(["Call mum", "Pay rent"]);
  // t brings an overdue task to today; the Overdue group goes with its last task.
  await page.getByRole("button", { name: "Edit “File taxes”" }).focus();
  await page.keyboard.press("t");
  await expect(titles("Due today")).toHaveText(["Call mum", "File taxes", "Pay rent"]);
  await expect(page.getByRole("list", { name: "Overdue" })).toHaveCount(0);
  expect(writes.count()).toBe(1); // the second waits behind the first, both still unanswered
  writes.release(0);
  await expect.poll(() => writes.count()).toBe(2);
  writes.release(1);
  await expect.poll(async () => (await get("File taxes")).due_on).toBe(dayIn(0));
  await page.reload();
  await expect(titles("Due today")).toHaveText(["Call mum", "File taxes", "Pay rent"]);

  await planner.getByRole("link", { name: "Upcoming" }).click();
  const today = page.locator(`section[data-day="${dayIn(0)}"]`);
  await expect(page.locator(`section[data-day="${dayIn(3)}"]`)).toContainText("Book the dentist");
  await page.getByRole("button", { name: "Edit “Book the dentist”" }).focus();
  await page.keyboard.press("t");
  await expect(today.getByRole("button", { name: /^Edit “/ })).toHaveText([
    "Call mum",
    "File taxes",
    "Pay rent",
    "Book the dentist",
  ]);
  await expect(today.getByRole("button", { name: "Edit “Book the dentist”" })).toBeFocused();
  await expect.poll(() => writes.count()).toBe(3);
  writes.release(2);
  await expect.poll(async () => (await get("Book the dentist")).due_on).toBe(dayIn(0));
});

test("Calendar: a month of the agenda, one month at a time; drag moves a task", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "calendar");
  const today = dayIn(0);
  await seed({ title: "Quarterly report", due_on: today });
  await seed({ title: "Book flights", due_date: berlin(today, "18:00") });
  await logIn(page, email);
  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Calendar" })
    .click();

  const cell = page.locator(`li[data-day="${today}"]`);
  await expect(cell.getByTestId("calendar-task")).toHaveText(["Quarterly report", "Book flights"]);
  await shoot(page, "calendar-desktop");
  await cell.getByRole("button", { name: "Edit “Quarterly report”" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");

  const heading = await page.getByRole("heading", { level: 1 }).textContent();
  await page.getByRole("button", { name: "Next month" }).click();
  await expect(page).toHaveURL(/\/calendar\?month=\d{4}-\d{2}$/);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(heading!);
  await expect(page.getByTestId("calendar-task")).toHaveCount(0);
  await page.getByRole("button", { name: "Today" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
  await expect(cell.getByTestId("calendar-task")).toHaveCount(2);

  // Clicked twice at once, it goes two months back, also where the page renders a while after
  // each click (a slower machine).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await page.getByRole("button", { name: "Previous month" }).dblclick();
  const [year, monthNo] = today.split("-").map(Number);
  const twoBack = new Date(Date.UTC(year!, monthNo! - 3, 1)).toISOString().slice(0, 7);
  await expect(page).toHaveURL(new RegExp(`month=${twoBack}$`));
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await page.getByRole("button", { name: "Today" }).click();
  await expect(cell.getByTestId("calendar-task")).toHaveCount(2);

  // Drag "Quarterly report" onto another day of this month; a click still opens it (above).
  const target = dayIn(1).slice(0, 7) === today.slice(0, 7) ? dayIn(1) : dayIn(-1);
  const chip = cell.getByTestId("calendar-task").filter({ hasText: "Quarterly report" });
  await expect(chip.locator("xpath=..")).toHaveAccessibleDescription(
    /open it and change its date\.$/,
  );
  await dragOnto(page, chip, page.locator(`li[data-day="${target}"]`));
  await expect(page.locator(`li[data-day="${target}"]`).getByTestId("calendar-task")).toHaveText(
    "Quarterly report",
  );
  await expect.poll(async () => (await get("Quarterly report")).due_on).toBe(target);
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 812 });
  await shoot(page, "calendar-phone");

  // A phone lists only the days with tasks, and every day once a drag starts: drop on an empty one.
  const empty = ["01", "02", "03"]
    .map((d) => `${today.slice(0, 8)}${d}`)
    .find((d) => d !== today && d !== target)!;
  const emptyCell = page.locator(`li[data-day="${empty}"]`);
  await expect(emptyCell).toBeHidden();
  await dragOnto(
    page,
    page.getByTestId("calendar-task").filter({ hasText: "Quarterly report" }),
    emptyCell,
  );
  await expect(emptyCell.getByTestId("calendar-task")).toHaveText("Quarterly report");
  await expect.poll(async () => (await get("Quarterly report")).due_on).toBe(empty);
  await expect(page.locator(`li[data-day="${target}"]`)).toBeHidden();
});

test("Calendar: a chip's ring has its task's priority; a task due on a past day reads overdue, a repeating one says so", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed } = await account(request, baseURL!, "calendar-chips");
  const yesterday = dayIn(-1);
  await seed({ title: "Renew the lease", priority: "urgent", due_on: yesterday });
  await seed({ title: "Team sync", priority: "low", due_on: dayIn(0), recurrence: "FREQ=WEEKLY" });
  await logIn(page, email);

  await page.goto(`/calendar?month=${yesterday.slice(0, 7)}`);
  const lease = page.getByRole("button", { name: "Edit “Renew the lease”" });
  await expect(lease).toHaveAccessibleDescription("Renew the lease (Urgent, overdue)");
  // In the red of the header's overdue count.
  await expect(page.getByTestId("stat-overdue")).toContainText("1");
  const overdueRed = await page
    .getByTestId("stat-overdue")
    .locator("span")
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  await expect(lease).toHaveCSS("color", overdueRed);
  await page.goto(`/calendar?month=${dayIn(0).slice(0, 7)}`);
  const sync = page.getByRole("button", { name: "Edit “Team sync”" });
  await expect(sync).toHaveAccessibleDescription("Team sync (Low)");
  await expect(sync.getByTitle("Repeats every week")).toBeVisible();
  await shoot(page, "calendar-chips");
});

test("Calendar: a busy day shows three tasks and “+N more”; j/k walk the tasks that show; a drop unfolds it", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed } = await account(request, baseURL!, "busyday");
  const month = nextMonth();
  const busy = `${month}-10`;
  for (const n of [1, 2, 3, 4, 5, 6]) await seed({ title: `Errand ${n}`, due_on: busy });
  await seed({ title: "Day after", due_on: `${month}-11` });
  await logIn(page, email);
  await page.goto(`/calendar?month=${month}`);

  const cell = page.locator(`li[data-day="${busy}"]`);
  const chips = cell.getByTestId("calendar-task");
  await expect(chips).toHaveCount(6);
  await expect(chips.filter({ visible: true })).toHaveCount(3);
  const more = cell.getByRole("button", { name: /^\+3 more tasks on / });
  await expect(more).toHaveAttribute("aria-expanded", "false");
  // The week's row keeps the height of three tasks and the button, not of six.
  const folded = (await cell.boundingBox())!.height;
  await shoot(page, "calendar-busy-day");

  // j/k walk the tasks that show, in reading order: from the third, j goes to the next day.
  await page.keyboard.press("j");
  await expect(chips.nth(0)).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(chips.nth(2)).toBeFocused();
  await page.keyboard.press("j");
  await expect(page.getByRole("button", { name: "Edit “Day after”" })).toBeFocused();
  await page.keyboard.press("k");
  await expect(chips.nth(2)).toBeFocused();

  await more.click();
  await expect(chips.filter({ visible: true })).toHaveCount(6);
  const fewer = cell.getByRole("button", { name: /^Show fewer tasks on / });
  await expect(fewer).toHaveAttribute("aria-expanded", "true");
  expect((await cell.boundingBox())!.height).toBeGreaterThan(folded);
  await fewer.click();
  await expect(chips.filter({ visible: true })).toHaveCount(3);

  // A task dropped on the folded day goes last: the day unfolds to show it.
  const dayAfter = page.getByTestId("calendar-task").filter({ hasText: "Day after" });
  await dragOnto(page, dayAfter.locator("xpath=.."), cell);
  await expect(chips).toHaveCount(7);
  await expect(chips.filter({ hasText: "Day after" })).toBeVisible();
  await expect(fewer).toHaveAttribute("aria-expanded", "true");

  // A phone lists the days, so a busy day shows all its tasks and needs no button.
  await page.setViewportSize({ width: 375, height: 812 });
  await expect(chips.filter({ visible: true })).toHaveCount(7);
  await expect(cell.getByRole("button", { name: /more tasks on/ })).toBeHidden();
});

test("Calendar: t moves the focused task onto a busy today, which unfolds to keep it in view and focused", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "calendar-t");
  const today = dayIn(0);
  // Another day of this month, so that both show on one page.
  const other = today.endsWith("-01") ? dayIn(1) : dayIn(-1);
  for (const n of [1, 2, 3, 4, 5])
    await seed({ title: `Chore ${n}`, due_on: today, priority: "high" });
  // Low: it goes last in today's cell, behind "+N more".
  await seed({ title: "Call the bank", due_on: other, priority: "low" });
  await logIn(page, email);
  await page.goto("/calendar");

  const cell = page.locator(`li[data-day="${today}"]`);
  const chips = cell.getByTestId("calendar-task");
  await expect(chips.filter({ visible: true })).toHaveCount(3);
  const mover = page.getByRole("button", { name: "Edit “Call the bank”" });
  await mover.focus();
  await page.keyboard.press("t");
  await expect(chips).toHaveCount(6);
  await expect(mover).toBeVisible();
  await expect(mover).toBeFocused();
  const fewer = cell.getByRole("button", { name: /^Show fewer tasks on / });
  await expect(fewer).toHaveAttribute("aria-expanded", "true");
  await expect.poll(async () => (await get("Call the bank")).due_on).toBe(today);

  // The keys go on from it; once the focus is elsewhere, the day folds as before.
  await page.keyboard.press("k");
  await expect(chips.nth(4)).toBeFocused();
  await fewer.click();
  await expect(chips.filter({ visible: true })).toHaveCount(3);
});

test("a day's + in Calendar and Upcoming, n on a day, and a new task on Today start it due that day", async ({
  page,
  request,
  baseURL,
}) => {
  const { email } = await account(request, baseURL!, "addonday");
  await logIn(page, email);
  const month = nextMonth();
  const day = `${month}-12`;
  await page.goto(`/calendar?month=${month}`);

  // From sm up the + shows on the day under the pointer (or holding the focus) only.
  const cell = page.locator(`li[data-day="${day}"]`);
  const add = cell.getByRole("button", { name: /^Add a task on / });
  await expect(add).toHaveCSS("opacity", "0");
  await cell.hover();
  await expect(add).toHaveCSS("opacity", "1");
  await shoot(page, "calendar-add-on-day");
  await add.click();
  const dialog = page.getByRole("dialog", { name: "New task" });
  await expect(dialog.getByLabel("Due day")).toHaveValue(day);
  await expect(dialog.getByLabel("Title")).toBeFocused();
  await dialog.getByLabel("Title").fill("Dentist");
  await dialog.getByRole("button", { name: "Add task" }).click();
  await expect(cell.getByTestId("calendar-task")).toHaveText("Dentist");
  await page.reload();
  await expect(cell.getByTestId("calendar-task")).toHaveText("Dentist");

  // Upcoming, by keyboard: the focused + shows, Enter opens the editor, Ctrl+Enter saves.
  await page.goto("/upcoming");
  const tomorrow = page.locator(`section[data-day="${dayIn(1)}"]`);
  const addTomorrow = tomorrow.getByRole("button", { name: /^Add a task on / });
  await addTomorrow.focus();
  await expect(addTomorrow).toHaveCSS("opacity", "1");
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(1));
  await page.keyboard.type("Call the plumber");
  await page.keyboard.press("Control+Enter");
  await expect(dialog).toBeHidden();
  await expect(tomorrow.getByTestId("agenda-item")).toContainText("Call the plumber");
  // n on a day's task (focused with the keyboard): a new task due that day too.
  await tomorrow.getByRole("button", { name: "Edit “Call the plumber”" }).focus();
  await page.keyboard.press("n");
  await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(1));
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Today's "Add task": due today, in the user's zone.
  await page.goto("/today");
  await page.getByRole("button", { name: "Add task due today" }).click();
  await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(0));
  await page.keyboard.type("Pay the rent");
  await page.keyboard.press("Control+Enter");
  await expect(page.getByRole("list", { name: "Due today" })).toContainText("Pay the rent");

  // Whatever starts a new task on Today starts it due today: n, and the sidebar's New task.
  for (const open of [
    () => page.keyboard.press("n"),
    () => page.getByRole("button", { name: "New task" }).first().click(),
  ]) {
    await open();
    await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(0));
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  }

  // Elsewhere a new task starts with no due.
  await page.goto("/tasks");
  await page.getByRole("button", { name: "New task" }).first().click();
  await expect(dialog.getByLabel("Due day")).toHaveValue("");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.keyboard.press("n");
  await expect(dialog.getByLabel("Due day")).toHaveValue("");
});

test.describe("the calendar in a US browser", () => {
  test.use({ locale: "en-US" });

  test("starts its weeks on Sunday, as the browser's language does", async ({
    page,
    request,
    baseURL,
  }) => {
    const { email } = await account(request, baseURL!, "sunday");
    await logIn(page, email);
    await page.goto("/calendar?month=2027-01");
    const weekdays = page.getByTestId("calendar-weekdays").locator("span");
    await expect(weekdays).toHaveText(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
    // 1 January 2027 is a Friday: the sixth cell of a Sunday-first week (the fifth of a Monday one).
    const cells = page.getByRole("list", { name: "January 2027" }).locator(":scope > li");
    await expect(cells.nth(5)).toHaveAttribute("data-day", "2027-01-01");
    await expect(cells.nth(6)).toHaveAttribute("data-day", "2027-01-02");
  });

  test("starts them on the day chosen in Settings, on every device, until set back to the language's", async ({
    page,
    request,
    baseURL,
    browser,
  }) => {
    const { email } = await account(request, baseURL!, "monday");
    await logIn(page, email);
    await page.goto("/settings");
    const weekStart = page.getByLabel("Week starts on");
    await expect(weekStart).toHaveValue("");
    await expect(weekStart.locator("option:checked")).toHaveText("As this browser’s language");
    await weekStart.selectOption("monday");
    await page.getByRole("button", { name: "Save first day" }).click();
    await expect(page.getByText("Weeks start on Monday")).toBeVisible();

    const mondayFirst = async (p: Page) => {
      await p.goto("/calendar?month=2027-01");
      await expect(p.getByTestId("calendar-weekdays").locator("span")).toHaveText([
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
      ]);
      // 1 January 2027 is a Friday: the fifth cell of a Monday-first week.
      const cells = p.getByRole("list", { name: "January 2027" }).locator(":scope > li");
      await expect(cells.nth(4)).toHaveAttribute("data-day", "2027-01-01");
    };
    await mondayFirst(page);
    // Another device, in the same US language, signs in: the profile's choice, not the browser's.
    const other = await browser.newContext({ locale: "en-US", baseURL: baseURL! });
    const otherPage = await other.newPage();
    await logIn(otherPage, email);
    await mondayFirst(otherPage);
    await other.close();

    await page.goto("/settings");
    await weekStart.selectOption("");
    await page.getByRole("button", { name: "Save first day" }).click();
    await expect(
      page.getByText("Weeks start where this browser’s language starts them"),
    ).toBeVisible();
    await page.goto("/calendar?month=2027-01");
    await expect(page.getByTestId("calendar-weekdays").locator("span").first()).toHaveText("Sun");
  });
});

test("the editor saves a day without a time as a due day, a time as a due time, and says how a task repeats", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, seed, get } = await account(request, baseURL!, "dueday");
  await seed({ title: "Gym", due_on: dayIn(1), recurrence: "FREQ=WEEKLY;BYDAY=MO" });
  await seed({ title: "Renew the lease" });
  await logIn(page, email);

  await page.getByRole("button", { name: "Edit “Renew the lease”" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await dialog.getByLabel("Due day").fill(dayIn(3));
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await get("Renew the lease")).due_on).toBe(dayIn(3));
  expect((await get("Renew the lease")).due_date).toBeNull();

  await page.getByRole("button", { name: "Edit “Renew the lease”" }).first().click();
  await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(3));
  await dialog.getByLabel("Time (optional)").fill("16:45");
  await dialog.getByRole("button", { name: "Save" }).click();
  // Until the save lands due_date is null: poll on "" then (wall() of "" throws, failing at once).
  await expect
    .poll(async () => {
      const due = (await get("Renew the lease")).due_date;
      return due ? wall(due) : "";
    })
    .toBe(`${dayIn(3)}, 16:45`);
  expect((await get("Renew the lease")).due_on).toBeNull();

  await page.getByRole("button", { name: "Edit “Gym”" }).first().click();
  await expect(dialog.getByText("Repeats every Monday")).toBeVisible();
  await expect(dialog.getByLabel("Due day")).toHaveValue(dayIn(1));
  await expect(dialog.getByLabel("Time (optional)")).toHaveValue("");
  await page.keyboard.press("Escape");

  // Upcoming's row says it repeats too.
  await page.goto("/upcoming");
  const gym = page.getByTestId("agenda-item").filter({ hasText: "Gym" });
  await expect(gym).toContainText(". Repeats every Monday");
  await expect(
    page.getByTestId("agenda-item").filter({ hasText: "Renew the lease" }),
  ).not.toContainText("Repeats");

  // Its later Mondays show as repeats (not as the task itself), in Upcoming and the Calendar.
  const mondays = Array.from({ length: 12 }, (_, i) => dayIn(i + 2)).filter(
    (d) => new Date(`${d}T12:00:00Z`).getUTCDay() === 1,
  );
  await expect(gym).toHaveCount(1);
  await expect(page.getByTestId("agenda-repeat")).toHaveCount(mondays.length);
  await expect(
    page.locator(`section[data-day="${mondays[0]}"]`).getByTestId("agenda-repeat"),
  ).toContainText("Gym");
  await page.goto(`/calendar?month=${mondays[0]!.slice(0, 7)}`);
  const chip = page.locator(`li[data-day="${mondays[0]}"]`).getByTestId("calendar-repeat");
  await expect(chip).toHaveText("Gym");
  await chip.click();
  await expect(dialog.getByText("Repeats every Monday")).toBeVisible();
});

test("the time zone in settings moves the user's today", async ({ page, request, baseURL }) => {
  const { email } = await account(request, baseURL!, "zone");
  await logIn(page, email);
  await page.goto("/settings");
  // Kiritimati is UTC+14 and Pago Pago UTC-11: their dates differ for most of every day.
  const far = ["Pacific/Kiritimati", "Pacific/Pago_Pago"];
  const localDate = (zone: string) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      weekday: "long",
      day: "numeric",
      month: "long",
    }).format(new Date());
  for (const zone of far) {
    await page.getByLabel("Time zone").selectOption(zone);
    await page.getByRole("button", { name: "Save time zone" }).click();
    await expect(page.getByRole("button", { name: "Save time zone" })).toBeDisabled();
    await page.getByRole("link", { name: "Today" }).first().click();
    await expect(page.getByText(localDate(zone), { exact: true })).toBeVisible();
    await page.goto("/settings");
    await expect(page.getByLabel("Time zone")).toHaveValue(zone);
  }
});

test("the list's due range takes in tasks due on a day as well as at a time, and never runs backwards", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInWithTasks(page, request, baseURL!, "due-range", [
    { title: "Renew the passport", due_on: "2030-03-10" },
    { title: "Dentist", due_date: "2030-03-15T12:00:00Z" },
    { title: "File the taxes", due_on: "2030-03-20" },
    { title: "Spring cleaning", due_on: "2030-04-01" },
    { title: "Someday", due_on: null },
  ]);
  await page.getByLabel("Sort by").selectOption("due_date");
  await page.getByLabel("Due from").fill("2030-03-09");
  await page.getByLabel("Due until").fill("2030-03-21");
  await expect(listTitles(page)).toHaveText(["Renew the passport", "Dentist", "File the taxes"]);
  // A "from" past the "until" moves the "until" along: one day, not an error.
  await page.getByLabel("Due from").fill("2030-04-01");
  await expect(page.getByLabel("Due until")).toHaveValue("2030-04-01");
  await expect(listTitles(page)).toHaveText(["Spring cleaning"]);
  // A shared link with the range backwards shows the range the right way round.
  await page.goto("/tasks?due_after=2030-03-21&due_before=2030-03-09&sort=due_date");
  await expect(listTitles(page)).toHaveText(["Renew the passport", "Dentist", "File the taxes"]);
  await expect(page.getByLabel("Due from")).toHaveValue("2030-03-09");
});
