import { expect, test } from "@playwright/test";
import { expectAxeClean } from "./axe";
import { createAccount, isoInDays, logIn, screenshotDir, seedTasks, signedIn } from "./helpers";

const SAMPLE = [
  {
    title: "Setup CI/CD Pipeline",
    status: "in_progress",
    priority: "high",
    labels: ["devops"],
    // A few hours ahead (not "today 18:00", which is overdue once a run starts after 18:00).
    due_date: new Date(Date.now() + 3 * 3_600_000).toISOString(),
  },
  {
    title: "Write Documentation",
    priority: "medium",
    labels: ["docs"],
    description: "User guide and API reference",
  },
  { title: "Performance Testing", priority: "low", due_date: isoInDays(5) },
  {
    title: "Renew TLS certificates",
    priority: "urgent",
    due_date: isoInDays(-2),
    labels: ["ops", "security"],
  },
  { title: "Plan sprint 14", status: "done", priority: "medium" },
  {
    title: "Review pull requests",
    priority: "high",
    due_date: isoInDays(1, 10),
    labels: ["devops"],
  },
];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test(`login, list, board and settings pass axe and are captured (${scheme})`, async ({
      page,
      request,
      baseURL,
    }) => {
      const email = await createAccount(request, baseURL!, `axe-${scheme}`);
      await seedTasks(request, baseURL!, email, SAMPLE);
      const shots = screenshotDir();

      await page.goto("/login");
      await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
      await expectAxeClean(page, "login");
      await page.screenshot({ path: `${shots}/login-${scheme}-desktop.png` });

      await logIn(page, email);
      // Completed tasks are hidden by default (one in SAMPLE).
      await expect(page.getByTestId("task-item")).toHaveCount(SAMPLE.length - 1);
      await expect(page.getByTestId("stat-overdue")).toContainText("1");
      await expectAxeClean(page, "list");
      await page.screenshot({ path: `${shots}/list-${scheme}-desktop.png` });

      await page.getByRole("link", { name: "Board" }).first().click();
      const done = page.getByTestId("column-done");
      await expect(done.getByRole("heading", { name: "Done 1" })).toBeVisible();
      await expect(done.getByTestId("board-card")).toHaveCount(0);
      await expectAxeClean(page, "board");
      await page.screenshot({ path: `${shots}/board-${scheme}-desktop.png` });
      await done.getByRole("button", { name: "Show completed" }).click();
      await expect(done.getByTestId("board-card")).toHaveCount(1);
      await expectAxeClean(page, "board with completed tasks");
      await page.screenshot({ path: `${shots}/board-done-${scheme}-desktop.png` });

      await page.getByRole("link", { name: "Settings" }).first().click();
      await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
      await expectAxeClean(page, "settings");
      await page.screenshot({ path: `${shots}/settings-${scheme}-desktop.png` });

      await page.getByRole("link", { name: "List" }).first().click();
      await page.keyboard.press("n");
      await expect(page.getByRole("dialog", { name: "New task" })).toBeVisible();
      await expectAxeClean(page, "new task dialog");
      await page.screenshot({ path: `${shots}/dialog-${scheme}-desktop.png` });
      await page.keyboard.press("Escape");

      await page.setViewportSize({ width: 375, height: 812 });
      await page.reload();
      await expect(page.getByTestId("task-item")).toHaveCount(SAMPLE.length - 1);
      await page.screenshot({ path: `${shots}/list-${scheme}-mobile.png` });
      await page.goto("/board");
      await expect(page.getByTestId("column-pending")).toBeVisible();
      await page.screenshot({ path: `${shots}/board-${scheme}-mobile.png` });
    });
  });
}

test("keyboard shortcuts: / focuses search, ? opens help, n opens the new-task form", async ({
  page,
  request,
  baseURL,
}) => {
  await signedIn(page, request, baseURL!, "keys");
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search tasks")).toBeFocused();
  await page.keyboard.press("Escape");
  await page.getByRole("heading", { name: "Tasks" }).click();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.keyboard.press("n");
  const dialog = page.getByRole("dialog", { name: "New task" });
  await expect(dialog.getByLabel("Title")).toBeFocused();
  await dialog.getByLabel("Title").fill("Made from the keyboard");
  await page.keyboard.press("Enter");
  await expect(
    page.getByTestId("task-item").filter({ hasText: "Made from the keyboard" }),
  ).toBeVisible();
});
