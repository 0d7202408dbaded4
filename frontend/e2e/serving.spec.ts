import { expect, test } from "@playwright/test";
import { createAccount, logIn, quickAdd } from "./helpers";

test("the app still renders when the browser revalidates a cached page (304)", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  const blocked: string[] = [];
  page.on(
    "console",
    (m) =>
      m.type() === "error" && /Content Security Policy/.test(m.text()) && blocked.push(m.text()),
  );
  await page.goto("/login"); // index.html is no-cache: this visit gets a 304
  await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  expect(blocked).toEqual([]);
});

test("deep links get the app, hashed assets are cached for a year, index.html is not", async ({
  request,
}) => {
  const html = await request.get("/board?priority=high");
  expect(html.status()).toBe(200);
  expect(html.headers()["content-type"]).toContain("text/html");
  expect(html.headers()["cache-control"]).toBe("no-cache");
  const csp = html.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1]!;
  const js = await request.get(asset);
  expect(js.status()).toBe(200);
  expect(js.headers()["cache-control"]).toContain("immutable");
  const api404 = await request.get("/api/v1/no-such-thing");
  expect(api404.status()).toBe(404);
  expect(api404.headers()["content-type"]).toContain("application/problem+json");
});

test("assets are sent precompressed by Accept-Encoding; no source maps or build manifest", async ({
  request,
}) => {
  const html = await (await request.get("/login")).text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const expected = await (
    await request.get(asset, { headers: { "Accept-Encoding": "identity" } })
  )
    .body()
    .then((b) => b.toString());
  for (const [accept, encoding] of [
    ["gzip, deflate, br, zstd", "br"],
    ["gzip", "gzip"],
    ["identity", undefined],
  ] as const) {
    const js = await request.get(asset, { headers: { "Accept-Encoding": accept } });
    expect(js.status()).toBe(200);
    expect(js.headers()["content-encoding"]).toBe(encoding);
    expect(js.headers()["content-type"]).toMatch(/javascript/);
    expect(js.headers()["vary"]).toMatch(/Accept-Encoding/i);
    expect(js.headers()["cache-control"]).toContain("immutable");
    // Playwright decodes br and gzip: every variant holds the same script.
    expect((await js.body()).toString()).toBe(expected);
  }
  const shell = await request.get("/tasks", { headers: { "Accept-Encoding": "br" } });
  expect(shell.headers()["content-encoding"]).toBe("br");
  expect(shell.headers()["cache-control"]).toBe("no-cache");
  expect(expected).not.toContain("sourceMappingURL");
  const map = await request.get(`${asset}.map`);
  expect(map.headers()["content-type"]).not.toContain("json");
  expect(await map.text()).not.toContain("sourcesContent");
  expect((await request.get("/.vite/manifest.json")).status()).toBe(404);
});

test("a signed-out browser asks for no session at page load, so it logs no 401", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "signed-out");
  const refreshes: number[] = [];
  const errors: string[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/v1/auth/refresh")) refreshes.push(r.status());
  });
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const welcome = page.getByRole("heading", { name: "Welcome back" });

  // A first visit cannot know: it asks once, and learns.
  await page.goto("/login");
  await expect(welcome).toBeVisible();
  await expect.poll(() => refreshes).toEqual([401]);
  errors.length = 0;
  for (const path of ["/today", "/login", "/tasks"]) {
    await page.goto(path);
    await expect(welcome).toBeVisible();
  }
  expect(refreshes).toEqual([401]);

  // Signing in clears the mark: a reload is still signed in.
  await logIn(page, email);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
  expect(refreshes).toEqual([401, 200]);

  // Logging out sets it again.
  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await expect(welcome).toBeVisible();
  await page.reload();
  await expect(welcome).toBeVisible();
  expect(refreshes).toEqual([401, 200]);
  expect(errors).toEqual([]);
});

