import { defineConfig, devices } from "@playwright/test";

// Drives Debian's Chromium (never `playwright install`) against a real `mes up` that
// e2e/global-setup.ts starts on a free port with a fresh data directory.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry: a test that passes only on its second try is listed as "flaky" (and must be
  // fixed), but one slow moment on a loaded two-core CI machine does not throw the run away.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    },
    headless: true,
    locale: "en-GB",
    timezoneId: "Europe/Berlin",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
