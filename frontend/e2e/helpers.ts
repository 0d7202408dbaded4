import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  expect,
  test as base,
  type APIRequestContext,
  type BrowserContext,
  type Locator,
  type Page,
} from "@playwright/test";

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

/** The Authorization header of a fresh API session for `email`. */
export async function authHeaders(request: APIRequestContext, baseURL: string, email: string) {
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { email, password: PASSWORD },
  });
  expect(login.status()).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  return { Authorization: `Bearer ${access_token}` };
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
    taskRow(page, title).and(page.locator(':not([data-task-id^="temp-"])')),
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

/** The list row whose own title holds `title` (not one that only names it: a subtask's row shows
 * its parent's title too). */
export const taskRow = (page: Page, title: string) =>
  page.getByTestId("task-item").filter({ has: page.getByTestId("task-title").getByText(title) });

/** The button that opens the task's editor, in its list row. */
export const editButton = (page: Page, title: string) =>
  taskRow(page, title)
    .getByRole("button", { name: /^Edit “/ })
    .first();

/** Opens the task's editor from its list row; answers the dialog once it shows the task. */
export async function openEditor(page: Page, title: string) {
  await editButton(page, title).click();
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await expect(dialog.getByLabel("Title")).toHaveValue(title);
  return dialog;
}

/** The toast that says `text`. */
export const toast = (page: Page, text: string) =>
  page.locator("[data-sonner-toast]", { hasText: text });

/** The toolbar of actions on the selected tasks (shown while some are selected). */
export const bulkBar = (page: Page) => page.getByRole("toolbar", { name: /^Bulk actions for/ });

/** The titles of the list's rows, in the order shown. */
export const listTitles = (page: Page) =>
  page
    .getByRole("list", { name: "Tasks" })
    .getByTestId("task-item")
    .locator("button[aria-label^='Edit “'] > span:first-child");

/** The card titled `title` in the board's column for `status`. */
export const boardCard = (page: Page, status: string, title: string) =>
  page.getByTestId(`column-${status}`).getByTestId("board-card").filter({ hasText: title });

/**
 * Drags `source` onto `target` with the mouse, as a person does: press 40 px into the source
 * (past a row's checkbox), move 10 px (past the 6 px a click may wander), then over the target's
 * middle, and let go. The target is found once the drag has started (it may appear only then).
 */
export async function dragOnto(page: Page, source: Locator, target: Locator) {
  const from = (await source.boundingBox())!;
  const y = from.y + from.height / 2;
  await page.mouse.move(from.x + 40, y);
  await page.mouse.down();
  await page.mouse.move(from.x + 50, y + 10, { steps: 4 });
  await expect(target).toBeVisible();
  // In the middle of the window, as a person would scroll it there: dnd-kit may have scrolled to
  // keep the source under the pointer, and near an edge it scrolls on while the pointer waits.
  await target.evaluate((el) => el.scrollIntoView({ block: "center" }));
  const to = (await target.boundingBox())!;
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** A real pointer drag: press on `from`, move past dnd-kit's 6 px threshold, then onto `to`;
 * release once dnd-kit announces `over` (the target it measured). Released before that, on a
 * loaded machine, the drop lands where the last measured frame left it: seen in CI as a card
 * that never left its column. */
export async function dragAnnounced(
  page: Page,
  from: Locator,
  to: Locator,
  over: string,
  where: "top" | "bottom" = "top",
) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 10, { steps: 3 });
  const y = where === "top" ? b.y + b.height * 0.3 : b.y + b.height * 0.7;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2, y + 1, { steps: 2 });
  await expect(page.getByText(over, { exact: true })).toBeAttached();
  await page.mouse.up();
}

/**
 * A keyboard drag by dnd-kit's grip: Space, each key in turn, Space. Each step waits for dnd-kit's
 * announcement (`picked`, then each key's): a key pressed before the last step was measured lands
 * where that one did.
 */
