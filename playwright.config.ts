import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { findFreePort } from "./lib/platform/free-port";

// Free ports unless told otherwise, so two runs (two checkouts, CI beside a developer) never
// collide. Set on process.env: Playwright's workers and the web server inherit them from here.
process.env.E2E_PORT ??= String(await findFreePort());
process.env.SERVING_SIM_PORT ??= String(await findFreePort());
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
// Playwright cannot download its own browser here; Debian's Chromium is used when present.
// PLAYWRIGHT_CHROMIUM_PATH picks another one (empty: Playwright's own).
const chromiumPath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    // Recorded on the retry of a failed test (CI retries once; locally, `--trace on`): recording
    // one for every test and throwing it away took 1.6 of the suite's 7.4 minutes here.
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath || undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: {
    // The real app: production build, its own throwaway database with demo data.
    command: "npm start -- --ephemeral",
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), NEXTAUTH_URL: baseURL },
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // Stopped as Ctrl-C would stop it, so its throwaway database is removed rather than left
    // behind (Playwright's default is SIGKILL).
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
