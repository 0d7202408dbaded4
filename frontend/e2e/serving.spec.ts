import { expect, test } from "@playwright/test";

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
