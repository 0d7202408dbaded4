import { expect, test } from "@playwright/test";
import { isoInDays, overrun, quickAdd, signedInWithTasks, taskRow } from "./helpers";

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

test("the app is usable on a 375 px wide phone", async ({ page, request, baseURL }) => {
  await signedInWithTasks(page, request, baseURL!, "mobile", [
    { title: "Renew passport", priority: "urgent", due_date: isoInDays(-1), labels: ["admin"] },
  ]);

  const noSideways = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  expect(await noSideways()).toBe(true);

  await quickAdd(page, "Book dentist");
  await expect(taskRow(page, "Renew passport")).toContainText("Yesterday");

  // One tap completes a task; it leaves the list (completed are hidden) with an Undo toast.
  await page.getByRole("checkbox", { name: "Complete “Book dentist”" }).tap();
  await expect(taskRow(page, "Book dentist")).toHaveCount(0);
  const toast = page.locator("[data-sonner-toast]", { hasText: "Completed “Book dentist”" });
  await expect(toast.getByRole("button", { name: "Undo" })).toBeVisible();
  // The toast sits above the bottom nav, not over it (polled: it slides in from below).
  const navBox = (await page.getByRole("navigation", { name: "Sections" }).boundingBox())!;
  await expect
    .poll(async () => {
      const box = (await toast.boundingBox())!;
      return box.y + box.height;
    })
    .toBeLessThanOrEqual(navBox.y);

  // No one-tap trash icon on every row (delete is in the editor, with Undo).
  await expect(page.getByRole("button", { name: "Delete “Renew passport”" })).toBeHidden();

  // The filter chips do not sit off-screen without a hint: a "Filters" button opens them.
  await expect(page.getByRole("button", { name: "Overdue" })).toBeHidden();
  const filters = page.getByRole("button", { name: /^Filters/ });
  await filters.tap();
  await expect(filters).toHaveAttribute("aria-expanded", "true");
  await page.getByRole("button", { name: "Overdue" }).tap();
  await expect(page).toHaveURL(/overdue=true/);
  await expect(filters).toContainText("1");
  await expect(taskRow(page, "Renew passport")).toBeVisible();
  await filters.tap();
  await page.getByRole("button", { name: "Clear filter" }).waitFor({ state: "hidden" });
  await page.goto("/tasks");

  // The full form works as a bottom sheet.
  await page.getByRole("button", { name: "New task" }).tap();
  const dialog = page.getByRole("dialog", { name: "New task" });
  await dialog.getByLabel("Title").fill("Plan the weekend");
  await dialog.getByRole("button", { name: "Add task" }).tap();
  await expect(taskRow(page, "Plan the weekend")).toBeVisible();
  expect(await noSideways()).toBe(true);

  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("link", { name: "Board" })
    .tap();
  await expect(page.getByRole("heading", { name: "Board" })).toBeVisible();
  await expect(page.getByTestId("column-pending")).toBeVisible();
  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("link", { name: "Settings" })
    .tap();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  expect(await noSideways()).toBe(true);
});

test("Upcoming on a phone: a task's title keeps the row, its “Move to” menu stays narrow", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInWithTasks(page, request, baseURL!, "mobile-upcoming", [
    { title: "Write the quarterly report", due_date: isoInDays(2) },
  ]);
  await page.goto("/upcoming");
  const title = page.getByRole("button", { name: "Edit “Write the quarterly report”" });
  const move = page.getByLabel("Move “Write the quarterly report” to another day");
  await expect(move).toBeVisible();
  const [t, m] = [(await title.boundingBox())!, (await move.boundingBox())!];
  // The menu named the day in full ("Wednesday 16 December") and left the title a third of the row.
  expect(t.width).toBeGreaterThan(m.width);
  // Narrow, it still says the whole day it is on ("Thursday 10 De" was cut off).
  const { words, past } = await overrun(move, "chosen option");
  expect(past, `“${words}”`).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});

test("quick add's example fits its box from a small phone to a desktop", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInWithTasks(page, request, baseURL!, "quickadd-hint", []);
  const input = page.getByLabel("Add a task", { exact: true });
  for (const width of [320, 360, 375, 390, 414, 430, 520, 640, 768, 1024, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const { words, past } = await overrun(input, "placeholder");
    expect(past, `${width} px: “${words}”`).toBeLessThanOrEqual(0);
    // An example, not just "Add a task": it shows what quick add reads.
    expect(words, `${width} px`).toMatch(/^Add a task: “.+ (tomorrow|tue) .+”$/);
  }
});

test("the task counts fit the header from a small phone to a desktop, Overdue always whole", async ({
  page,
  request,
  baseURL,
}) => {
  // Two-digit counts: 12 to do, 10 of them overdue.
  await signedInWithTasks(page, request, baseURL!, "counts", [
    ...Array.from({ length: 10 }, (_, i) => ({ title: `Late ${i}`, due_date: isoInDays(-2) })),
    { title: "Soon", due_date: isoInDays(2) },
    { title: "Started", status: "in_progress" },
  ]);
  const counts = page.getByRole("navigation", { name: "Task counts" });
  await expect(page.getByTestId("stat-overdue")).toContainText("10");

  for (const width of [320, 360, 375, 390, 414, 430, 520, 640, 768, 1024, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    // Nothing scrolled out of sight, and the overdue count fully inside the bar.
    await expect
      .poll(() => counts.evaluate((n) => n.scrollWidth - n.clientWidth), {
        message: `${width} px`,
      })
      .toBeLessThanOrEqual(0);
    const bar = (await counts.boundingBox())!;
    const overdue = (await page.getByTestId("stat-overdue").boundingBox())!;
    expect(overdue.x + overdue.width, `${width} px`).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
    expect(overdue.x, `${width} px`).toBeGreaterThanOrEqual(bar.x - 0.5);
  }
  // The wide header shows all four.
  for (const key of ["open", "progress", "done", "overdue"])
    await expect(page.getByTestId(`stat-${key}`)).toBeVisible();
});

test("on a phone, Select turns taps into a selection for the bulk bar", async ({
  page,
  request,
  baseURL,
}) => {
  const { headers, created } = await signedInWithTasks(page, request, baseURL!, "phone-select", [
    { title: "Water the plants" },
    { title: "Pay rent" },
    { title: "Call Sam" },
  ]);
  await page.getByRole("button", { name: "Select", exact: true }).tap();
  await expect(page.getByText("Tap tasks to select them.")).toBeVisible();
  await page.getByRole("button", { name: "Select “Pay rent”" }).tap();
  await page.getByRole("button", { name: "Select “Call Sam”" }).tap();
  await expect(page.getByRole("dialog")).toHaveCount(0); // a tap opened no editor
  const bar = page.getByRole("toolbar", { name: "Bulk actions for 2 selected tasks" });
  await expect(bar).toBeVisible();
  await page.screenshot({ path: "../var/screenshots/phone-select.png" });

  await bar.getByLabel("Set priority").selectOption("urgent");
  await expect(
    page.locator("[data-sonner-toast]", { hasText: "Set 2 tasks to urgent" }),
  ).toBeVisible();
  // Applied: the bar and the mode end together; a tap opens a task again.
  await expect(bar).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Select", exact: true })).toBeVisible();
  for (const task of created.slice(1)) {
    const now = await request.get(`${baseURL}/api/v1/tasks/${task.id}`, { headers });
    expect(((await now.json()) as { priority: string }).priority).toBe("urgent");
  }
  const untouched = await request.get(`${baseURL}/api/v1/tasks/${created[0]!.id}`, { headers });
  expect(((await untouched.json()) as { priority: string }).priority).toBe("medium");
});
