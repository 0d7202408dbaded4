import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectAxeClean, shoot } from "./axe";
import { createAccount, logIn, seedTasks, taskRow } from "./helpers";

const titles = (page: Page) =>
  page
    .getByRole("list", { name: "Tasks" })
    .getByTestId("task-item")
    .locator("button[aria-label^='Edit “'] > span:first-child");

/** A real pointer drag: press on `from`, move past dnd-kit's 6 px threshold, then onto `to`. */
async function drag(page: Page, from: Locator, to: Locator, where: "top" | "bottom" = "top") {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 10, { steps: 3 });
  const y = where === "top" ? b.y + b.height * 0.3 : b.y + b.height * 0.7;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2, y + 1, { steps: 2 });
  await page.mouse.up();
}

test("list: drag a row to a new place in the manual order; it persists, and Ctrl+Z puts it back", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "drag-list");
  await seedTasks(request, baseURL!, email, [
    { title: "Ann" },
    { title: "Ben" },
    { title: "Cat" },
    { title: "Dan" },
  ]);
  await logIn(page, email);
  await page.getByLabel("Sort by").selectOption("position");
  await expect(titles(page)).toHaveText(["Ann", "Ben", "Cat", "Dan"]);
  const moves: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/tasks\/[^/]+\/move$/.test(r.url())) moves.push(r.postData()!);
  });

  // Pointer: Ann dropped onto Cat takes Cat's place.
  await drag(page, taskRow(page, "Ann"), taskRow(page, "Cat"));
  await expect(titles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expect.poll(() => moves.length).toBe(1);
  await page.reload();
  await expect(titles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);

  // Keyboard: the grip picks Dan up, ↑ ↑ moves it two rows, Space drops it.
  await taskRow(page, "Dan").getByRole("button", { name: /^Reorder “Dan”/ }).focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Space");
  await expect(titles(page)).toHaveText(["Ben", "Dan", "Cat", "Ann"]);
  await expect.poll(() => moves.length).toBe(2);
  await shoot(page, "drag-list-desktop");

  // Undo: Dan goes back where it was (after Ann), on the server too.
  await page.keyboard.press("Control+z");
  await expect(titles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expect.poll(() => moves.length).toBe(3);
  await page.reload();
  await expect(titles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expectAxeClean(page, "list in the manual order");
});
