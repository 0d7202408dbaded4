import { expect, test, type Page } from "@playwright/test";
import { boardCard, dragAnnounced, quickAdd, signedInWithTasks, taskRow } from "./helpers";

// The real service worker (the other specs block it: playwright.config.ts).
test.use({ serviceWorkers: "allow" });

/** Waits until the service worker the app registers after load controls this page. */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r));
  });
}

test("the app shell opens offline, and offline changes stay visibly pending until they are sent", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  // The worker's script is revalidated on every check, and its own policy (the one its precache
  // fetches obey) lets it fetch from this origin.
  const sw = await request.get(`${baseURL}/sw.js`);
  expect(sw.headers()["cache-control"]).toBe("no-cache");
  expect(sw.headers()["content-security-policy"]).toContain("connect-src 'self'");

  const { headers } = await signedInWithTasks(page, request, baseURL!, "offline", [
    { title: "Finish offline" },
  ]);
  await expect(taskRow(page, "Finish offline")).toBeVisible();
  await controlled(page);
  // Installable: the manifest is linked (after load) and names the app's start page.
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = (await (await request.get(`${baseURL}${href}`)).json()) as Record<
    string,
    unknown
  >;
  expect(manifest).toMatchObject({ display: "standalone", start_url: "/tasks" });

  // Offline, a change waits in the page: the header counts it and its row says so.
  const status = page.getByRole("status").filter({ hasText: /Offline/ });
  await context.setOffline(true);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline");
  await page.getByRole("checkbox", { name: "Complete “Finish offline”" }).click();
  const input = page.getByLabel("Add a task", { exact: true });
  await input.fill("Written offline");
  await input.press("Enter");
  await expect(status).toHaveText("Offline — 2 changes waiting");
  // The new task's row is marked; the completed one has left the open list (optimistically).
  await expect(taskRow(page, "Written offline")).toHaveAttribute("data-waiting", "true");
  await expect(taskRow(page, "Written offline")).toContainText("Waiting to be sent");
  await expect(taskRow(page, "Finish offline")).toHaveCount(0);

  // Back online: both are sent, the marks and the indicator go.
  await context.setOffline(false);
  await expect(page.getByTestId("offline-status")).toHaveText("");
  await expect(page.locator("[data-waiting]")).toHaveCount(0);
  await expect(
    page.locator('[data-testid="task-item"]:not([data-task-id^="temp-"])', {
      hasText: "Written offline",
    }),
  ).toBeVisible();
  const res = await request.get(`${baseURL}/api/v1/tasks?limit=100`, { headers });
  expect(res.status()).toBe(200);
  const saved = ((await res.json()) as { items: { title: string; status: string }[] }).items;
  expect(saved.filter((t) => t.title === "Finish offline").map((t) => t.status)).toEqual(["done"]);
  expect(saved.filter((t) => t.title === "Written offline")).toHaveLength(1);

  // A reload without any network still opens the app: the worker answers with the precached
  // shell (signing in needs the network, so it is the login page).
  await quickAdd(page, "Online again");
  await context.setOffline(true);
  const shell = await page.reload();
  expect(shell?.fromServiceWorker()).toBe(true);
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
  await page.goto("/today").catch(() => {});
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
  // API requests never come from the worker's cache.
  const api = await page.evaluate(() =>
    fetch("/api/v1/tasks").then(
      (r) => r.status,
      () => "network error",
    ),
  );
  expect(api).toBe("network error");
});

