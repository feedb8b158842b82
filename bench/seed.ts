/**
 * Seeds 1,000,000 users into a fresh database through the real CLI and prints the time against
 * the target: a SQLite file (60 s), or with --postgres a throwaway PostgreSQL database (90 s),
 * created on the server the flag names (default: the machine's, as scripts/ensure-postgres.mjs
 * finds or starts it) and dropped afterwards.
 * Run: npm run bench:seed [-- --users N] [-- --postgres [URL]]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDatabase, postgresOption, withOptionalValues } from "./lib/database";
import { loadAverage, loadAverageLine } from "./lib/run";

const { values } = parseArgs({
  options: { users: { type: "string", default: "1000000" }, ...postgresOption },
  args: withOptionalValues(process.argv.slice(2)),
});
const users = Number(values.users);
const TARGET_SECONDS = { sqlite: 60, postgres: 90 };

async function main() {
  const loadBefore = loadAverage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-bench-seed-"));
  const target = await benchDatabase("seed", dir, values.postgres);
  const seconds = TARGET_SECONDS[target.dialect];
  const env = { ...process.env, DATABASE_URL: target.url };
  try {
    execFileSync("npx", ["tsx", "lib/cli/main.ts", "migrate", "--json"], { env, stdio: "pipe" });
    const started = performance.now();
    const output = execFileSync("npx", ["tsx", "lib/cli/main.ts", "seed", "--users", String(users), "--json"], { env, encoding: "utf8", maxBuffer: 1 << 20 });
    const wall = (performance.now() - started) / 1000;
    const result = JSON.parse(output) as { seconds: number; usersCreated: number; identitiesCreated: number };
    const size = await target.size();
    console.log(`seed (${target.label}): ${result.usersCreated.toLocaleString("en-US")} users, ${result.identitiesCreated.toLocaleString("en-US")} identities`);
    console.log(`seed time (inside the command): ${result.seconds.toFixed(1)} s`);
    console.log(`wall time (whole CLI process):  ${wall.toFixed(1)} s`);
    console.log(`database size: ${(size / 1e9).toFixed(2)} GB`);
    console.log(`${loadAverageLine(loadBefore)}, on ${os.cpus().length} cores`);
    console.log(`ratio to the ${seconds} s target: ${(wall / seconds).toFixed(2)} (must be < 1)`);
  } finally {
    await target.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
