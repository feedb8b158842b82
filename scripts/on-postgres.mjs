// Runs a test command (vitest, playwright) with the data layer on PostgreSQL: ROSTER_TEST_DATABASE=postgres and
// the URL of a server the tests may create databases on (scripts/ensure-postgres.mjs starts the machine's own).
// Without one the run is skipped with a note, except under CI=true, where that fails.
import { execFileSync, spawnSync } from "node:child_process";

const url = execFileSync(process.execPath, ["scripts/ensure-postgres.mjs"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
if (!url) {
  const message = "no PostgreSQL server for the tests (set ROSTER_TEST_POSTGRES_URL, or run as root to use the machine's own)";
  if (process.env.CI) {
    console.error(`on-postgres: ${message}`);
    process.exit(1);
  }
  console.warn(`on-postgres: skipped, ${message}`);
  process.exit(0);
}
const [command, ...args] = process.argv.slice(2);
const env = { ...process.env, ROSTER_TEST_DATABASE: "postgres", ROSTER_TEST_POSTGRES_URL: url };
const result = spawnSync("npx", [command, ...args], { stdio: "inherit", env });
// A Playwright run's database is dropped here, after its web server has stopped (e2e/global-teardown.ts says why).
if (command === "playwright") spawnSync(process.execPath, ["node_modules/.bin/tsx", "e2e/fixtures/drop-finished-e2e-databases.ts"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
