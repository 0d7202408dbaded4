import { expect, test } from "@playwright/test";
import { signedInWithTasks } from "./helpers";

test("comments and history in the task editor: post with Ctrl+Enter, edit and delete your own, see who changed what", async ({
  page,
  request,
  baseURL,
}) => {
  const { created } = await signedInWithTasks(page, request, baseURL!, "comments", [
    { title: "Plan the trip", priority: "low" },
  ]);

  await page.goto(`/tasks/${created[0]!.id}`);
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  const comments = dialog.getByRole("region", { name: "Comments" });
  const history = dialog.getByRole("region", { name: "History" });
  await expect(history.getByTestId("history-event")).toHaveCount(1);
  await expect(history.getByTestId("history-event").first()).toContainText("You created");

  // Markdown is rendered by the server; raw HTML stays text.
  const box = comments.getByLabel("New comment");
  await box.fill("Book **trains** <img src=x onerror=alert(1)>");
  await box.press("Control+Enter");
  await expect(box).toHaveValue("");
  const first = comments.getByTestId("comment").first();
  await expect(first.locator("strong")).toHaveText("trains");
  await expect(first).toContainText("<img src=x onerror=alert(1)>");
  await expect(first.locator("img")).toHaveCount(0);
  await expect(history.getByTestId("history-event").first()).toContainText("You commented");

  await first.getByRole("button", { name: "Edit" }).click();
  await first.getByLabel("Edit comment").fill("Book the night train");
  await first.getByRole("button", { name: "Save comment" }).click();
  await expect(first).toContainText("Book the night train");
  await expect(first).toContainText("edited");

  await first.getByRole("button", { name: "Delete" }).click();
  await expect(comments.getByTestId("comment")).toHaveCount(0);

  // Saving the task adds its change to the history, from → to.
  await dialog.getByLabel("Priority").selectOption("high");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/tasks/${created[0]!.id}`);
  await expect(
    page.getByRole("region", { name: "History" }).getByTestId("history-event").first(),
  ).toContainText("priority: Low → High");
});
