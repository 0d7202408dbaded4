import { expect, type Page } from "@playwright/test";
import { shoot } from "./axe";
import {
  authHeaders,
  countWrites,
  invitationLink,
  invitedThroughApi,
  inviteFromShareDialog,
  logIn,
  quickAdd,
  shareDialogMembers,
  taskRow,
  test,
} from "./helpers";

const membersButton = (page: Page) =>
  page.getByTestId("project-header").getByRole("button", { name: /^Members/ });

test("sharing between two browsers: invite by email, the mailed link, edit together, roles, removal", async ({
  page,
  ownerInNewProject,
  guestAccepts,
}) => {
  const { guestEmail, projectPath } = await ownerInNewProject("Trip", "guest");

  // The owner invites the guest's address as an editor; the invitation waits in the dialog.
  const share = await inviteFromShareDialog(page, "Trip", guestEmail, "editor");
  await expect(share.getByLabel("Email address")).toHaveValue("");
  // Checked by axe in both schemes once transitions settle (a fading-in toast is not a contrast
  // failure: checked mid-fade, it was one in a CI run).
  await shoot(page, "share-dialog");
  await page.keyboard.press("Escape");

  const link = await invitationLink(guestEmail, "Trip");

  // The link is the guest's alone: the owner opening it is told so, and it stays usable.
  await page.goto(link.pathname + link.search);
  await expect(page.getByRole("alert")).toContainText("another email address");

  // The guest opens it signed out, logs in, and lands in the project as an editor.
  const guest = await guestAccepts(link, guestEmail);
  await expect(guest).toHaveURL(new RegExp(`${projectPath}$`));
  await expect(guest.getByText("You joined “Trip” as an editor.")).toBeVisible();
  await expect(guest.getByRole("heading", { level: 1, name: "Trip" })).toBeVisible();
  await expect(membersButton(guest)).toHaveText("Members · you are an editor");
  // Only the owner edits or publishes the project.
  await expect(guest.getByRole("button", { name: "Edit project", exact: true })).toHaveCount(0);
  await expect(guest.getByRole("button", { name: "Edit project “Trip”" })).toHaveCount(0);
  await expect(guest.getByRole("img", { name: "shared with you (editor)" })).toBeVisible();

  // The editor's task is the owner's too.
  await quickAdd(guest, "Book the ferry");
  await page.goto(projectPath);
  await expect(taskRow(page, "Book the ferry")).toBeVisible();

  // The editor comments; the owner sees who wrote it, and who created the task.
  await guest.getByRole("button", { name: "Edit “Book the ferry”" }).first().click();
  const guestEditor = guest.getByRole("dialog", { name: "Edit task" });
  const box = guestEditor.getByRole("region", { name: "Comments" }).getByLabel("New comment");
  await box.fill("Tickets go on sale on Monday");
  await box.press("Control+Enter");
  await expect(guestEditor.getByTestId("comment")).toContainText(/^You · /);
  await guest.keyboard.press("Escape");
  await expect(guestEditor).toBeHidden();
  await page.getByRole("button", { name: "Edit “Book the ferry”" }).first().click();
  const ownerEditor = page.getByRole("dialog", { name: "Edit task" });
  // Named as they registered (createAccount gives "E2E <tag>"): the members list's full name.
  await expect(ownerEditor.getByTestId("comment")).toContainText(/^E2E guest · /);
  const events = ownerEditor.getByRole("region", { name: "History" }).getByTestId("history-event");
  await expect(events.first()).toContainText("E2E guest commented");
  await expect(events.last()).toContainText("E2E guest created");
  await expect(events.last()).toContainText("project: Trip");
  await page.keyboard.press("Escape");
  await expect(ownerEditor).toBeHidden();

  // The owner makes the guest a viewer; the guest's page says so on its next load.
  const members = await shareDialogMembers(page, "Trip");
  await expect(members.getByTestId("member")).toHaveCount(2);
  const writes = countWrites(page);
  await members.getByLabel(/^Role of /).selectOption("viewer");
  await expect(members.getByLabel(/^Role of /)).toHaveValue("viewer");
  await writes.settled(0);
  await guest.reload();
  await expect(membersButton(guest)).toHaveText("Members · you are a viewer");

  // Removed: the project and its tasks are gone from the guest's view.
  const beforeRemoval = writes.sent;
  await members.getByRole("button", { name: /^Remove / }).click();
  await expect(members.getByTestId("member")).toHaveCount(1);
  await writes.settled(beforeRemoval);
  await guest.reload();
  await expect(membersButton(guest)).toHaveCount(0);
  await expect(taskRow(guest, "Book the ferry")).toHaveCount(0);
});

test("a member leaves a shared project from its members dialog", async ({
  page,
  request,
  baseURL,
}) => {
  // Shared through the API (the flow above is the UI's): invite, read the mail, accept.
  const { memberEmail, projectId, link } = await invitedThroughApi(
    request,
    baseURL!,
    "Choir",
    "member",
    "viewer",
  );
  const joined = await request.post(`${baseURL}/api/v1/invitations/accept`, {
    data: { token: link.searchParams.get("token") },
    headers: await authHeaders(request, baseURL!, memberEmail),
  });
  expect(joined.status()).toBe(200);

  await logIn(page, memberEmail);
  await page.goto(`/projects/${projectId}`);
  await membersButton(page).click();
  const dialog = page.getByRole("dialog", { name: "Members of “Choir”" });
  await expect(dialog.getByTestId("member")).toHaveCount(2);
  await expect(dialog.getByTestId("member").first()).toContainText("Owner");
  await dialog.getByRole("button", { name: "Leave project…" }).click();
  await dialog.getByRole("button", { name: "Leave project", exact: true }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByText("You left “Choir”.")).toBeVisible();
  await page.goto(`/projects/${projectId}`);
  await expect(membersButton(page)).toHaveCount(0);
});