export async function keyboardDrag(
  page: Page,
  grip: Locator,
  picked: string,
  steps: Array<[key: string, announced: string]>,
) {
  const said = (text: string) => expect(page.getByText(text, { exact: true })).toBeAttached();
  await grip.focus();
  await page.keyboard.press("Space");
  await said(picked);
  // dnd-kit's KeyboardSensor announces the pick-up, then starts listening for keys in a timer
  // (setTimeout 0, so the picking key is not read as a move). Chromium runs input before timers:
  // an arrow sent in between was lost on a loaded CI machine. A timer of ours, queued after that
  // one, runs after it.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  for (const [key, announced] of steps) {
    await page.keyboard.press(key);
    await said(announced);
  }
  await page.keyboard.press("Space");
}

/** A task as the API holds it now (the fields the specs check). */
export type ApiTask = {
  id: string;
  title: string;
  status: string;
  priority: string;
  due_on: string | null;
  recurrence: string | null;
  project_id: string;
};

export async function getTask(
  request: APIRequestContext,
  baseURL: string,
  headers: Record<string, string>,
  id: string,
) {
  const res = await request.get(`${baseURL}/api/v1/tasks/${id}`, { headers });
  expect(res.status()).toBe(200);
  return (await res.json()) as ApiTask;
}

/** The types of the dialogs the page opens from now on ("beforeunload": the "Leave site?"
 * question), each accepted so that the page goes on. */
export function acceptedDialogs(page: Page): string[] {
  const types: string[] = [];
  page.on("dialog", (dialog) => {
    types.push(dialog.type());
    void dialog.accept();
  });
  return types;
}

/** Counts the requests matching `is` that the page sends and the answers to them. */
function countRequests(page: Page, is: (method: string, url: string) => boolean) {
  const counts = { sent: 0, answered: 0 };
  page.on("request", (r) => {
    if (is(r.method(), r.url())) counts.sent += 1;
  });
  page.on("response", (r) => {
    if (is(r.request().method(), r.url())) counts.answered += 1;
  });
  return counts;
}

/** Resolves once the page's live stream (GET /api/v1/events) is open: its headers have arrived. */
export const streamOpened = (page: Page) =>
  page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/v1/events" && r.status() === 200,
    { timeout: 15_000 },
  );

/** Counts the task moves (POST /api/v1/tasks/{id}/move) the page sends and the answers to them. */
export const countMoves = (page: Page) =>
  countRequests(page, (method, url) => method === "POST" && /\/tasks\/[^/]+\/move$/.test(url));

/** Counts the API writes (any method but GET, sign-in and renewal aside) the page sends.
 * A reload drops a change still on its way (the app asks first; Playwright accepts), so a test
 * that reloads to read what the server holds first awaits `settled(before)`, where `before` is
 * `sent` read before the change: a write sent since, and every write answered. */
export function countWrites(page: Page) {
  const writes = countRequests(
    page,
    (method, url) => method !== "GET" && url.includes("/api/v1/") && !url.includes("/api/v1/auth/"),
  );
  return Object.assign(writes, {
    settled: (before: number) =>
      expect
        .poll(() => writes.sent > before && writes.answered === writes.sent, {
          message: "the change was sent and answered",
        })
        .toBe(true),
  });
}

/** The owner invites `email` to the open project `project` from its Share dialog, as `role`;
 * the invitation is listed as pending. Answers the dialog, still open. */
export async function inviteFromShareDialog(
  page: Page,
  project: string,
  email: string,
  role: "editor" | "viewer",
) {
  await page.getByTestId("project-header").getByRole("button", { name: "Share" }).click();
  const share = page.getByRole("dialog", { name: `Share “${project}”` });
  await share.getByLabel("Email address").fill(email);
  await share.getByLabel("Role for the invitation").selectOption(role);
  await share.getByRole("button", { name: "Invite" }).click();
  await expect(share.getByRole("list", { name: "Pending invitations" })).toContainText(email);
  return share;
}

/** The members list of the open project's Share dialog, opened by the owner. */
export async function shareDialogMembers(page: Page, project: string) {
  await page.getByTestId("project-header").getByRole("button", { name: "Share" }).click();
  return page
    .getByRole("dialog", { name: `Share “${project}”` })
    .getByRole("list", { name: "Members" });
}

