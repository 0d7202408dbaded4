import { expect, test } from "@playwright/test";
import { countMoves, editButton, listTitles, signedInInManualOrder } from "./helpers";

test("manual order by keyboard: Alt+↑/↓ move the focused task through the API, Ctrl+Z moves it back", async ({
  page,
  request,
  baseURL,
}) => {
  // New tasks go to the end of the manual order: Ann, Ben, Cat, Dan.
  await signedInInManualOrder(page, request, baseURL!, "reorder", ["Ann", "Ben", "Cat", "Dan"]);
  // Moves go one after another: reload only once the last is answered.
  const moves = countMoves(page);

  await editButton(page, "Dan").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Ben", "Dan", "Cat"]);
  await expect(editButton(page, "Dan")).toBeFocused();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Dan", "Ben", "Cat"]);
  await editButton(page, "Ann").focus();
  await page.keyboard.press("Alt+ArrowDown");
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
  await expect.poll(() => moves.sent).toBe(3);
  await expect.poll(() => moves.answered).toBe(3);

  // The server holds the order.
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);

  // Move, then Ctrl+Z: back where it was, on the server too.
  await editButton(page, "Cat").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Cat", "Ben"]);
  await page.keyboard.press("Control+z");
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
  await expect.poll(() => moves.answered).toBe(5);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);

  // Outside the manual order Alt+↑ moves nothing.
  await page.getByLabel("Sort by").selectOption("title");
  await editButton(page, "Cat").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Ben", "Cat", "Dan"]);
  expect(moves.sent).toBe(5);
});
