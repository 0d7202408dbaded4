import { expect, test, type Page } from "@playwright/test";
import { expectAxeClean } from "./axe";
import { accountWithTasks, createAccount, getTask, logIn, taskRow } from "./helpers";

const SHOTS = "../var/screenshots";

/** The user's day (YYYY-MM-DD) in their profile zone, as the server reads `due_on`. */
const dayIn = (timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());

test("task keys: j focuses, 1 and t write through the API, Ctrl+Z undoes them", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "keys", [
    { title: "Renew the passport", priority: "low" },
  ]);
  const id = created[0]!.id;
  const me = (await (await request.get(`${baseURL}/api/v1/users/me`, { headers })).json()) as {
    time_zone: string;
  };
  const server = () => getTask(request, baseURL!, headers, id);
  await logIn(page, email);

  // Once the row shows: a j pressed before the list arrives has nothing to focus.
  const edit = taskRow(page, "Renew the passport").getByRole("button", { name: /^Edit “/ });
  await expect(edit).toBeVisible();
  await page.keyboard.press("j");
  await expect(edit).toBeFocused();
  await page.keyboard.press("1");
  await expect.poll(async () => (await server()).priority).toBe("urgent");
  await page.keyboard.press("t");
  await expect.poll(async () => (await server()).due_on).toBe(dayIn(me.time_zone));
  await expect(taskRow(page, "Renew the passport")).toContainText("Urgent");

  // Ctrl+Z takes back the due day, then the priority: both on the server.
  await page.keyboard.press("Control+z");
  await expect.poll(async () => (await server()).due_on).toBeNull();
  await page.keyboard.press("Control+z");
  await expect.poll(async () => (await server()).priority).toBe("low");

  // Typing a "1" in a field is typing: the task does not change.
  await page.getByLabel("Search tasks").fill("1");
  await page.getByLabel("Search tasks").press("2");
  await page.waitForTimeout(300);
  expect((await server()).priority).toBe("low");

  // e opens the editor, d opens it on the due field.
  await page.getByLabel("Search tasks").fill("");
  await edit.focus();
  await page.keyboard.press("d");
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await expect(dialog.getByLabel("Due day")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // The same keys on a board card: 2 is high, e opens the editor on the title.
  await page.goto("/board");
  await expect(page.getByRole("button", { name: "Edit “Renew the passport”" })).toBeVisible();
  await page.keyboard.press("j");
  await expect(page.getByRole("button", { name: "Edit “Renew the passport”" })).toBeFocused();
  await page.keyboard.press("2");
  await expect.poll(async () => (await server()).priority).toBe("high");
  await page.keyboard.press("e");
  await expect(dialog.getByLabel("Title")).toBeFocused();
});

test("g then a key goes to a page, and that key does nothing else to the focused task", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "go-keys", [
    { title: "Book the venue", priority: "low" },
  ]);
  const server = () => getTask(request, baseURL!, headers, created[0]!.id);
  await logIn(page, email);
  await page.goto("/tasks?priority=low");
  const edit = page.getByRole("button", { name: "Edit “Book the venue”" });
  await expect(edit).toBeVisible();
  await page.keyboard.press("j");
  await expect(edit).toBeFocused();

  // t alone sets the due day, so "g t" on the list must only go to Today.
  await page.keyboard.press("g");
  await page.keyboard.press("t");
  await expect(page).toHaveURL(/\/today$/);
  await expect(page.getByRole("heading", { name: "Today", exact: true })).toBeVisible();
  for (const [key, path, heading] of [
    ["u", "/upcoming", "Upcoming"],
    ["c", "/calendar", /^[A-Z][a-z]+ \d{4}$/],
    ["a", "/assigned", "Assigned to me"],
    ["s", "/settings", "Settings"],
  ] as const) {
    await page.keyboard.press("g");
    await page.keyboard.press(key);
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
  // Back to the list and the board, their filters kept from where they were last set.
  await page.goto("/tasks?priority=low");
  await expect(edit).toBeVisible();
  await page.keyboard.press("g");
  await page.keyboard.press("b");
  await expect(page).toHaveURL(/\/board\?priority=low$/);
  await page.keyboard.press("g");
  await page.keyboard.press("l");
  await expect(page).toHaveURL(/\/tasks\?priority=low$/);

  const task = await server();
  expect(task.due_on).toBeNull();
  expect(task.priority).toBe("low");
});

async function openPalette(page: Page) {
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await expect(palette.getByRole("combobox")).toBeFocused();
  return palette;
}

