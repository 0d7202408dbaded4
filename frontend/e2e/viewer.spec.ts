import { expect } from "@playwright/test";
import { shoot } from "./axe";
import {
  countWrites,
  invitationLink,
  inviteFromShareDialog,
  quickAdd,
  shareDialogMembers,
  taskRow,
  test,
} from "./helpers";

test("a viewer is offered no write; raised to editor, they complete a task the owner then sees done", async ({
  page,
  ownerInNewProject,
  guestAccepts,
}) => {
  const { guestEmail, projectPath } = await ownerInNewProject("Choir", "viewer");
  await quickAdd(page, "Print the scores");

  // The owner invites the guest as a viewer.
  await inviteFromShareDialog(page, "Choir", guestEmail, "viewer");
  await page.keyboard.press("Escape");

  // The guest accepts through the mailed link, in a browser of their own.
  const link = await invitationLink(guestEmail, "Choir");
  const guest = await guestAccepts(link, guestEmail);
  await expect(guest).toHaveURL(new RegExp(`${projectPath}$`));
  await expect(guest.getByText("You joined “Choir” as a viewer.")).toBeVisible();
  // Closed now: left to time out, it faded during the dialog's dark screenshot below, and axe
  // measured the half-transparent toast's contrast (a flaky color-contrast failure).
  const joined = guest.locator("[data-sonner-toast]", { hasText: "You joined “Choir”" });
  await joined.getByRole("button", { name: "Close toast" }).click();
  await expect(joined).toHaveCount(0);

  // The viewer reads the task, with nothing to change it by.
  const row = taskRow(guest, "Print the scores");
  await expect(row.getByRole("img", { name: "Not done" })).toBeVisible();
  await expect(guest.getByText("You can view this project")).toBeVisible();
  await expect(guest.getByLabel("Add a task", { exact: true })).toHaveCount(0);
  await expect(row.getByRole("checkbox")).toHaveCount(0);
  await expect(row.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await row.getByRole("button", { name: "Open “Print the scores”" }).click();
  const dialog = guest.getByRole("dialog", { name: "Task" });
  await expect(dialog.getByLabel("Title")).toHaveValue("Print the scores");
  await expect(dialog.getByLabel("Title")).toBeDisabled();
  await expect(dialog.getByText("You can view this project")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(dialog.getByRole("region", { name: "Comments" })).toBeVisible();
  await expect(dialog.getByLabel("New comment")).toHaveCount(0);
  // The read-only editor, light and dark, checked by axe.
  await shoot(guest, "task-dialog-read-only");
  await guest.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  // The owner raises the guest to editor (a fresh load: the members list read when the dialog
  // first opened predates the acceptance); on their next load the guest may complete the task.
  await page.reload();
  const members = await shareDialogMembers(page, "Choir");
  const writes = countWrites(page);
  await members.getByLabel(/^Role of /).selectOption("editor");
  await expect(members.getByLabel(/^Role of /)).toHaveValue("editor");
  await page.keyboard.press("Escape");
  await writes.settled(0);
  await guest.reload();
  await expect(guest.getByLabel("Add a task", { exact: true })).toBeVisible();
  await expect(guest.getByText("You can view this project")).toHaveCount(0);
  await row.getByRole("checkbox", { name: "Complete “Print the scores”" }).click();
  await expect(guest.getByText("Completed “Print the scores”")).toBeVisible();

  // The owner sees it done (completed tasks show with "Show completed").
  await page.goto(`${projectPath}?show_done=true`);
  await expect(
    taskRow(page, "Print the scores").getByRole("checkbox", {
      name: "Mark “Print the scores” as not done",
    }),
  ).toHaveAttribute("aria-checked", "true");
});
