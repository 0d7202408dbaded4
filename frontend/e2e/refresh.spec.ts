import { expect, test } from "@playwright/test";
import { boardCard, countWrites, createAccount, logIn, quickAdd, streamOpened } from "./helpers";

// This server issues access tokens that live 3 seconds (see scripts/e2e-web.sh).
const shortTtl = process.env.E2E_SHORT_TTL_URL ?? "http://127.0.0.1:8766";
test.use({ baseURL: shortTtl });

test("an expired access token is renewed once, transparently, for all waiting requests", async ({
  page,
  request,
}) => {
  const email = await createAccount(request, shortTtl, "refresh");
  // The live stream opens once the first screen has painted; on a loaded machine that can be
  // after the 3 s token has died, and its own renewal is not the one counted below.
  const opened = streamOpened(page);
  await logIn(page, email);
  await quickAdd(page, "Survive token expiry");
  await opened;

  const refreshes: number[] = [];
  const unauthorized: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/auth/refresh")) refreshes.push(Date.now());
  });
  page.on("response", (r) => {
    if (r.status() === 401 && r.url().includes("/api/v1/tasks")) unauthorized.push(r.url());
  });

  await page.waitForTimeout(4_500); // past the 3 s lifetime

  // The board fires three list requests and the stats request at once, all with the dead token.
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(boardCard(page, "pending", "Survive token expiry")).toBeVisible();
  await expect(page).toHaveURL(/\/board/);
  expect(unauthorized.length).toBeGreaterThanOrEqual(2);
  expect(refreshes).toHaveLength(1);

  // And the renewed session keeps working for writes.
  const writes = countWrites(page);
  await page.getByRole("button", { name: "Move “Survive token expiry” to In progress" }).click();
  await expect(boardCard(page, "in_progress", "Survive token expiry")).toBeVisible();
  await writes.settled(0);
  await page.reload();
  await expect(boardCard(page, "in_progress", "Survive token expiry")).toBeVisible();
});

test("when the session cannot be renewed the app returns to the login page with a message", async ({
  page,
  request,
  context,
}) => {
  const email = await createAccount(request, shortTtl, "expired");
  await logIn(page, email);
  await page.waitForTimeout(3_500);
  // The refresh cookie is gone (e.g. revoked or expired): the next request cannot be renewed.
  await context.clearCookies();
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Your session has expired. Please log in again.")).toBeVisible();
});
