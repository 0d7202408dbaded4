import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAxeClean } from "./axe";
import {
  accountWithTasks,
  inPageZone,
  logIn,
  PASSWORD,
  screenshotDir,
  signedIn,
  taskRow,
} from "./helpers";

type ApiTask = {
  title: string;
  priority: string;
  labels: string[];
  due_date: string | null;
  due_on: string | null;
};

/** The account's tasks as the API stores them (what was really saved, not what the page shows). */
async function savedTasks(request: APIRequestContext, baseURL: string, email: string) {
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { email, password: PASSWORD },
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await request.get(`${baseURL}/api/v1/tasks?limit=100`, {
    headers: { Authorization: `Bearer ${access_token}` },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { items: ApiTask[] }).items;
}

/** Tomorrow at 18:00 in the page's zone (Europe/Berlin in playwright.config.ts, and the profile's), as UTC. */
const tomorrowAt6pm = (page: Page) =>
  page.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    d.setHours(18, 0, 0, 0);
    return d.toISOString();
  });

test("quick add reads a sentence into chips; a removed chip goes back into the title", async ({
  page,
  request,
  baseURL,
}) => {
  // Quick add reads dates in the profile's zone: make it the page's, as registering in this
  // browser would (the API-made account starts in UTC).
  const { email, headers } = await accountWithTasks(request, baseURL!, "quickadd", []);
  await inPageZone(request, baseURL!, headers);
  await logIn(page, email);
  const input = page.getByLabel("Add a task", { exact: true });
  await input.fill("Call mom tomorrow at 6pm p1 #family #phone");

  const chips = page.getByRole("list", { name: "Read from what you typed" });
  await expect(chips.getByRole("listitem")).toHaveText([
    /Tomorrow 18:00/,
    /Urgent/,
    /family/,
    /phone/,
  ]);
  await expect(page.getByText("Saves as “Call mom”")).toBeVisible();

  await test.step("the chips pass axe in light and dark, and are captured", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: `${screenshotDir()}/quickadd-chips-${colorScheme}.png` });
      await expectAxeClean(page, `quick-add chips (${colorScheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });
  });

  await test.step("remove the #phone chip by keyboard: its words go back into the title", async () => {
    const remove = chips.getByRole("button", { name: "Remove label phone" });
    await remove.focus();
    await page.keyboard.press("Enter");
    await expect(chips.getByRole("listitem")).toHaveCount(3);
    await expect(page.getByText("Saves as “Call mom #phone”")).toBeVisible();
    // Focus stays in the form, on the field, so typing can go on.
    await expect(input).toBeFocused();
  });

  await input.press("Enter");
  await expect(taskRow(page, "Call mom #phone")).toBeVisible();
  await expect(input).toHaveValue("");
  await expect(chips).toHaveCount(0);

  await test.step("the help sheet explains the syntax", async () => {
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help.getByRole("heading", { name: "Quick add" })).toBeVisible();
    await expect(help).toContainText("Priority: urgent, high, medium, low");
    await expect(help).toContainText("!urgent !high !medium !low");
    await page.keyboard.press("Escape");
  });

  await test.step("a priority by name: “!high”", async () => {
    await input.fill("Renew the passport !high #admin");
    await expect(chips.getByRole("listitem")).toHaveText([/High/, /admin/]);
    await input.press("Enter");
    // Saved, not only shown: the server is read next (on a slow machine the create was still on
    // its way when the optimistic row showed).
    await expect(taskRow(page, "Renew the passport")).toHaveAttribute("data-task-id", /^(?!temp-)/);
  });

  await test.step("“due on the 15th”: the next 15th, and the title does not end in “due”", async () => {
    await input.fill("Pay the invoice due on the 15th");
    await expect(chips.getByRole("listitem")).toHaveCount(1);
    await expect(page.getByText("Saves as “Pay the invoice”")).toBeVisible();
    await input.press("Enter");
    await expect(taskRow(page, "Pay the invoice")).toHaveAttribute("data-task-id", /^(?!temp-)/);
  });

  const saved = await savedTasks(request, baseURL!, email);
  expect(saved.find((t) => t.title === "Call mom #phone")).toMatchObject({
    priority: "urgent",
    labels: ["family"],
    due_date: (await tomorrowAt6pm(page)).replace(".000Z", "Z"),
  });
  const next15th = await page.evaluate(() => {
    const d = new Date();
    if (d.getDate() > 15) d.setMonth(d.getMonth() + 1, 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-15`;
  });
  expect(saved.find((t) => t.title === "Pay the invoice")).toMatchObject({
    due_on: next15th,
    due_date: null,
  });
  expect(saved.find((t) => t.title === "Renew the passport")).toMatchObject({
    priority: "high",
    labels: ["admin"],
  });
});

test("a new task takes the view's filters, and one that would not match says so (defect 1)", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await signedIn(page, request, baseURL!, "quickadd-view");
  await page.goto("/tasks?priority=urgent&label=batch");
  const input = page.getByLabel("Add a task", { exact: true });

  await input.fill("Rerun the nightly import");
  await input.press("Enter");
  const row = page.locator('[data-testid="task-item"]:not([data-task-id^="temp-"])', {
    hasText: "Rerun the nightly import",
  });
  await expect(row).toBeVisible();
  // Still there once the list has been fetched again after the save.
  await page.reload();
  await expect(taskRow(page, "Rerun the nightly import")).toBeVisible();
  expect(
    (await savedTasks(request, baseURL!, email)).find(
      (t) => t.title === "Rerun the nightly import",
    ),
  ).toMatchObject({ priority: "urgent", labels: ["batch"] });

  await test.step("a typed p4 wins over the view, and the toast says where the task went", async () => {
    await input.fill("Tidy the archive p4");
    await input.press("Enter");
    const toast = page.locator("[data-sonner-toast]", { hasText: "“Tidy the archive” was added" });
    await expect(toast).toContainText("not shown here");
    await toast.getByRole("button", { name: "Show all tasks" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(taskRow(page, "Tidy the archive")).toBeVisible();
    expect(
      (await savedTasks(request, baseURL!, email)).find((t) => t.title === "Tidy the archive"),
    ).toMatchObject({ priority: "low", labels: ["batch"] });
  });
});
