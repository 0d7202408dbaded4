import { expect, test } from "@playwright/test";
import {
  acceptAfterLogIn,
  authHeaders,
  accountWithTasks,
  createAccount,
  invitedThroughApi,
  logIn,
  quickAdd,
  streamOpened,
  taskRow,
} from "./helpers";

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

test("a write made between the page's first read and its stream opening still reaches the page", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers } = await accountWithTasks(request, baseURL!, "livegap", [
    { title: "Book the venue" },
  ]);
  // The stream opens after the first paint: hold its request until another device has written,
  // so the write falls in the gap after the list was read and before the stream listens.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/v1/events", async (route) => {
    await held;
    await route.continue();
  });
  const asked = page.waitForRequest("**/api/v1/events");
  await logIn(page, email);
  await expect(taskRow(page, "Book the venue")).toBeVisible();
  await asked;
  const res = await request.post(`${baseURL}/api/v1/tasks`, {
    data: { title: "Send the invitations" },
    headers,
  });
  expect(res.status()).toBe(201);
  const opened = streamOpened(page);
  release();
  await opened;
  await expect(taskRow(page, "Send the invitations")).toBeVisible({ timeout: 5_000 });
});

test("live updates between teammates: the owner's new task and the member's removal reach the member's open page", async ({
  page,
  request,
  baseURL,
}) => {
  // The owner works through the API; the member's web app is what is under test.
  const { owner, memberEmail, projectId, link } = await invitedThroughApi(
    request,
    baseURL!,
    "Garden",
    "member",
    "viewer",
  );

  const opened = streamOpened(page);
  await acceptAfterLogIn(page, link, memberEmail);
  await expect(page.getByRole("heading", { level: 1, name: "Garden" })).toBeVisible();
  await opened;

  const made = await request.post("/api/v1/tasks", {
    data: { title: "Water the roses", project_id: projectId },
    headers: owner,
  });
  expect(made.status()).toBe(201);
  await expect(taskRow(page, "Water the roses")).toBeVisible({ timeout: 5_000 });

  // Removed: the project leaves the member's sidebar without a reload.
  const sidebar = page.getByRole("region", { name: "Projects" });
  await expect(sidebar.getByText("Garden")).toBeVisible();
  const listed = await request.get(`/api/v1/projects/${projectId}/members`, { headers: owner });
  const member = (
    (await listed.json()) as { items: { email: string; user_id: string }[] }
  ).items.find((m) => m.email === memberEmail)!;
  const removed = await request.delete(`/api/v1/projects/${projectId}/members/${member.user_id}`, {
    headers: owner,
  });
  expect(removed.status()).toBe(204);
  await expect(sidebar.getByText("Garden")).toHaveCount(0, { timeout: 5_000 });
});

test("a profile changed on another device reaches the open page: its weeks and name, no reload", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "live-profile");
  const headers = await authHeaders(request, baseURL!, email);
  // What the other device's settings page sends.
  const changeProfile = async (data: Record<string, string>) => {
    const changed = await request.patch(`${baseURL}/api/v1/users/me`, { headers, data });
    expect(changed.status(), await changed.text()).toBe(200);
  };
  await changeProfile({ week_start: "monday", full_name: "Ada" });
  const opened = streamOpened(page);
  await logIn(page, email);
  await page.goto("/calendar");
  await opened;
  const weekdays = page.getByTestId("calendar-weekdays").locator("span");
  await expect(weekdays.first()).toHaveText(/^Mon/);
  await expect(page.getByRole("button", { name: "Account menu for Ada" })).toBeVisible();
  let reloads = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) reloads += 1;
  });

  await changeProfile({ week_start: "sunday", full_name: "Ada Lovelace" });
  await expect(weekdays.first()).toHaveText(/^Sun/, { timeout: 5_000 });
  await expect(page.getByRole("button", { name: "Account menu for Ada Lovelace" })).toBeVisible();
  expect(reloads).toBe(0);

  // Settings open here follow too, except a field being edited here.
  await page.goto("/settings");
  await expect(page.getByLabel("Week starts on")).toHaveValue("sunday");
  await page.getByLabel("Name").fill("Ada King");
  await changeProfile({
    week_start: "saturday",
    time_zone: "Asia/Tokyo",
    full_name: "Countess Lovelace",
  });
  await expect(page.getByLabel("Week starts on")).toHaveValue("saturday", { timeout: 5_000 });
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
  await expect(page.getByRole("button", { name: "Save first day" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save time zone" })).toBeDisabled();
  await expect(page.getByLabel("Name")).toHaveValue("Ada King"); // the user's edit stays
  await expect(page.getByRole("button", { name: "Save profile" })).toBeEnabled();
});
