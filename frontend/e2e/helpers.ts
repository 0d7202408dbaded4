import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Create an account through the API (fast path for specs that are not about registering). */
export async function createAccount(request: APIRequestContext, baseURL: string, tag: string) {
  const email = uniqueEmail(tag);
  const res = await request.post(`${baseURL}/api/v1/auth/register`, {
    data: { email, password: PASSWORD, full_name: `E2E ${tag}` },
  });
  expect(res.status(), await res.text()).toBe(201);
  return email;
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  // A second visit of /login is covered on its own in serving.spec.ts.
  if (!new URL(page.url(), "http://x").pathname.startsWith("/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/tasks/);
  await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
}

export async function quickAdd(page: Page, title: string) {
  const input = page.getByLabel("Add a task", { exact: true });
  await input.fill(title);
  await input.press("Enter");
  // Saved: the row is no longer the optimistic placeholder.
  await expect(
    page.locator('[data-testid="task-item"]:not([data-task-id^="temp-"])', { hasText: title }),
  ).toBeVisible();
}

/** A project made through the sidebar's "New project", opened; answers its path. */
export async function createProject(page: Page, name: string): Promise<string> {
  const sidebar = page.getByRole("region", { name: "Projects" });
  await sidebar.getByRole("button", { name: "New project" }).click();
  const created = page.getByRole("dialog", { name: "New project" });
  await created.getByLabel("Name").fill(name);
  await created.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return new URL(page.url()).pathname;
}

export const taskRow = (page: Page, title: string) =>
  page.locator('[data-testid="task-item"]', { hasText: title });

export const screenshotDir = () =>
  `${process.env.E2E_ARTIFACTS ?? "../artifacts/web-e2e"}/screenshots`;

/** Create tasks through the API with the account's own token. */
export async function seedTasks(
  request: APIRequestContext,
  baseURL: string,
  email: string,
  tasks: Array<Record<string, unknown>>,
) {
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { email, password: PASSWORD },
  });
  expect(login.status()).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  const headers = { Authorization: `Bearer ${access_token}` };
  const created = [];
  for (const t of tasks) {
    const res = await request.post(`${baseURL}/api/v1/tasks`, { data: t, headers });
    expect(res.status(), await res.text()).toBe(201);
    created.push((await res.json()) as { id: string; version: number; title: string });
  }
  return { created, headers };
}

export const isoInDays = (days: number, hour = 17) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return d.toISOString();
};

// The backend runs without SMTP and writes each mail as an .eml file (scripts/e2e-web.sh).
const MAIL_DIR = process.env.E2E_MAIL_DIR;

/** The decoded text of the newest mail to `to` with `subject`, once it has been written. */
export async function mailTo(to: string, subject: string): Promise<string> {
  if (!MAIL_DIR) throw new Error("E2E_MAIL_DIR is not set: run the suite with scripts/e2e-web.sh");
  let found = "";
  await expect
    .poll(
      async () => {
        const names = await readdir(MAIL_DIR).catch(() => [] as string[]);
        for (const name of names.sort().reverse()) {
          const raw = await readFile(path.join(MAIL_DIR, name), "utf8");
          if (raw.includes(`To: ${to}`) && raw.includes(`Subject: ${subject}`)) {
            // Quoted-printable: soft line breaks and =XX escapes.
            found = raw
              .replace(/=\r?\n/g, "")
              .replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              );
            return true;
          }
        }
        return false;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return found;
}
