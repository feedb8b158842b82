/**
 * Seeds 1,000,000 users into a fresh database through the real CLI and prints the time against
 * the 60 s target. Run: npm run bench:seed [-- --users N]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { users: { type: "string", default: "1000000" } } });
const users = Number(values.users);
const TARGET_SECONDS = 60;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-bench-seed-"));
const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "roster.db")}` };

try {
  execFileSync("npx", ["tsx", "lib/cli/main.ts", "migrate", "--json"], { env, stdio: "pipe" });
  const started = performance.now();
  const output = execFileSync("npx", ["tsx", "lib/cli/main.ts", "seed", "--users", String(users), "--json"], { env, encoding: "utf8", maxBuffer: 1 << 20 });
  const wall = (performance.now() - started) / 1000;
  const result = JSON.parse(output) as { seconds: number; usersCreated: number; identitiesCreated: number };
  const size = fs.statSync(path.join(dir, "roster.db")).size;
  console.log(`seed: ${result.usersCreated.toLocaleString("en-US")} users, ${result.identitiesCreated.toLocaleString("en-US")} identities`);
  console.log(`seed time (inside the command): ${result.seconds.toFixed(1)} s`);
  console.log(`wall time (whole CLI process):  ${wall.toFixed(1)} s`);
  console.log(`database size: ${(size / 1e9).toFixed(2)} GB`);
  console.log(`ratio to the ${TARGET_SECONDS} s target: ${(wall / TARGET_SECONDS).toFixed(2)} (must be < 1)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
