import { expect, test, type Page } from "@playwright/test";
import { countMoves, editButton, listTitles, signedInInManualOrder, streamOpened } from "./helpers";

/** Alt+↑ twice on Dan, the last of Ann, Ben, Cat, Dan (the second once the row has its focus
 * back): Ann, Dan, Ben, Cat. */
async function raiseDanTwice(page: Page) {
  await editButton(page, "Dan").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Ben", "Dan", "Cat"]);
  await expect(editButton(page, "Dan")).toBeFocused();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Dan", "Ben", "Cat"]);
}

test("manual order by keyboard: Alt+↑/↓ move the focused task through the API, Ctrl+Z moves it back", async ({
  page,
  request,
  baseURL,
}) => {
  // New tasks go to the end of the manual order: Ann, Ben, Cat, Dan.
  await signedInInManualOrder(page, request, baseURL!, "reorder", ["Ann", "Ben", "Cat", "Dan"]);
  // Moves go one after another: reload only once the last is answered.
  const moves = countMoves(page);

  await raiseDanTwice(page);
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

/** `times` presses of Alt+`key`, `gap` ms apart: a held key repeats about every 30 ms. */
async function holdAlt(page: Page, key: "ArrowUp" | "ArrowDown", times: number, gap: number) {
  await page.keyboard.down("Alt");
  for (let n = 0; n < times; n++) {
    if (n && gap) await page.waitForTimeout(gap);
    await page.keyboard.press(key);
  }
  await page.keyboard.up("Alt");
}

test("a held Alt+↑ moves the task one place a repeat, however fast the key repeats", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInInManualOrder(page, request, baseURL!, "reorder-held", ["A", "B", "C", "D", "E"]);
  const moves = countMoves(page);
  await editButton(page, "E").focus();
  // Faster than any render: each press still counts from where the one before left the row.
  await holdAlt(page, "ArrowUp", 3, 0);
  await expect(listTitles(page)).toHaveText(["A", "E", "B", "C", "D"]);
  await expect(editButton(page, "E")).toBeFocused();
  await holdAlt(page, "ArrowDown", 2, 30);
  await expect(listTitles(page)).toHaveText(["A", "B", "C", "E", "D"]);
  await expect.poll(() => moves.answered).toBe(5);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["A", "B", "C", "E", "D"]);
});

/** Holds every move's answer back until `release()`: the server has the move, the page does not. */
function holdMoveAnswers(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  void page.route("**/api/v1/tasks/*/move", async (route) => {
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  return release;
}

test("a live refetch while moves are on their way does not put a moved row back", async ({
  page,
  request,
  baseURL,
}) => {
  const opened = streamOpened(page);
  await signedInInManualOrder(page, request, baseURL!, "reorder-live", [
    "Ann",
    "Ben",
    "Cat",
    "Dan",
  ]);
  await opened;
  const moves = countMoves(page);
  const release = holdMoveAnswers(page);

  // The first move reaches the server, whose change event comes down the live stream while
  // the second move waits its turn: a list refetched then still has Dan below Ben.
  await raiseDanTwice(page);
  await expect.poll(() => moves.sent).toBe(1);
  // The change event, the live updates' 100 ms gathering and a list read fit in this time:
  // the rows must not have moved back meanwhile.
  await page.waitForTimeout(1500);
  expect(await listTitles(page).allTextContents()).toEqual(["Ann", "Dan", "Ben", "Cat"]);

  // The next key counts from the order shown.
  await editButton(page, "Ann").focus();
  await page.keyboard.press("Alt+ArrowDown");
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
  release();
  await expect.poll(() => moves.answered).toBe(3);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Dan", "Ann", "Ben", "Cat"]);
});

test("offline, a move waits in the page like any change and is sent when the network returns", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  await signedInInManualOrder(page, request, baseURL!, "reorder-offline", ["Ann", "Ben", "Cat"]);
  const moves = countMoves(page);
  // One move online first: its code is a lazy chunk, which offline only the service worker
  // (blocked in this spec, see offline.spec.ts) would serve.
  await editButton(page, "Cat").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(listTitles(page)).toHaveText(["Ann", "Cat", "Ben"]);
  await expect.poll(() => moves.answered).toBe(1);

  await context.setOffline(true);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline");
  await editButton(page, "Ann").focus();
  await page.keyboard.press("Alt+ArrowDown");
  await expect(listTitles(page)).toHaveText(["Cat", "Ann", "Ben"]);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline — 1 change waiting");
  await expect(page.locator('[data-testid="task-item"][data-waiting]')).toHaveText(/Ann/);
  expect(moves.sent).toBe(1);

  await context.setOffline(false);
  await expect(page.locator("[data-waiting]")).toHaveCount(0);
  await expect.poll(() => moves.answered).toBe(2);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Cat", "Ann", "Ben"]);
});
