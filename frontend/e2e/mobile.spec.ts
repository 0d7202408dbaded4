import { expect, test } from "@playwright/test";
import { isoInDays, quickAdd, signedInWithTasks, taskRow } from "./helpers";

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
