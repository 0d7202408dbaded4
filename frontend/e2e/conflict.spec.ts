import {
  expect,
  test as base,
  type BrowserContext,
  type Locator,
  type Page,
} from "@playwright/test";
import { createAccount, editButton, logIn, seedTasks, taskRow } from "./helpers";

type TwoEditors = { page: Page; page2: Page; dialog: Locator; dialog2: Locator };

/** `editingInTwoBrowsers(tag, title)`: one account with the task `title` (priority low), signed in
 * in two browsers; each opens the task's editor. Answers both pages and editors; the browsers
 * close when the test ends, passed or not. */
const test = base.extend<{
  editingInTwoBrowsers: (tag: string, title: string) => Promise<TwoEditors>;
}>({
  editingInTwoBrowsers: async ({ browser, request, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    const editorIn = async (email: string, title: string) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await logIn(page, email);
      await editButton(page, title).click();
      const dialog = page.getByRole("dialog", { name: "Edit task" });
      await expect(dialog.getByLabel("Title")).toHaveValue(title);
      return { page, dialog };
    };
    await use(async (tag, title) => {
      const email = await createAccount(request, baseURL!, tag);
      await seedTasks(request, baseURL!, email, [{ title, priority: "low" }]);
      const one = await editorIn(email, title);
      const two = await editorIn(email, title);
      return { page: one.page, dialog: one.dialog, page2: two.page, dialog2: two.dialog };
    });
    for (const context of contexts) await context.close();
  },
});

test("a save over a change to the same field made in another browser shows the fresh version and asks first", async ({
  editingInTwoBrowsers,
}) => {
  // Both browsers open the editor on version 1.
  const { page, page2, dialog, dialog2 } = await editingInTwoBrowsers(
    "conflict",
    "Prepare the demo",
  );

  // The first browser starts changing the priority...
  await dialog.getByLabel("Priority").selectOption("high");
  // ...while the second browser renames it and raises its priority (version 2).
  await dialog2.getByLabel("Title").fill("Prepare the investor demo");
  await dialog2.getByLabel("Priority").selectOption("urgent");
  await dialog2.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page2, "Prepare the investor demo")).toBeVisible();
  await expect(taskRow(page, "Prepare the investor demo")).toBeVisible(); // the live update
  // The field being edited is not pulled in: the first form still stands on version 1.
  await expect(dialog.getByLabel("Title")).toHaveValue("Prepare the demo");

  // The first browser saves its stale priority: 412 on the same field, the fresh version is
  // shown, nothing overwritten yet.
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
});

test("edits of different fields in two browsers merge without a dialog", async ({
  editingInTwoBrowsers,
}) => {
  // Both browsers open the editor on version 1.
  const { page, page2, dialog, dialog2 } = await editingInTwoBrowsers(
    "merge",
    "Renew the passport",
  );
  // The first browser raises the priority...
  await dialog.getByLabel("Priority").selectOption("high");

  // ...while the second browser starts the task (status, version 2).
  await dialog2.getByLabel("Status").selectOption("in_progress");
  await dialog2.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page2, "Renew the passport")).toContainText("In progress");
  // The first browser's open form shows it (live update), keeping the priority being edited.
  await expect(dialog.getByLabel("Status")).toHaveValue("in_progress");
  await expect(dialog.getByLabel("Priority")).toHaveValue("high");

  // The save sends the first browser's change on top: no dialog, both changes kept on the server.
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
});
