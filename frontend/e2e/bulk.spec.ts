import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAxeClean } from "./axe";
import {
  accountWithSubtasks,
  accountWithTasks,
  bulkBar,
  editButton,
  getTask,
  logIn,
  signedInWithTasks,
  taskRow,
  toast,
} from "./helpers";

const shots = "../var/screenshots";

/** A click on the row's title with `modifier` held: selects without opening the editor. */
const clickRow = (page: Page, title: string, modifier: "Control" | "Shift") =>
  taskRow(page, title)
    .getByText(title)
    .click({ modifiers: [modifier] });

/** How many bulk requests (`POST /tasks/bulk`) the page has sent so far. */
function countBulkRequests(page: Page) {
  let sent = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/tasks/bulk")) sent += 1;
  });
  return () => sent;
}

test("bulk by keyboard and shift-click: one atomic request, undone by Ctrl+Z", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInWithTasks(page, request, baseURL!, "bulk", [
    { title: "Alpha report", priority: "low" },
    { title: "Bravo invoice", labels: ["money"] },
    { title: "Charlie call", priority: "high" },
    { title: "Delta backup" },
  ]);
  // One request per action (the body is not readable here: fetch streams a Request object).
  const bulks = countBulkRequests(page);

  // Newest first: Delta, Charlie, Bravo, Alpha. j focuses Delta, x selects it; j, x: Charlie.
  // (Once the rows show: a j pressed before the list arrives has nothing to focus.)
  await expect(editButton(page, "Delta backup")).toBeVisible();
  await page.getByRole("heading", { name: "Tasks" }).click();
  await page.keyboard.press("j");
  await expect(editButton(page, "Delta backup")).toBeFocused();
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(bulkBar(page)).toContainText("2 selected");
  // Shift-click extends from the anchor (Charlie) to Bravo; it does not open the editor.
  await clickRow(page, "Bravo invoice", "Shift");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(bulkBar(page)).toContainText("3 selected");
  await expect(
    taskRow(page, "Bravo invoice").getByRole("button", { name: /selected$/ }),
  ).toHaveCount(1);
  await expectAxeClean(page, "list with the bulk bar");
  await page.screenshot({ path: `${shots}/bulk-bar-light.png` });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/bulk-bar-dark.png` });
  await page.emulateMedia({ colorScheme: "light" });

  await bulkBar(page).getByLabel("Set priority").selectOption("urgent");
  await expect(toast(page, "Set 3 tasks to urgent")).toBeVisible();
  await expect(bulkBar(page)).toHaveCount(0);
  for (const t of ["Delta backup", "Charlie call", "Bravo invoice"])
    await expect(taskRow(page, t)).toContainText("Urgent");
  await expect(taskRow(page, "Alpha report")).toContainText("Low");
  expect(bulks()).toBe(1);

  // Ctrl+Z: one more bulk with the previous values (Charlie back to High, the others Medium).
  await page.getByRole("heading", { name: "Tasks" }).click();
  await page.keyboard.press("Control+z");
  await expect(taskRow(page, "Charlie call")).toContainText("High");
  await expect(taskRow(page, "Delta backup")).not.toContainText("Urgent");
  expect(bulks()).toBe(2);
  await page.reload();
  await expect(taskRow(page, "Charlie call")).toContainText("High");
  await expect(taskRow(page, "Bravo invoice")).not.toContainText("Urgent");

  // Ctrl-click toggles, Esc clears.
  await clickRow(page, "Alpha report", "Control");
  await expect(bulkBar(page)).toContainText("1 selected");
  await page.keyboard.press("Escape");
  await expect(bulkBar(page)).toHaveCount(0);
});

test("a bulk delete waits for its Undo window: Undo brings back the same tasks, with their comments and subtasks; once it closes, one bulk deletes them", async ({
  page,
  request,
  baseURL,
}) => {
  const {
    email,
    headers,
    parent: bravo,
    subtasks,
  } = await accountWithSubtasks(
    request,
    baseURL!,
    "bulkdelete",
    { title: "Bravo invoice", labels: ["money"] },
    [{ title: "Scan the receipt" }],
  );
  const made = await request.post(`${baseURL}/api/v1/tasks`, {
    data: { title: "Alpha report", priority: "low" },
    headers,
  });
  expect(made.status()).toBe(201);
  const alpha = (await made.json()) as { id: string };
  const comment = await request.post(`${baseURL}/api/v1/tasks/${bravo.id}/comments`, {
    data: { body: "Sent to accounting" },
    headers,
  });
  expect(comment.status()).toBe(201);
  const bulks = countBulkRequests(page);
  await logIn(page, email);
  const status = async (id: string) =>
    (await request.get(`${baseURL}/api/v1/tasks/${id}`, { headers })).status();
  /** Deletes Alpha and Bravo from the bulk bar; answers when the Delete was clicked. */
  const deleteBoth = async () => {
    await clickRow(page, "Alpha report", "Control");
    await clickRow(page, "Bravo invoice", "Control");
    await expect(bulkBar(page)).toContainText("2 selected");
    await bulkBar(page).getByRole("button", { name: "Delete" }).click();
    const clicked = Date.now();
    await expect(taskRow(page, "Alpha report")).toHaveCount(0);
    await expect(taskRow(page, "Bravo invoice")).toHaveCount(0);
    return clicked;
  };

  // Undo from the toast: nothing was sent, so the very same tasks are back (ids, comment, subtask).
  await deleteBoth();
  await toast(page, "Deleted 2 tasks").getByRole("button", { name: "Undo" }).click();
  await expect(toast(page, "2 tasks restored")).toBeVisible();
  await expect(taskRow(page, "Bravo invoice")).toContainText("money");
  await expect(taskRow(page, "Bravo invoice")).toHaveAttribute("data-task-id", bravo.id);
  await expect(taskRow(page, "Alpha report")).toHaveAttribute("data-task-id", alpha.id);
  await page.waitForTimeout(6_500); // past the window: still nothing sent
  expect(bulks()).toBe(0);
  await page.reload();
  await expect(taskRow(page, "Bravo invoice")).toHaveAttribute("data-task-id", bravo.id);
  await expect(taskRow(page, "Alpha report")).toHaveAttribute("data-task-id", alpha.id);
  const comments = await request.get(`${baseURL}/api/v1/tasks/${bravo.id}/comments`, { headers });
  expect(((await comments.json()) as { items: Array<{ body: string }> }).items).toMatchObject([
    { body: "Sent to accounting" },
  ]);
  const subs = await request.get(`${baseURL}/api/v1/tasks?parent=${bravo.id}`, { headers });
  expect(((await subs.json()) as { items: Array<{ id: string }> }).items.map((t) => t.id)).toEqual([
    subtasks[0]!.id,
  ]);

  // Deleted again and left alone: ONE bulk, sent when the window closes, not before.
  let sentAt = 0;
  const sent = page.waitForRequest(
    (r) => {
      const bulk = r.method() === "POST" && r.url().endsWith("/api/v1/tasks/bulk");
      if (bulk) sentAt = Date.now();
      return bulk;
    },
    { timeout: 15_000 },
  );
  const clicked = await deleteBoth();
  expect(await status(alpha.id)).toBe(200);
  expect(await status(bravo.id)).toBe(200);
  await sent;
  expect(sentAt - clicked).toBeGreaterThanOrEqual(5_000);
  await expect.poll(() => status(alpha.id)).toBe(404);
  expect(await status(bravo.id)).toBe(404);
  expect(await status(subtasks[0]!.id)).toBe(404); // the parent's subtask went with it
  expect(bulks()).toBe(1);
  await page.reload();
  await expect(editButton(page, "Alpha report")).toHaveCount(0);
  await expect(page.getByTestId("task-item")).toHaveCount(0);
});

/**
 * Ctrl-selects both tasks in a page that has not heard of a change another tab then makes to
 * Foxtrot (`elsewhere`), and answers with the API headers and Foxtrot's id.
 */
async function selectBothThenChangeFoxtrotElsewhere(
  page: Page,
  request: APIRequestContext,
  baseURL: string,
  elsewhere: Record<string, string>,
) {
  const { email, created, headers } = await accountWithTasks(request, baseURL, "bulkstale", [
    { title: "Echo taxes" },
    { title: "Foxtrot garden" },
  ]);
  // The case under test is a page that has not heard of the other tab's change yet. With its
  // live stream open, the notice could refresh the version before the click (the bulk then
  // rightly succeeds: it failed so once in a full run); live.spec.ts covers the stream.
  await page.route("**/api/v1/events", () => new Promise<void>(() => {}));
  await logIn(page, email);
  await clickRow(page, "Echo taxes", "Control");
  await clickRow(page, "Foxtrot garden", "Control");
  await expect(bulkBar(page)).toContainText("2 selected");
  const foxtrot = created.find((t) => t.title === "Foxtrot garden")!;
  const res = await request.patch(`${baseURL}/api/v1/tasks/${foxtrot.id}`, {
    data: elsewhere,
    headers: { ...headers, "If-Match": `"${foxtrot.version}"` },
  });
  expect(res.status()).toBe(200);
  return { headers, foxtrotId: foxtrot.id };
}

test("a bulk that sets a field changed elsewhere applies nothing and names that task", async ({
  page,
  request,
  baseURL,
}) => {
  const { headers } = await selectBothThenChangeFoxtrotElsewhere(page, request, baseURL!, {
    status: "in_progress",
    title: "Foxtrot garden (renamed)",
  });
  await bulkBar(page).getByRole("button", { name: "Complete" }).click();
  await expect(toast(page, "Nothing was changed")).toContainText(
    "“Foxtrot garden” changed elsewhere",
  );
  // The selection stays for another look, and so does the focus, on the button used.
  await expect(bulkBar(page)).toContainText("2 selected");
  await expect(bulkBar(page).getByRole("button", { name: "Complete" })).toBeFocused();
  // Nothing applied: both still open, and the list shows the other tab's change.
  await expect(page.getByRole("checkbox", { name: "Complete “Echo taxes”" })).toBeVisible();
  await expect(taskRow(page, "Foxtrot garden (renamed)")).toContainText("In progress");
  const list = await request.get(`${baseURL}/api/v1/tasks?status=done`, { headers });
  expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(0);
});

test("a bulk applies on top of a change elsewhere to fields it does not set, keeping it", async ({
  page,
  request,
  baseURL,
}) => {
  const { headers, foxtrotId } = await selectBothThenChangeFoxtrotElsewhere(
    page,
    request,
    baseURL!,
    { title: "Foxtrot garden (renamed)" },
  );
  await bulkBar(page).getByRole("button", { name: "Complete" }).click();
  await expect(toast(page, "Completed 2 tasks")).toBeVisible();
  const foxtrot = await request.get(`${baseURL}/api/v1/tasks/${foxtrotId}`, { headers });
  expect(await foxtrot.json()).toMatchObject({ title: "Foxtrot garden (renamed)", status: "done" });
  const list = await request.get(`${baseURL}/api/v1/tasks?status=done`, { headers });
  expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(2);
});

test("the bulk bar on a phone sits above the bottom navigation", async ({
  page,
  request,
  baseURL,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signedInWithTasks(page, request, baseURL!, "bulkphone", [
    { title: "Golf lesson" },
    { title: "Hotel booking" },
  ]);
  await clickRow(page, "Golf lesson", "Control");
  await expect(bulkBar(page)).toBeVisible();
  const nav = page.getByRole("navigation").last();
  const barBox = (await bulkBar(page).boundingBox())!;
  const navBox = (await nav.boundingBox())!;
  expect(barBox.y + barBox.height).toBeLessThanOrEqual(navBox.y);
  await expectAxeClean(page, "phone list with the bulk bar");
  await page.screenshot({ path: `${shots}/bulk-bar-phone.png` });
});

test("completing a parent with open subtasks in bulk asks, then completes them too", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent, subtasks } = await accountWithSubtasks(
    request,
    baseURL!,
    "bulksub",
    { title: "India trip" },
    [{ title: "Book flights" }, { title: "Renew passport" }],
  );
  const first = subtasks[0]!;
  const done = await request.patch(`${baseURL}/api/v1/tasks/${first.id}`, {
    data: { status: "done" },
    headers: { ...headers, "If-Match": `"${first.version}"` },
  });
  expect(done.status()).toBe(200);
  await logIn(page, email);
  // The parent's row shows its progress: one of two subtasks done.
  await expect(taskRow(page, "India trip")).toContainText("Subtasks done: 1/2");
  await clickRow(page, "India trip", "Control");
  await bulkBar(page).getByRole("button", { name: "Complete" }).click();

  const ask = toast(page, "Complete 1 open subtask too?");
  await expect(ask).toContainText("Nothing was completed yet.");
  // Asked, not applied: the parent is still open on the server.
  const open = await request.get(`${baseURL}/api/v1/tasks/${parent.id}`, { headers });
  expect(((await open.json()) as { status: string }).status).toBe("pending");

  await ask.getByRole("button", { name: "Complete it too" }).click();
  await expect(toast(page, "Completed 1 task")).toBeVisible();
  await expect(bulkBar(page)).toHaveCount(0);
  const subs = await request.get(`${baseURL}/api/v1/tasks?parent=${parent.id}`, { headers });
  const items = ((await subs.json()) as { items: Array<{ status: string }> }).items;
  expect(items.map((t) => t.status)).toEqual(["done", "done"]);
});

test("offline, a bulk change waits in the page with its rows marked, and is sent when the network returns", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const { email, headers } = await accountWithTasks(request, baseURL!, "bulkoffline", [
    { title: "Echo memo" },
    { title: "Foxtrot fax" },
    { title: "Golf gear" },
  ]);
  const bulks = countBulkRequests(page);
  await logIn(page, email);
  // Selected online: the bar (and the code that applies it) is a lazy chunk, which offline only
  // the service worker (blocked in this spec, see offline.spec.ts) would serve.
  await clickRow(page, "Echo memo", "Control");
  await clickRow(page, "Foxtrot fax", "Control");
  await expect(bulkBar(page)).toContainText("2 selected");

  await context.setOffline(true);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline");
  await bulkBar(page).getByLabel("Set priority").selectOption("urgent");
  // The bar is done with it; the change waits in the page, on the rows it changes.
  await expect(bulkBar(page)).toHaveCount(0);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline — 1 change waiting");
  const waiting = page.locator('[data-testid="task-item"][data-waiting]');
  await expect(waiting).toHaveCount(2);
  for (const t of ["Echo memo", "Foxtrot fax"]) {
    await expect(taskRow(page, t)).toContainText("Urgent");
    await expect(taskRow(page, t)).toHaveAttribute("data-waiting");
  }
  await expect(taskRow(page, "Golf gear")).not.toHaveAttribute("data-waiting");
  expect(bulks()).toBe(0);

  await context.setOffline(false);
  await expect(waiting).toHaveCount(0);
  await expect(toast(page, "Set 2 tasks to urgent")).toBeVisible();
  expect(bulks()).toBe(1);
  const list = await request.get(`${baseURL}/api/v1/tasks?limit=10`, { headers });
  const items = ((await list.json()) as { items: Array<{ title: string; priority: string }> })
    .items;
  expect(Object.fromEntries(items.map((t) => [t.title, t.priority]))).toEqual({
    "Echo memo": "urgent",
    "Foxtrot fax": "urgent",
    "Golf gear": "medium",
  });
});

test("the bulk bar's menus by keyboard: arrows only show a choice, Enter applies it, Escape drops it; the focus goes back to the task", async ({
  page,
  request,
  baseURL,
}) => {
  const { created, headers } = await signedInWithTasks(page, request, baseURL!, "bulk-keys", [
    { title: "Hotel booking" },
  ]);
  const bulks = countBulkRequests(page);
  await expect(editButton(page, "Hotel booking")).toBeVisible();
  await page.getByRole("heading", { name: "Tasks" }).click();
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(bulkBar(page)).toContainText("1 selected");

  // Arrowing through the closed menu (it changes the value at each press in Chrome on Linux and
  // Windows) walks the choices: Urgent, High, Medium, Low. Nothing is sent yet.
  const priority = bulkBar(page).getByLabel("Set priority");
  await priority.focus();
  for (const _ of [1, 2, 3, 4]) await page.keyboard.press("ArrowDown");
  await expect(priority).toHaveValue("low");
  await expect(priority).toBeFocused();
  // Escape drops the choice, and only the choice: the selection stays.
  await page.keyboard.press("Escape");
  await expect(priority).toHaveValue("");
  await expect(bulkBar(page)).toContainText("1 selected");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(priority).toHaveValue("high");
  expect(bulks()).toBe(0);
  await page.keyboard.press("Enter");
  await expect(toast(page, "Set 1 task to high")).toBeVisible();
  expect(bulks()).toBe(1);
  // The bar goes with the selection; the keyboard goes on from the task, not from the page.
  await expect(bulkBar(page)).toHaveCount(0);
  await expect(editButton(page, "Hotel booking")).toBeFocused();
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, created[0]!.id)).priority)
    .toBe("high");
});

test("a toast stands above the bulk bar, not over its controls, on a desktop and on a phone", async ({
  page,
  request,
  baseURL,
}) => {
  // Enough rows that the bar sticks to the bottom of the screen, where the toasts are.
  const chores = Array.from({ length: 14 }, (_, n) => ({ title: `Chore ${n + 1}` }));
  await signedInWithTasks(page, request, baseURL!, "bulk-toast", chores);
  for (const [size, priority, next] of [
    [{ width: 1280, height: 800 }, "low", "Chore 13"],
    [{ width: 390, height: 844 }, "high", "Chore 12"],
  ] as const) {
    await page.setViewportSize(size);
    await clickRow(page, "Chore 14", "Control");
    await bulkBar(page).getByLabel("Set priority").selectOption(priority);
    const shown = toast(page, `Set 1 task to ${priority}`);
    await expect(shown).toBeVisible();
    await expect(bulkBar(page)).toHaveCount(0);
    // A new selection while the Undo toast is still up: the toast moves above the bar.
    await clickRow(page, next, "Control");
    await expect(bulkBar(page)).toBeVisible();
    await expect
      .poll(async () => {
        const [toastBox, barBox] = [await shown.boundingBox(), await bulkBar(page).boundingBox()];
        return toastBox!.y + toastBox!.height <= barBox!.y;
      })
      .toBe(true);
    await bulkBar(page).getByLabel("Label to add").click({ trial: true });
    await page.screenshot({ path: `${shots}/bulk-bar-toast-${size.width}.png` });
    await page.keyboard.press("Escape");
    await expect(bulkBar(page)).toHaveCount(0);
  }
});