test("a signed-in load asks for its first data once, from boot.js, and every preload it names is served", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "first-data");
  await logIn(page, email);
  await quickAdd(page, "Read before the app runs");
  // Which script sent each request (DevTools' initiator): boot.js, or the app's chunks.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let sent: [string, string][] = [];
  cdp.on("Network.requestWillBeSent", ({ request: r, initiator }) => {
    // A fetch from a promise callback has its script on an async parent of the stack.
    let stack = initiator.stack;
    while (stack && !stack.callFrames.length) stack = stack.parent;
    const by = stack?.callFrames[0]?.url ?? "";
    sent.push([r.url, by && new URL(by).pathname]);
  });
  const answered = new Map<string, number>();
  page.on("response", (r) => answered.set(new URL(r.url()).pathname, r.status()));

  for (const [path, data, shows] of [
    ["/tasks", /\/api\/v1\/tasks\?/, page.getByText("Read before the app runs")],
    ["/today", /\/api\/v1\/tasks\/today$/, page.getByRole("heading", { name: "Today" })],
  ] as const) {
    await page.goto("about:blank"); // the last page's own requests end here
    sent = [];
    answered.clear();
    await page.goto(path);
    await expect(shows.first()).toBeVisible();
    // Until the live stream opens: its `ready` refetches what the page shows, by design.
    await expect.poll(() => sent.some(([url]) => url.endsWith("/api/v1/events"))).toBe(true);
    const stream = sent.findIndex(([url]) => url.endsWith("/api/v1/events"));
    const first = sent.slice(0, stream).filter(([url]) => data.test(url));
    expect(first.map(([, by]) => by)).toEqual(["/boot.js"]);
    // boot.js's table of the first screen's chunks names files the server has.
    const preloads = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement>("link[rel=modulepreload]")].map(
        (l) => new URL(l.href).pathname,
      ),
    );
    expect(preloads.length).toBeGreaterThan(3);
    for (const file of preloads) expect([file, answered.get(file)]).toEqual([file, 200]);
  }
});

test("a first screen comes straight after the loading screen, with no page spinner holding it back", async ({
  page,
  request,
  baseURL,
}) => {
  // A page that suspends commits its spinner, and React then shows the page no sooner than 300 ms
  // after it. Counted from the first script on: each "Loading the page" spinner put in the page.
  await page.addInitScript(() => {
    const w = window as unknown as { pageSpinners: number };
    w.pageSpinners = 0;
    new MutationObserver((records) => {
      for (const { addedNodes } of records)
        for (const node of addedNodes)
          if (node instanceof Element && /Loading the page/.test(node.textContent ?? "")) {
            w.pageSpinners += node.querySelectorAll("[role=status]").length;
          }
    }).observe(document, { childList: true, subtree: true });
  });
  const spinners = () =>
    page.evaluate(() => (window as unknown as { pageSpinners: number }).pageSpinners);

  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  expect(await spinners()).toBe(0);

  const email = await createAccount(request, baseURL!, "no-spinner");
  await logIn(page, email);
  for (const [path, heading] of [
    ["/tasks", "Tasks"],
    ["/today", "Today"],
    // Not a first screen: its chunk is asked for only when it renders, so the spinner shows while
    // it loads (and this check sees a spinner when there is one).
    ["/board", "Board"],
  ] as const) {
    await page.goto("about:blank");
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    const shown = await spinners();
    expect([path, shown > 0]).toEqual([path, path === "/board"]);
  }
});

/** The Board page's own chunk, as the build names it. */
const BOARD_CHUNK = /\/assets\/BoardPage-[\w-]+\.js$/;

test("a page whose chunk is gone (a deploy replaced it) says so and offers a reload that brings it back", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "gone-chunk");
  await logIn(page, email);
  await quickAdd(page, "Still here after the deploy");
  await page.route(BOARD_CHUNK, (route) => route.fulfill({ status: 404 }));

  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText(/dynamically imported module|BoardPage/);
  // The way back to a page that works.
  await page.getByRole("link", { name: "Go to your tasks" }).click();
  await expect(page.getByText("Still here after the deploy")).toBeVisible();
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toHaveCount(0);

  // The new version is up: Reload brings the page.
  await page.getByRole("link", { name: "Board" }).first().click();
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
  await page.unroute(BOARD_CHUNK);
  await page.getByRole("button", { name: "Reload the page" }).click();
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.getByText("Still here after the deploy")).toBeVisible();
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toHaveCount(0);
});

test("going to a page whose code is slow to come keeps the old page up under a loading bar", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "slow-chunk");
  await logIn(page, email);
  await quickAdd(page, "Still on the list");
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  await page.route(BOARD_CHUNK, async (route) => {
    await arrived;
    await route.continue();
  });

  await page.getByRole("link", { name: "Board" }).first().click();
  const bar = page.getByRole("progressbar", { name: "Opening the page" });
  await expect(bar).toBeVisible(); // after its 150 ms
  await expect(page.getByRole("heading", { name: "Tasks", exact: true })).toBeVisible();
  await expect(page.getByText("Still on the list")).toBeVisible();
  arrive();
  await expect(page.getByRole("heading", { name: "Board", exact: true })).toBeVisible();
  await expect(bar).toHaveCount(0);
});
