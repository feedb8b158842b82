import { defineConfig, devices } from "@playwright/test";
import { e2eDatabaseUrl } from "./e2e/fixtures/e2e-database";
import { findChromium } from "./scripts/chromium.mjs";

const PORT = Number(process.env.E2E_PORT ?? 3107);
// Every run gets its own database (a SQLite file, or a PostgreSQL database with
// ROSTER_TEST_DATABASE=postgres), so specs never see a developer's data or a previous run's.
// Kept in the environment so that the test workers (which load this file again) use the same one:
// API specs write their own tenants, tokens and users into it (e2e/fixtures/db.ts).
const DATABASE_URL = e2eDatabaseUrl();
const ON_POSTGRES = !DATABASE_URL.startsWith("file:");
// High enough that no spec trips it by accident; the rate-limit spec spends it on purpose.
export const E2E_RATE_LIMIT = 1000;
export const E2E_METRICS_TOKEN = "e2e-metrics-token-0123456789";
/** Not the default (30), so that the delivery log's note shows the server's setting reaches it. */
export const E2E_WEBHOOK_RETENTION_DAYS = 45;

export default defineConfig({
  testDir: "./e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: findChromium(),
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    // Exactly what `npm start` runs: the compiled server with its heap limit. On PostgreSQL the run's
    // database is created first (scripts/on-postgres.mjs drops it once the run has exited).
    command: ON_POSTGRES ? "node node_modules/.bin/tsx e2e/fixtures/create-e2e-database.ts && npm start" : "npm start",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL,
      RATE_LIMIT_REQUESTS: String(E2E_RATE_LIMIT),
      RATE_LIMIT_WINDOW_SECONDS: "60",
      // One JSON line per request would bury the test report; warnings and errors still show.
      LOG_LEVEL: "warn",
      METRICS_TOKEN: E2E_METRICS_TOKEN,
      // The specs' webhook receivers listen on loopback.
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true",
      WEBHOOK_RETENTION_DAYS: String(E2E_WEBHOOK_RETENTION_DAYS),
    },
  },
});
