import { expect, test, type Page } from "@playwright/test";
import { createAccount, logIn, quickAdd, taskRow } from "./helpers";

/** Resolves once the page's live stream is open (its response headers have arrived). */
const streamOpened = (page: Page) =>
  page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/v1/events" && r.status() === 200,
    { timeout: 15_000 },
  );

test("live updates: a change on one device appears on the other without a reload, both ways", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "live");
  // Two devices of one account: two browser contexts, two sessions.
  const laptopOpened = streamOpened(page);
  await logIn(page, email);
  await laptopOpened;
  const phoneContext = await browser.newContext({ baseURL: baseURL! });
  const phone = await phoneContext.newPage();
  const phoneOpened = streamOpened(phone);
  await logIn(phone, email);
  await phoneOpened;
  let reloads = 0;
  phone.on("framenavigated", (frame) => {
    if (frame === phone.mainFrame()) reloads += 1;
  });

  await quickAdd(page, "Buy milk from the laptop");
  // Well within the second plus a refetch, on a busy machine.
  await expect(taskRow(phone, "Buy milk from the laptop")).toBeVisible({ timeout: 5_000 });

  await quickAdd(phone, "Call the plumber from the phone");
  await expect(taskRow(page, "Call the plumber from the phone")).toBeVisible({ timeout: 5_000 });
  expect(reloads).toBe(0);

  // Signing out on the phone ends its stream: no reconnection is attempted afterwards.
  let phoneStreams = 0;
  phone.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/v1/events") phoneStreams += 1;
  });
  await phone.getByRole("button", { name: /^Account menu/ }).click();
  await phone.getByRole("menuitem", { name: /Log out/ }).click();
  await expect(phone).toHaveURL(/\/login/);
  await phone.waitForTimeout(3_000); // longer than the stream's retry hint (2 s)
  expect(phoneStreams).toBe(0);
  await phoneContext.close();
});
