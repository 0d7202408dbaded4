import { expect, test, type Page } from "@playwright/test";
import { acceptedDialogs, signedInWithTasks } from "./helpers";

/** The Attachments region of the open task editor. */
const attachmentsOf = (page: Page) =>
  page.getByRole("dialog", { name: "Edit task" }).getByRole("region", { name: "Attachments" });

test("attachments in the task editor: upload with progress to the store, download as a file, delete", async ({
  page,
  request,
  baseURL,
}) => {
  const { created } = await signedInWithTasks(page, request, baseURL!, "files", [
    { title: "Send the quote" },
  ]);

  await page.goto(`/tasks/${created[0]!.id}`);
  const files = attachmentsOf(page);
  const content = "Quote: 3 nights, 2 rooms\n";
  // The real path: announce, post the form to the local store (no bucket here), complete.
  await files.getByLabel("Choose files to attach").setInputFiles({
    name: "quote ../v2.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(content),
  });
  const row = files.getByTestId("attachment");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("v2.txt"); // the base name only
  await expect(row).toContainText(`${content.length} B`);

  // A short-lived link, followed at once: the browser saves it, never shows it inline.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("button", { name: "Download v2.txt" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("v2.txt");
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  expect(await readFile(path, "utf8")).toBe(content);

  await row.getByRole("button", { name: "Delete v2.txt" }).click();
  await expect(files.getByTestId("attachment")).toHaveCount(0);
  await expect(files).toContainText("Drop files here");
});

test("leaving while a file uploads asks first; a download meanwhile does not", async ({
  page,
  request,
  baseURL,
}) => {
  const { created } = await signedInWithTasks(page, request, baseURL!, "upleave", [
    { title: "File the receipts" },
  ]);
  const dialogs = acceptedDialogs(page);
  await page.goto(`/tasks/${created[0]!.id}`);
  const files = attachmentsOf(page);
  const attach = (name: string) =>
    files.getByLabel("Choose files to attach").setInputFiles({
      name,
      mimeType: "text/plain",
      buffer: Buffer.from(`${name}\n`),
    });
  await attach("march.txt");
  await expect(files.getByTestId("attachment")).toHaveCount(1);

  // The store holds the next file's bytes: the upload is on its way, in this page only.
  await page.route("**/api/v1/attachment-store/uploads", () => {});
  await attach("april.txt");
  await expect(files.getByRole("progressbar", { name: "Uploading april.txt" })).toBeVisible();

  // A download follows its link, but the page stays: no "Leave site?".
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    files.getByRole("button", { name: "Download march.txt" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("march.txt");
  await expect(files.getByRole("progressbar", { name: "Uploading april.txt" })).toBeVisible();
  expect(dialogs).toEqual([]);

  // Leaving would drop the upload: the browser asks first.
  await page.reload();
  expect(dialogs).toEqual(["beforeunload"]);
});
