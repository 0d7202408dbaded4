import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { createAccount, editButton, logIn, seedTasks, taskRow } from "./helpers";

/** One account with the task `title` (priority low), signed in in two browsers; each opens the
 * task's editor. Answers both pages and editors, and `close` for the two browsers. */
async function editingInTwoBrowsers(
  browser: Browser,
  request: APIRequestContext,
  baseURL: string,
  tag: string,
  title: string,
) {
  const email = await createAccount(request, baseURL, tag);
  await seedTasks(request, baseURL, email, [{ title, priority: "low" }]);
  const one = await browser.newContext();
  const two = await browser.newContext();
  const page = await one.newPage();
  const page2 = await two.newPage();
  await logIn(page, email);
  await logIn(page2, email);
  await editButton(page, title).click();
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await expect(dialog.getByLabel("Title")).toHaveValue(title);
  await editButton(page2, title).click();
  const dialog2 = page2.getByRole("dialog", { name: "Edit task" });
  await expect(dialog2.getByLabel("Title")).toHaveValue(title);
  const close = async () => {
    await one.close();
    await two.close();
  };
  return { page, page2, dialog, dialog2, close };
}

test("a save over a change to the same field made in another browser shows the fresh version and asks first", async ({
  browser,
  baseURL,
  request,
}) => {
  // Both browsers open the editor on version 1.
  const { page, page2, dialog, dialog2, close } = await editingInTwoBrowsers(
    browser,
    request,
    baseURL!,
    "conflict",
    "Prepare the demo",
  );

  // The second browser renames it and raises its priority (version 2).
  await dialog2.getByLabel("Title").fill("Prepare the investor demo");
  await dialog2.getByLabel("Priority").selectOption("urgent");
  await dialog2.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page2, "Prepare the investor demo")).toBeVisible();

  // The first browser saves its stale priority: 412 on the same field, the fresh version is
  // shown, nothing overwritten yet.
  await dialog.getByLabel("Priority").selectOption("high");
  await dialog.getByRole("button", { name: "Save" }).click();
  const conflict = page.getByRole("dialog", { name: "This task was changed elsewhere" });
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText("Prepare the investor demo");
  await expect(conflict.getByTestId("conflict-theirs-priority")).toHaveText("Urgent");
  await expect(conflict.getByTestId("conflict-mine-priority")).toHaveText("High");
  await expect(taskRow(page, "Prepare the investor demo")).toContainText("Urgent");

  // Overwrite applies only the user's change on top of the fresh version.
  await conflict.getByRole("button", { name: "Overwrite with my change" }).click();
  await expect(conflict).toBeHidden();
  await expect(taskRow(page, "Prepare the investor demo")).toContainText("High");
  await page2.reload();
  await expect(taskRow(page2, "Prepare the investor demo")).toContainText("High");

  await close();
});

test("edits of different fields in two browsers merge without a dialog", async ({
  browser,
  baseURL,
  request,
}) => {
  // Both browsers open the editor on version 1.
  const { page, page2, dialog, dialog2, close } = await editingInTwoBrowsers(
    browser,
    request,
    baseURL!,
    "merge",
    "Renew the passport",
  );
  // The first browser raises the priority...
  await dialog.getByLabel("Priority").selectOption("high");

  // ...while the second browser starts the task (status, version 2).
  await dialog2.getByLabel("Status").selectOption("in_progress");
  await dialog2.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page2, "Renew the passport")).toContainText("In progress");

  // The stale save is merged field by field: no dialog, both changes kept on the server.
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(taskRow(page, "Renew the passport")).toContainText("High");
  await expect(taskRow(page, "Renew the passport")).toContainText("In progress");
  await expect(page.getByRole("dialog", { name: "This task was changed elsewhere" })).toHaveCount(
    0,
  );
  await page2.reload();
  await expect(taskRow(page2, "Renew the passport")).toContainText("High");
  await expect(taskRow(page2, "Renew the passport")).toContainText("In progress");

  await close();
});