/** Two new accounts, "owner" and `memberTag`: the owner makes the project `project` and invites
 * the member as `role`, all through the API. Answers the owner's `authHeaders`, the member's
 * email, the project's id and the link mailed to the member (not yet accepted). */
export async function invitedThroughApi(
  request: APIRequestContext,
  baseURL: string,
  project: string,
  memberTag: string,
  role: "editor" | "viewer",
) {
  const owner = await authHeaders(request, baseURL, await createAccount(request, baseURL, "owner"));
  const memberEmail = await createAccount(request, baseURL, memberTag);
  const made = await request.post(`${baseURL}/api/v1/projects`, {
    data: { name: project },
    headers: owner,
  });
  expect(made.status(), await made.text()).toBe(201);
  const projectId = ((await made.json()) as { id: string }).id;
  const invited = await request.post(`${baseURL}/api/v1/projects/${projectId}/invitations`, {
    data: { email: memberEmail, role },
    headers: owner,
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const link = await invitationLink(memberEmail, project);
  return { owner, memberEmail, projectId, link };
}

/** The link of the invitation to `project` mailed to `email` by "E2E owner". */
export async function invitationLink(email: string, project: string): Promise<URL> {
  const mail = await mailTo(email, `E2E owner invited you to "${project}" on taskapp`);
  return new URL(/https?:\/\/\S+\/invitations\/accept\?token=[\w-]+/.exec(mail)![0]);
}

/** Opens an invitation link signed out: the app asks to log in first; logs in as `email`. */
export async function acceptAfterLogIn(page: Page, link: URL, email: string) {
  await page.goto(link.pathname + link.search);
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
}

export const screenshotDir = () =>
  `${process.env.E2E_ARTIFACTS ?? "../artifacts/web-e2e"}/screenshots`;

/** Create tasks through the API with the account's own token. */
export async function seedTasks(
  request: APIRequestContext,
  baseURL: string,
  email: string,
  tasks: Array<Record<string, unknown>>,
) {
  const headers = await authHeaders(request, baseURL, email);
  return { created: await postTasks(request, baseURL, headers, tasks), headers };
}

/** Posts `tasks` in order with the API `headers`; answers them as created. */
async function postTasks(
  request: APIRequestContext,
  baseURL: string,
  headers: Record<string, string>,
  tasks: Array<Record<string, unknown>>,
) {
  const created = [];
  for (const t of tasks) {
    const res = await request.post(`${baseURL}/api/v1/tasks`, { data: t, headers });
    expect(res.status(), await res.text()).toBe(201);
    created.push((await res.json()) as { id: string; version: number; title: string });
  }
  return created;
}

/** A new account (tagged `tag`), signed in on `page`; answers its email. */
export async function signedIn(
  page: Page,
  request: APIRequestContext,
  baseURL: string,
  tag: string,
): Promise<string> {
  const email = await createAccount(request, baseURL, tag);
  await logIn(page, email);
  return email;
}

/** A new account (tagged `tag`) with `tasks` made through the API: its email, the tasks as
 * created and the account's API `headers`. */
export async function accountWithTasks(
  request: APIRequestContext,
  baseURL: string,
  tag: string,
  tasks: Array<Record<string, unknown>>,
) {
  const email = await createAccount(request, baseURL, tag);
  return { email, ...(await seedTasks(request, baseURL, email, tasks)) };
}

/** A new account (tagged `tag`) with the task `parent` and its `subtasks`, made through the API
 * in that order: its email, API `headers`, the parent and the subtasks as created. */
export async function accountWithSubtasks(
  request: APIRequestContext,
  baseURL: string,
  tag: string,
  parent: Record<string, unknown>,
  subtasks: Array<Record<string, unknown>>,
) {
  const { email, created, headers } = await accountWithTasks(request, baseURL, tag, [parent]);
  const parentTask = created[0]!;
  const children = subtasks.map((t) => ({ ...t, parent_id: parentTask.id }));
  const made = await postTasks(request, baseURL, headers, children);
  return { email, headers, parent: parentTask, subtasks: made };
}

/** A new account (tagged `tag`) with `tasks` made through the API, signed in on `page`. */
export async function signedInWithTasks(
  page: Page,
  request: APIRequestContext,
  baseURL: string,
  tag: string,
  tasks: Array<Record<string, unknown>>,
) {
  const account = await accountWithTasks(request, baseURL, tag, tasks);
  await logIn(page, account.email);
  return account;
}

/** A new account whose tasks, made through the API, are titled `titles` (so in the manual order
 * in that order): signed in, the list sorted by the manual order shows them so. */
export async function signedInInManualOrder(
  page: Page,
  request: APIRequestContext,
  baseURL: string,
  tag: string,
  titles: string[],
) {
  await signedInWithTasks(
    page,
    request,
    baseURL,
    tag,
    titles.map((title) => ({ title })),
  );
  await page.getByLabel("Sort by").selectOption("position");
  await expect(page).toHaveURL(/sort=position/);
  await expect(listTitles(page)).toHaveText(titles);
}

/**
 * Give an API-made account (it starts in UTC) the page's zone, Europe/Berlin (playwright.config),
 * as registering in this browser would: dayIn, quick add and Today then agree about today, which
 * UTC and Berlin do not from 23:00 UTC (two specs failed in a CI run at 23:07 UTC).
 */
export async function inPageZone(
  request: APIRequestContext,
  baseURL: string,
  headers: Record<string, string>,
) {
  const zoned = await request.patch(`${baseURL}/api/v1/users/me`, {
    data: { time_zone: "Europe/Berlin" },
    headers,
  });
  expect(zoned.status()).toBe(200);
}

/** The day (YYYY-MM-DD) `offset` days from now in the accounts' zone: the browser's
 * (playwright.config's Europe/Berlin), which registration makes the profile's. */
export const dayIn = (offset: number) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(
    new Date(Date.now() + offset * 86_400_000),
  );

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

/** Playwright's `test` with the steps of sharing a project between two browsers. */
export const test = base.extend<{
  /** Two new accounts, "owner" and `guestTag`; the owner is signed in on `page`, in the
   * project `project` just made through the sidebar. */
  ownerInNewProject: (
    project: string,
    guestTag: string,
  ) => Promise<{ ownerEmail: string; guestEmail: string; projectPath: string }>;
  /** The guest opens the invitation `link` signed out, in a browser of their own, and logs in
   * as `email`. Answers the guest's page; that browser closes when the test ends. */
  guestAccepts: (link: URL, email: string) => Promise<Page>;
}>({
  ownerInNewProject: async ({ page, request, baseURL }, use) => {
    await use(async (project, guestTag) => {
      const ownerEmail = await createAccount(request, baseURL!, "owner");
      const guestEmail = await createAccount(request, baseURL!, guestTag);
      await logIn(page, ownerEmail);
      const projectPath = await createProject(page, project);
      return { ownerEmail, guestEmail, projectPath };
    });
  },
  guestAccepts: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (link, email) => {
      const context = await browser.newContext({ baseURL: baseURL! });
      contexts.push(context);
      const guest = await context.newPage();
      await acceptAfterLogIn(guest, link, email);
      return guest;
    });
    for (const context of contexts) await context.close();
  },
});

/**
 * How far a box's text runs past the room the box has for it, measured in the box's own font:
 * above 0, it is cut off. `text`: an input's placeholder, or a select's chosen option (whose
 * arrow takes about 1rem more of the box).
 */
export function overrun(box: Locator, text: "placeholder" | "chosen option") {
  return box.evaluate((el, text) => {
    const style = getComputedStyle(el);
    const pen = document.createElement("canvas").getContext("2d")!;
    pen.font = style.font;
    const words =
      text === "placeholder"
        ? (el as HTMLInputElement).placeholder
        : ((el as HTMLSelectElement).selectedOptions[0]?.text ?? "");
    const arrow = text === "placeholder" ? 0 : 16;
    const room =
      el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow;
    return { words, past: pen.measureText(words).width - room };
  }, text);
}
