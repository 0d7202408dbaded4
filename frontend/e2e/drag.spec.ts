import { expect, test, type Page } from "@playwright/test";
import { expectAxeClean, shoot } from "./axe";
import {
  bulkBar,
  countMoves,
  dragAnnounced,
  keyboardDrag,
  listTitles,
  signedInInManualOrder,
  signedInWithTasks,
  taskRow,
} from "./helpers";

test("list: drag a row to a new place in the manual order; it persists, and Ctrl+Z puts it back", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInInManualOrder(page, request, baseURL!, "drag-list", ["Ann", "Ben", "Cat", "Dan"]);
  // The drag code is a lazy chunk: the grips show once it is there.
  await expect(page.getByRole("button", { name: /^Reorder “Ann”/ })).toBeVisible();
  const moves = countMoves(page);

  // Pointer: Ann dropped onto Cat takes Cat's place.
  await dragAnnounced(
    page,
    taskRow(page, "Ann"),
    taskRow(page, "Cat"),
    "Ann is at position 3 of 4.",
  );
  await expect(listTitles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expect.poll(() => moves.answered).toBe(1);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expect(page.getByRole("button", { name: /^Reorder “Dan”/ })).toBeVisible();

  // Keyboard: the grip picks Dan up, ↑ ↑ moves it two rows, Space drops it.
  await keyboardDrag(
    page,
    taskRow(page, "Dan").getByRole("button", { name: /^Reorder “Dan”/ }),
    "Dan is at position 4 of 4.",
    [
      ["ArrowUp", "Dan is at position 3 of 4."],
      ["ArrowUp", "Dan is at position 2 of 4."],
    ],
  );
  await expect(listTitles(page)).toHaveText(["Ben", "Dan", "Cat", "Ann"]);
  await expect.poll(() => moves.sent).toBe(2);
  await shoot(page, "drag-list-desktop");

  // Undo: Dan goes back where it was (after Ann), on the server too.
  await page.keyboard.press("Control+z");
  await expect(listTitles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expect.poll(() => moves.answered).toBe(3);
  await page.reload();
  await expect(listTitles(page)).toHaveText(["Ben", "Cat", "Ann", "Dan"]);
  await expectAxeClean(page, "list in the manual order");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "drag-list-phone");
});

const column = (page: Page, status: string) => page.getByTestId(`column-${status}`);
const cardTitles = (page: Page, status: string) =>
  column(page, status).getByTestId("board-card").locator("button[aria-label^='Edit “'] > span");
const card = (page: Page, title: string) =>
  page.getByTestId("board-card").filter({ hasText: title });

/** Selects the card by keyboard (focus its editor button, press x): the only one selected. */
async function selectWithX(page: Page, title: string) {
  await card(page, title)
    .getByRole("button", { name: new RegExp(`^Edit “${title}”`) })
    .focus();
  await page.keyboard.press("x");
  await expect(bulkBar(page)).toContainText("1 selected");
}

test("board: reorder within a column, and drop into another column at a place (status + order persist)", async ({
  page,
  request,
  baseURL,
}) => {
  // Each column lists in the manual order (creation order here).
  await signedInWithTasks(page, request, baseURL!, "drag-board", [
    { title: "Pa" },
    { title: "Pb" },
    { title: "Pc" },
    { title: "Ma", status: "in_progress" },
    { title: "Mb", status: "in_progress" },
  ]);
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(cardTitles(page, "pending")).toHaveText(["Pa", "Pb", "Pc"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Mb"]);
  const moves = countMoves(page);

  // Within a column: Pc dropped onto Pa takes its place.
  await dragAnnounced(page, card(page, "Pc"), card(page, "Pa"), "Over Pa in To do.");
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pa", "Pb"]);
  await expect.poll(() => moves.sent).toBe(1);

  // Into another column, on the upper half of Mb: between Ma and Mb, in progress (one move).
  await dragAnnounced(page, card(page, "Pa"), card(page, "Mb"), "Over Mb in In progress.", "top");
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Pa", "Mb"]);
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pb"]);
  await expect.poll(() => moves.answered).toBe(2);
  await page.reload();
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pb"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Pa", "Mb"]);
  await shoot(page, "drag-board-desktop");
});

test("board: multi-select (x, Ctrl-click, shift-click, Esc), bulk complete, undo", async ({
  page,
  request,
  baseURL,
}) => {
  await signedInWithTasks(page, request, baseURL!, "drag-select", [
    { title: "Pc" },
    { title: "Pb" },
    { title: "Ma", status: "in_progress" },
    { title: "Pa", status: "in_progress" },
    { title: "Mb", status: "in_progress" },
  ]);
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pb"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Pa", "Mb"]);

  // Multi-select: x on the focused card, Ctrl-click toggles, shift-click adds the range.
  await selectWithX(page, "Pc");
  await card(page, "Mb")
    .getByText("Mb")
    .click({ modifiers: ["Control"] });
  await expect(bulkBar(page)).toContainText("2 selected");
  // Board order: Pc, Pb | Ma, Pa, Mb; from the anchor Mb back to Pa adds Pa.
  await card(page, "Pa")
    .getByText("Pa")
    .click({ modifiers: ["Shift"] });
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(bulkBar(page)).toContainText("3 selected");
  await expect(card(page, "Pa").getByRole("button", { name: /selected$/ })).toHaveCount(1);
  await expectAxeClean(page, "board with a selection");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "drag-board-selected-phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  const bulk = () =>
    page.waitForResponse(
      (r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/tasks/bulk"),
    );
  const completed = bulk();
  await bulkBar(page).getByRole("button", { name: "Complete" }).click();
  expect((await completed).status()).toBe(200);
  await expect(cardTitles(page, "pending")).toHaveText(["Pb"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma"]);
  await expect(column(page, "done").getByRole("heading", { name: /^Done\s*3$/ })).toBeVisible();
  await expect(bulkBar(page)).toHaveCount(0);
  // Undo is one more bulk: shown at once, then saved (the reload waits for the answer).
  const undone = bulk();
  await page.keyboard.press("Control+z");
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pb"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Pa", "Mb"]);
  expect((await undone).status()).toBe(200);
  await page.reload();
  await expect(cardTitles(page, "pending")).toHaveText(["Pc", "Pb"]);
  await expect(cardTitles(page, "in_progress")).toHaveText(["Ma", "Pa", "Mb"]);

  // Esc clears a selection.
  await selectWithX(page, "Pb");
  await page.keyboard.press("Escape");
  await expect(bulkBar(page)).toHaveCount(0);
});
