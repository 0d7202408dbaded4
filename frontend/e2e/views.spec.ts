import { expect, test } from "@playwright/test";
import { expectAxeClean } from "./axe";
import { signedInWithTasks, taskRow } from "./helpers";

test("saved views: save the list's filters under a name, open, rename, delete", async ({
  page,
  request,
  baseURL,
}) => {
  const { headers } = await signedInWithTasks(page, request, baseURL!, "views", [
    { title: "Server on fire", priority: "urgent", labels: ["ops"] },
    { title: "Buy milk", priority: "low" },
    { title: "Old urgent thing", priority: "urgent", status: "done" },
  ]);

  await page.getByRole("button", { name: "Urgent" }).click();
  await expect(page).toHaveURL(/\/tasks\?priority=urgent$/);
  const views = page.getByRole("region", { name: "Views" });
  await views.getByRole("button", { name: "Save these filters as a view" }).click();
  const dialog = page.getByRole("dialog", { name: "Save view" });
  await dialog.getByLabel("Name").fill("Fires");
  await dialog.getByRole("button", { name: "Save view" }).click();
  await expect(dialog).toBeHidden();

  // Stored as the API's own query (checked by the list's parser on the server).
  const stored = await (await request.get(`${baseURL}/api/v1/views`, { headers })).json();
  expect(stored.items.map((v: { name: string; query: string }) => [v.name, v.query])).toEqual([
    ["Fires", "status=pending&status=in_progress&priority=urgent"],
  ]);

  // Opening it elsewhere brings the same list back.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();
  await views.getByRole("link", { name: "Fires" }).click();
  await expect(page).toHaveURL(/\/tasks\?priority=urgent$/);
  await expect(views.getByRole("link", { name: "Fires" })).toHaveAttribute("aria-current", "page");
  // The list is headed by the view's name, as the sidebar marks it.
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toHaveText("Fires");
  await expect(taskRow(page, "Server on fire")).toBeVisible();
  await expect(taskRow(page, "Buy milk")).toHaveCount(0);
  await expect(taskRow(page, "Old urgent thing")).toHaveCount(0);
  await expectAxeClean(page, "sidebar with a saved view");

  await views.getByRole("button", { name: "Edit view “Fires”" }).click();
  const edit = page.getByRole("dialog", { name: "Edit view" });
  await edit.getByLabel("Name").fill("Urgent work");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(views.getByRole("link", { name: "Urgent work" })).toBeVisible();
  await expect(heading).toHaveText("Urgent work");

  await views.getByRole("button", { name: "Edit view “Urgent work”" }).click();
  await page.getByRole("button", { name: "Delete view" }).click();
  await expect(views.getByRole("link", { name: "Urgent work" })).toHaveCount(0);
  await expect(heading).toHaveText("Tasks");
  // The list drops it at once; the server, once the DELETE is answered.
  await expect
    .poll(
      async () => (await (await request.get(`${baseURL}/api/v1/views`, { headers })).json()).items,
    )
    .toEqual([]);
});