test("a task added offline can be ticked, reprioritized or deleted before it is sent; each follows it", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const { headers } = await signedInWithTasks(page, request, baseURL!, "offlinenew", [
    { title: "Already here" },
  ]);
  await expect(taskRow(page, "Already here")).toBeVisible();
  await controlled(page); // quick add's parser is a lazy chunk: offline, the worker serves it
  await context.setOffline(true);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline");
  const input = page.getByLabel("Add a task", { exact: true });
  for (const title of ["Buy stamps", "Post the letter", "Tpyo"]) {
    await input.fill(title);
    await input.press("Enter");
    await expect(taskRow(page, title)).toBeVisible();
  }
  const stamps = taskRow(page, "Buy stamps");
  await expect(stamps).toHaveAttribute("data-task-id", /^temp-/);
  // Not saved yet, and still the user's to change: tick one, raise the other.
  await stamps.getByRole("checkbox", { name: "Complete “Buy stamps”" }).click();
  await expect(stamps).toHaveCount(0);
  // One deleted: once its Undo window closes, its DELETE waits behind its create.
  await page.getByRole("button", { name: "Delete “Tpyo”" }).click();
  await expect(taskRow(page, "Tpyo")).toHaveCount(0);
  const letter = taskRow(page, "Post the letter");
  // Its editor waits for the create; its checkbox takes the focus, and the task keys work there.
  const letterBox = letter.getByRole("checkbox", { name: "Complete “Post the letter”" });
  await letterBox.focus();
  await page.keyboard.press("1");
  await expect(letter).toContainText("Urgent");
  await expect(page.getByRole("status").filter({ hasText: /Offline/ })).toHaveText(
    "Offline — 6 changes waiting",
    { timeout: 10_000 },
  );

  await context.setOffline(false);
  await expect(page.getByTestId("offline-status")).toHaveText("");
  await expect(page.locator("[data-waiting]")).toHaveCount(0);
  await expect(letter).toHaveAttribute("data-task-id", /^(?!temp-)/);
  await expect(letter).toContainText("Urgent");
  // Saved, the row is the same row: the keyboard focus stayed on it.
  await expect(letterBox).toBeFocused();
  // The marks go once the changes are sent, not answered: the server is read until they are in.
  const onServer = async () => {
    const res = await request.get(`${baseURL}/api/v1/tasks?limit=100&sort=title`, { headers });
    const { items } = (await res.json()) as {
      items: { title: string; status: string; priority: string }[];
    };
    return items.map((t) => [t.title, t.status, t.priority]);
  };
  await expect.poll(onServer).toEqual([
    ["Already here", "pending", "medium"],
    ["Buy stamps", "done", "medium"],
    ["Post the letter", "pending", "urgent"],
  ]);
  await expect(page.getByText(/Could not/)).toHaveCount(0);
});

test("on the board, a card added offline moves by ←/→, its buttons and a drag before it is sent", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const { headers } = await signedInWithTasks(page, request, baseURL!, "offlineboard", [
    { title: "Already here" },
  ]);
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(boardCard(page, "pending", "Already here")).toBeVisible();
  await controlled(page);
  await context.setOffline(true);
  await expect(page.getByTestId("offline-status")).toHaveText("Offline");
  const add = page.getByLabel("Add a task to To do", { exact: true });
  for (const title of ["Pack the bag", "Book the train"]) {
    await add.fill(title);
    await add.press("Enter");
    await expect(boardCard(page, "pending", title)).toHaveAttribute("data-task-id", /^temp-/);
  }
  // → on a card not saved yet: one column on, and the focus goes with it.
  await boardCard(page, "pending", "Pack the bag")
    .getByRole("button", { name: "Edit “Pack the bag”" })
    .focus();
  await page.keyboard.press("ArrowRight");
  const packed = boardCard(page, "in_progress", "Pack the bag");
  await expect(packed.getByRole("button", { name: "Edit “Pack the bag”" })).toBeFocused();
  // Its button, then → again: into In progress, then Done.
  await page.getByRole("button", { name: "Move “Book the train” to In progress" }).click();
  await boardCard(page, "in_progress", "Book the train")
    .getByRole("button", { name: "Edit “Book the train”" })
    .focus();
  await page.keyboard.press("ArrowRight");
  await expect(boardCard(page, "in_progress", "Book the train")).toHaveCount(0);
  // A drag, both ends not saved yet: a new card onto the upper half of "Pack the bag".
  await add.fill("Charge the phone");
  await add.press("Enter");
  const phone = boardCard(page, "pending", "Charge the phone");
  await expect(phone).toHaveAttribute("data-task-id", /^temp-/);
  await dragAnnounced(page, phone, packed, "Over Pack the bag in In progress.", "top");
  const doing = page.getByTestId("column-in_progress").getByTestId("board-card");
  await expect(doing).toHaveText([/Charge the phone/, /Pack the bag/]);

  await context.setOffline(false);
  await expect(page.getByTestId("offline-status")).toHaveText("");
  await expect(page.locator("[data-waiting]")).toHaveCount(0);
  await expect(packed).toHaveAttribute("data-task-id", /^(?!temp-)/);
  const onServer = async () => {
    const res = await request.get(`${baseURL}/api/v1/tasks?limit=100&sort=title`, { headers });
    const { items } = (await res.json()) as { items: { title: string; status: string }[] };
    return items.map((t) => [t.title, t.status]);
  };
  await expect.poll(onServer).toEqual([
    ["Already here", "pending"],
    ["Book the train", "done"],
    ["Charge the phone", "in_progress"],
    ["Pack the bag", "in_progress"],
  ]);
  const inProgress = async () => {
    const res = await request.get(
      `${baseURL}/api/v1/tasks?limit=100&sort=position&status=in_progress`,
      { headers },
    );
    return ((await res.json()) as { items: { title: string }[] }).items.map((t) => t.title);
  };
  await expect.poll(inProgress).toEqual(["Charge the phone", "Pack the bag"]);
  await expect(doing).toHaveText([/Charge the phone/, /Pack the bag/]);
  await expect(page.getByText(/Could not/)).toHaveCount(0);
});
