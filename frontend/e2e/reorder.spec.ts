import { expect, test, type Page } from "@playwright/test";
import { createAccount, logIn, seedTasks, taskRow } from "./helpers";

const titles = (page: Page) =>
  page
    .getByRole("list", { name: "Tasks" })
    .getByTestId("task-item")
    .locator("button[aria-label^='Edit “'] > span:first-child");
const editButton = (page: Page, title: string) =>
  taskRow(page, title)
    .getByRole("button", { name: /^Edit “/ })
    .first();

test("manual order by keyboard: Alt+↑/↓ move the focused task through the API, Ctrl+Z moves it back", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "reorder");
  // New tasks go to the end of the manual order: Ann, Ben, Cat, Dan.
  await seedTasks(request, baseURL!, email, [
    { title: "Ann" },
    { title: "Ben" },
    { title: "Cat" },
    { title: "Dan" },
  ]);
  await logIn(page, email);
  await page.getByLabel("Sort by").selectOption("position");
  await expect(page).toHaveURL(/sort=position/);
  await expect(titles(page)).toHaveText(["Ann", "Ben", "Cat", "Dan"]);
  let moves = 0;
  let answered = 0; // moves go one after another: reload only once the last is in
  const isMove = (method: string, url: string) =>
    method === "POST" && /\/tasks\/[^/]+\/move$/.test(url);
  page.on("request", (r) => {
    if (isMove(r.method(), r.url())) moves += 1;
  });
  page.on("response", (r) => {
    if (isMove(r.request().method(), r.url())) answered += 1;
  });

  await editButton(page, "Dan").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(titles(page)).toHaveText(["Ann", "Ben", "Dan", "Cat"]);
  await expect(editButton(page, "Dan")).toBeFocused();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(titles(page)).toHaveText(["Ann", "Dan", "Ben", "Cat"]);
  await editButton(page, "Ann").focus();
  await page.keyboard.press("Alt+ArrowDown");
  await expect(titles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
  await expect.poll(() => moves).toBe(3);
  await expect.poll(() => answered).toBe(3);

  // The server holds the order.
  await page.reload();
  await expect(titles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);

  // Move, then Ctrl+Z: back where it was, on the server too.
  await editButton(page, "Cat").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(titles(page)).toHaveText(["Dan", "Ann", "Cat", "Ben"]);
  await page.keyboard.press("Control+z");
  await expect(titles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
  await expect.poll(() => answered).toBe(5);
  await page.reload();
  await expect(titles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);

  // Outside the manual order Alt+↑ moves nothing.
  await page.getByLabel("Sort by").selectOption("title");
  await editButton(page, "Cat").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(titles(page)).toHaveText(["Ann", "Ben", "Cat", "Dan"]);
  expect(moves).toBe(5);
});
