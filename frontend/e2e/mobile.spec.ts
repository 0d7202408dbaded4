import { expect, test } from "@playwright/test";
import { createAccount, isoInDays, logIn, quickAdd, seedTasks, taskRow } from "./helpers";

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

test("the app is usable on a 375 px wide phone", async ({ page, request, baseURL }) => {
  const email = await createAccount(request, baseURL!, "mobile");
  await seedTasks(request, baseURL!, email, [
    { title: "Renew passport", priority: "urgent", due_date: isoInDays(-1), labels: ["admin"] },
  ]);
  await logIn(page, email);

  const noSideways = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  expect(await noSideways()).toBe(true);

  await quickAdd(page, "Book dentist");
  await expect(taskRow(page, "Renew passport")).toContainText("Yesterday");

  // One tap completes a task.
  await page.getByRole("checkbox", { name: "Complete “Book dentist”" }).tap();
  await expect(
    page.getByRole("checkbox", { name: "Mark “Book dentist” as not done" }),
  ).toBeVisible();

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
