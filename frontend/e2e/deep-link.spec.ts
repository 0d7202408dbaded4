import { expect, test } from "@playwright/test";
import { createAccount, logIn, seedTasks } from "./helpers";

test("/tasks/:id opens the task over the list; closing keeps the filters; others' ids are not found", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "deeplink");
  const other = await createAccount(request, baseURL!, "deeplink-other");
  const mine = await seedTasks(request, baseURL!, email, [
    { title: "Sign the contract", priority: "high" },
  ]);
  const theirs = await seedTasks(request, baseURL!, other, [{ title: "Someone else's secret" }]);
  await logIn(page, email);

  const id = mine.created[0]!.id;
  await page.goto(`/tasks/${id}?priority=high`);
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await expect(dialog.getByLabel("Title")).toHaveValue("Sign the contract");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/tasks\?priority=high$/);
  await expect(page.getByRole("button", { name: "High", pressed: true })).toBeVisible();

  // Opening from the list gives the task its URL.
  await page.getByRole("button", { name: "Edit “Sign the contract”" }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}\\?priority=high$`));

  // Another account's task, and an id that is not one: a clear "not found", the list still works.
  await page.goto(`/tasks/${theirs.created[0]!.id}`);
  await expect(page.getByRole("alert")).toContainText("Task not found.");
  await expect(page.getByText("Someone else's secret")).toHaveCount(0);
  await expect(page.getByTestId("task-item")).toHaveCount(1);
  await page.goto("/tasks/not-a-task");
  await expect(page.getByRole("alert")).toContainText("Task not found.");
  await page.getByRole("link", { name: "Back to your tasks" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByRole("alert")).toHaveCount(0);
});
