// Prints the URL of a PostgreSQL server the tests may create databases on (ROSTER_TEST_POSTGRES_URL),
// starting Debian's cluster, and installing its package when we are root with apt-get, as
// ensure-chromium.mjs does for the browser. Prints nothing (exit 0) when there is no way to one:
// the PostgreSQL tests then skip, unless CI=true. Used by .ci/run and by vitest's global setup.
import { execFileSync, execSync } from "node:child_process";
import fs from "node:fs";

const ROLE = "roster_test";

if (process.env.ROSTER_TEST_POSTGRES_URL) {
  console.log(process.env.ROSTER_TEST_POSTGRES_URL);
  process.exit(0);
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const run = (command) => execSync(command, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], shell: "/bin/sh" });
const installed = () => fs.existsSync("/usr/lib/postgresql") && fs.readdirSync("/usr/lib/postgresql").length > 0;

if (!isRoot) process.exit(0);
if (!installed()) {
  try {
    run("command -v apt-get");
    console.error("No PostgreSQL found: installing Debian's postgresql package ...");
    run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql");
  } catch {
    process.exit(0);
  }
}
if (!installed()) process.exit(0);

const version = fs
  .readdirSync("/usr/lib/postgresql")
  .sort((a, b) => Number(a) - Number(b))
  .at(-1);
try {
  run(`pg_ctlcluster ${version} main start`);
} catch {
  // Already running (exit 2), or it failed: the status below tells which.
  run(`pg_ctlcluster ${version} main status`);
}
const port = run("pg_lsclusters -h")
  .split("\n")
  .map((line) => line.trim().split(/\s+/))
  .find(([v, cluster]) => v === version && cluster === "main")?.[2];
execFileSync("su", ["postgres", "-c", `psql -q -p ${port}`], {
  input: `do $$ begin create role ${ROLE} login createdb password '${ROLE}'; exception when duplicate_object then null; end $$;`,
  stdio: ["pipe", "ignore", "pipe"],
});
console.log(`postgres://${ROLE}:${ROLE}@127.0.0.1:${port}/postgres`);
