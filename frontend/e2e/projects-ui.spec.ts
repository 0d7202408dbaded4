import { expect, test, type Browser } from "@playwright/test";
import { expectAxeClean, shoot } from "./axe";
import { quickAdd, signedIn, taskRow } from "./helpers";

const DESCRIPTION =
  "Beds by the **south wall**; see [the guide](https://example.com/tulips).\n\n" +
  "<script>window.pwned = 1</script>\n\n[bad](javascript:alert(1))";

/** The published page as someone without an account sees it: a fresh browser context. */
async function visitLoggedOut(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(url);
  return { context, page, status: response!.status() };
}

test("a project's description, and its read-only link published, replaced and stopped", async ({
  page,
  context,
  browser,
  request,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signedIn(page, request, baseURL!, "projui");
  const sidebar = page.getByRole("region", { name: "Projects" });
  await sidebar.getByRole("button", { name: "New project" }).click();
  const created = page.getByRole("dialog", { name: "New project" });
  await created.getByLabel("Name").fill("Garden");
  await created.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Garden" })).toBeVisible();
  await quickAdd(page, "Plant tulip bulbs");

  // Edit the description: the header shows the server's rendering, sanitized.
  const header = page.getByTestId("project-header");
  await header.getByRole("button", { name: "Edit project" }).click();
  const edit = page.getByRole("dialog", { name: "Edit project" });
  await edit.getByLabel("Description").fill(DESCRIPTION);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const shown = page.getByTestId("project-description");
  await expect(shown.locator("strong")).toHaveText("south wall");
  await expect(shown.getByRole("link", { name: "the guide" })).toHaveAttribute(
    "href",
    "https://example.com/tulips",
  );
  await expect(shown).toContainText("<script>window.pwned = 1</script>"); // shown as text
  await expect(shown.locator("script")).toHaveCount(0);
  await expect(shown.getByRole("link")).toHaveCount(1); // javascript: did not become a link
  expect(
    await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
  ).toBeUndefined();
  await shoot(page, "project-header-desktop");

  // Publish: the link, copied to the clipboard, opens for someone logged out.
  await header.getByRole("button", { name: "Publish a read-only link" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish “Garden”" });
  await dialog.getByRole("button", { name: "Publish a read-only link" }).click();
  const field = dialog.getByLabel("Read-only link");
  await expect(field).toHaveValue(/\/p\/[A-Za-z0-9_-]{43}$/);
  const first = await field.inputValue();
  await expect(dialog.getByRole("link", { name: "Open" })).toHaveAttribute("href", first);
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByText("Link copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await shoot(page, "project-publish-desktop");

  const visitor = await visitLoggedOut(browser, first);
  expect(visitor.status).toBe(200);
  await expect(visitor.page.getByRole("heading", { level: 1, name: "Garden" })).toBeVisible();
  await expect(visitor.page.locator("strong", { hasText: "south wall" })).toBeVisible();
  await expect(visitor.page.getByText("Plant tulip bulbs")).toBeVisible();
  await visitor.context.close();

  // Replace: asked first; the old link dies, the new one works.
  await dialog.getByRole("button", { name: "Replace link…" }).click();
  await expect(dialog.getByRole("alert")).toContainText("The current link stops working");
  await dialog.getByRole("button", { name: "Replace link", exact: true }).click();
  await expect(field).not.toHaveValue(first);
  const second = await field.inputValue();
  const old = await visitLoggedOut(browser, first);
  expect(old.status).toBe(404);
  await old.context.close();
  const fresh = await visitLoggedOut(browser, second);
  expect(fresh.status).toBe(200);
  await fresh.context.close();

  // The sidebar shows it is published (once the dialog no longer hides the page).
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByRole("link", { name: /Garden/ })).toHaveAccessibleName(/published/);
  await header.getByRole("button", { name: "Published link" }).click();
  await expect(field).toHaveValue(second);

  // Stop: asked first; the link dies.
  await dialog.getByRole("button", { name: "Stop publishing…" }).click();
  await dialog.getByRole("button", { name: "Stop publishing", exact: true }).click();
  await expect(dialog.getByRole("button", { name: "Publish a read-only link" })).toBeVisible();
  const stopped = await visitLoggedOut(browser, second);
  expect(stopped.status).toBe(404);
  await stopped.context.close();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(sidebar.getByRole("link", { name: /Garden/ })).not.toHaveAccessibleName(/published/);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("projects and views are a sheet away: open one, create one", async ({
    page,
    request,
    baseURL,
  }) => {
    await signedIn(page, request, baseURL!, "projui-phone");
    const sections = page.getByRole("navigation", { name: "Sections" });
    const opener = sections.getByRole("button", { name: "Projects" });

    await opener.tap();
    const drawer = page.getByRole("dialog", { name: "Projects and views" });
    await expect(drawer.getByRole("link", { name: "Inbox" })).toBeVisible();
    await expect(drawer.getByRole("link", { name: "Upcoming" })).toBeVisible();
    await shoot(page, "projects-drawer-phone");
    // Esc closes it and gives focus back to its button.
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(opener).toBeFocused();

    // Create a project from the sheet: its list opens, the sheet closes.
    await opener.tap();
    await drawer.getByRole("button", { name: "New project" }).tap();
    const create = page.getByRole("dialog", { name: "New project" });
    await create.getByLabel("Name").fill("Errands");
    await create.getByRole("button", { name: "Create project" }).tap();
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: "Errands" })).toBeVisible();
    await expect(drawer).toBeHidden();
    await quickAdd(page, "Buy stamps");

    // The count shows in the sheet; going to the Inbox from it.
    await opener.tap();
    await expect(drawer.getByRole("link", { name: /Errands/ })).toHaveAccessibleName(
      /^Errands\s*1 open$/,
    );
    await drawer.getByRole("link", { name: "Inbox" }).tap();
    await expect(drawer).toBeHidden();
    await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
    await expect(taskRow(page, "Buy stamps")).toHaveCount(0);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    ).toBe(true);
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1, name: "Errands" })).toBeVisible();
    await shoot(page, "project-header-phone");
    await expectAxeClean(page, "a project on a phone");
  });
});

test.describe("the calendar at 360 px", () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("the month header keeps both arrows on the title's line, on screen", async ({
    page,
    request,
    baseURL,
  }) => {
    await signedIn(page, request, baseURL!, "projui-cal");
    // September: the longest month name.
    await page.goto("/calendar?month=2026-09");
    const title = page.getByRole("heading", { level: 1, name: "September 2026" });
    await expect(title).toBeVisible();
    const next = (await page.getByRole("button", { name: "Next month" }).boundingBox())!;
    const previous = (await page.getByRole("button", { name: "Previous month" }).boundingBox())!;
    const heading = (await title.boundingBox())!;
    expect(next.y).toBe(previous.y);
    expect(next.y).toBeLessThan(heading.y + heading.height);
    expect(next.x + next.width).toBeLessThanOrEqual(360);
    await shoot(page, "calendar-phone-360");
  });
});
