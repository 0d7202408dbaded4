import { defineConfig, devices } from "@playwright/test";

const artifacts = process.env.E2E_ARTIFACTS ?? "../artifacts/web-e2e";

/**
 * Playwright drives Debian's Chromium headless shell (a downloaded browser cannot be installed here).
 * scripts/e2e-web.sh starts the real backend(s) and sets E2E_BASE_URL / E2E_SHORT_TTL_URL.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: `${artifacts}/results`,
  // Spec files two at a time (the tests of one file in order): every test has accounts of its
  // own. On this 2-core machine the suite took 5.2-5.3 min in three clean runs against 6.8 with
  // one worker; what two workers first showed were tests reloading or reading the API before
  // their change was answered (countWrites in e2e/helpers.ts now waits for it).
  fullyParallel: false,
  workers: 2,
  // One retry under CI only: bulk.spec's first test failed once in a full run on a loaded machine
  // (no selection after x; 31/31 on the rerun, 4/4 alone). A retried test is reported as flaky
  // in the list output and the JUnit file, not hidden; locally every failure stops the run.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 7_000 },
  reporter: [["list"], ["junit", { outputFile: `${artifacts}/junit-web-e2e.xml` }]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:8765",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "en-GB",
    timezoneId: "Europe/Berlin",
    // The app registers a service worker after load (src/app/registerServiceWorker.ts): the
    // specs see the network as the app sends it (routes, 304s); offline.spec.ts allows it.
    serviceWorkers: "block",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