test("Ctrl+K palette: type, Enter navigates; projects listed; axe clean, light/dark, desktop/phone", async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000); // four axe runs on a shared machine
  const { email, headers } = await accountWithTasks(request, baseURL!, "palette", [
    { title: "Plan the trip" },
  ]);
  const project = await request.post(`${baseURL}/api/v1/projects`, {
    data: { name: "Garden" },
    headers,
  });
  expect(project.status(), await project.text()).toBe(201);
  const { id: gardenId } = (await project.json()) as { id: string };
  // A saved view with the project's name: two options, one of them active at a time.
  const view = await request.post(`${baseURL}/api/v1/views`, {
    data: { name: "Garden", query: "priority=urgent" },
    headers,
  });
  expect(view.status(), await view.text()).toBe(201);
  await logIn(page, email);

  let palette = await openPalette(page);
  await palette.getByRole("combobox").fill("board");
  // Each page names the keys that go there without the palette, as a word of its own.
  await expect(palette.getByRole("option").first()).toHaveAccessibleName("Go to board g b");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/board$/);
  await expect(palette).toBeHidden();

  // A task found by what is typed ranks first once the API answers, saying its project;
  // Enter opens its editor.
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("trip");
  const found = palette.getByRole("option").first();
  await expect(found).toHaveText("Plan the trip Inbox");
  await expect(found).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  const taskEditor = page.getByRole("dialog", { name: "Edit task" });
  await expect(taskEditor.getByLabel("Title")).toHaveValue("Plan the trip");
  await page.keyboard.press("Escape");
  await expect(taskEditor).toBeHidden();

  // ↓/↑ move the active option (aria-selected), Esc closes without acting.
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("gard");
  await expect(palette.getByRole("option", { name: "Garden" })).toHaveCount(2);
  await expect(palette.locator('[role=option][aria-selected="true"]')).toHaveCount(1);
  await expect(palette.getByRole("option", { name: "Garden" }).first()).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/projects/${gardenId}$`));
  await expect(page.getByRole("heading", { name: "Garden" })).toBeVisible();

  palette = await openPalette(page);
  await page.keyboard.press("ArrowDown");
  await expect(palette.getByRole("option").nth(1)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Escape");
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/projects/${gardenId}$`));

  // Actions: completed tasks shown, the shortcuts sheet, the theme.
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("completed");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]show_done=true/);
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("shortcuts");
  await page.keyboard.press("Enter");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(
    sheet.getByText("Command palette: search tasks; actions, pages, projects, views"),
  ).toBeVisible();
  // Its keys stay on one line (they broke into "Ctrl/⌘" and "K"); the description wraps instead.
  const lines = await sheet.locator("kbd", { hasText: "Ctrl/⌘ K" }).evaluate((kbd) => {
    const range = document.createRange();
    range.selectNodeContents(kbd);
    return range.getClientRects().length;
  });
  expect(lines).toBe(1);
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("dark theme");
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  palette = await openPalette(page);
  await palette.getByRole("combobox").fill("system theme");
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);

  // Look at it: light and dark, desktop and phone, each checked by axe while open.
  for (const [size, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 375, height: 812 }],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      palette = await openPalette(page);
      await page.screenshot({ path: `${SHOTS}/palette-${size}-${colorScheme}.png` });
      await expectAxeClean(page, `command palette (${size}, ${colorScheme})`);
      await palette.getByRole("combobox").fill("go");
      await page.screenshot({ path: `${SHOTS}/palette-${size}-${colorScheme}-go.png` });
      // A found task, its project beside its title: in view and legible on a phone too.
      await palette.getByRole("combobox").fill("trip");
      const trip = palette.getByRole("option", { name: "Plan the trip Inbox" });
      await expect(trip).toBeInViewport();
      await expect(trip).toHaveAttribute("aria-selected", "true");
      await page.screenshot({ path: `${SHOTS}/palette-${size}-${colorScheme}-task.png` });
      await expectAxeClean(page, `command palette, a task found (${size}, ${colorScheme})`);
      await page.keyboard.press("Escape");
      await expect(palette).toBeHidden();
    }
  }
  // On a phone the header's button opens it (no keyboard there).
  await page.getByRole("button", { name: "Command palette" }).click();
  await expect(page.getByRole("dialog", { name: "Command palette" })).toBeVisible();
});

test("filters: the Sort menu arrowed twice at once, and a chip clicked twice at once, end where the user left them", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "quick-filters");
  await logIn(page, email);
  // A slower machine (a cheap phone): the page renders a while after each key press or click.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });

  const sort = page.getByLabel("Sort by");
  const options = await sort
    .locator("option")
    .evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
  await sort.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page).toHaveURL(new RegExp(`[?&]sort=${options[2]}(&|$)`));
  await expect(sort).toHaveValue(options[2]!);

  const overdue = page.getByRole("button", { name: "Overdue" });
  await overdue.dblclick();
  await expect(overdue).toHaveAttribute("aria-pressed", "false");
  await expect(page).not.toHaveURL(/overdue/);
});
