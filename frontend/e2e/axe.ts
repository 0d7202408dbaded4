import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

// The screenshots the planner's notes describe (var/ is git-ignored).
const SHOTS = "../var/screenshots";

/** axe on the whole page: no serious or critical violation (the planner specs' check). */
export async function expectAxeClean(page: Page, what: string) {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 5)
        .join("\n  ")}`,
  );
  expect(report, `${what}: axe found serious/critical violations`).toEqual([]);
}

/** Switch the page to `colorScheme` and wait until it has settled there. */
async function showScheme(page: Page, colorScheme: "light" | "dark") {
  await page.emulateMedia({ colorScheme });
  // The page and the toasts follow the scheme from a media-query listener, a render later:
  // wait for both (a toast checked before its theme switched failed contrast in a local run).
  await page.waitForFunction(
    (dark) =>
      document.documentElement.classList.contains("dark") === dark &&
      [...document.querySelectorAll("[data-sonner-toaster]")].every(
        (toaster) => toaster.getAttribute("data-sonner-theme") === (dark ? "dark" : "light"),
      ),
    colorScheme === "dark",
  );
  // Buttons fade their colours (transition-colors): shoot and check the settled scheme, not a
  // half-light frame. Only finite ones (a spinner never ends), and a cancelled one (a drop
  // animation replaced by the next) counts as settled, not as an error.
  // Two frames first: the new scheme's styles (and so their transitions) start on the next one.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await page.evaluate(() =>
    Promise.allSettled(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished),
    ),
  );
}

/** Light and dark screenshots of the page into var/screenshots, each checked by axe. The page is
 * left settled in light: a check right after must not meet buttons still fading back from dark
 * (axe then failed their contrast in a CI run). */
export async function shoot(page: Page, name: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await showScheme(page, colorScheme);
    await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png`, fullPage: true });
    await expectAxeClean(page, `${name} (${colorScheme})`);
  }
  await showScheme(page, "light");
}
