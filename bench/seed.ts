/**
 * Seeds 1,000,000 users into a fresh database through the real CLI and prints the time and the
 * largest process's peak RSS against the targets: a SQLite file (45 s, 1 GB: issue 13), or with
 * --postgres a throwaway PostgreSQL database (90 s: issue 9), created on the server the flag
 * names (default: the machine's, as scripts/ensure-postgres.mjs finds or starts it) and dropped
 * afterwards. The peak RSS comes from GNU time (Debian's "time" package) when it is installed.
 * Run: npm run bench:seed [-- --users N] [-- --postgres [URL]]
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDatabase, postgresOption, withOptionalValues } from "./lib/database";
import { ROSTER_COMMAND, rosterCli } from "./lib/roster";
import { loadAverage, loadAverageLine } from "./lib/run";

const { values } = parseArgs({
  options: { users: { type: "string", default: "1000000" }, ...postgresOption },
  args: withOptionalValues(process.argv.slice(2)),
});
const users = Number(values.users);
const TARGETS = { sqlite: { seconds: 45, rssMb: 1024 }, postgres: { seconds: 90, rssMb: null } };
const GNU_TIME = "/usr/bin/time";

/** The seed command, under GNU time when there is one: its last stderr line is then the peak RSS (KB) of the biggest process. */
function runSeed(env: NodeJS.ProcessEnv): { output: string; peakRssMb: number | null } {
  const command = [...ROSTER_COMMAND, "seed", "--users", String(users), "--json"];
  if (!fs.existsSync(GNU_TIME)) return { output: execFileSync(command[0]!, command.slice(1), { env, encoding: "utf8", maxBuffer: 1 << 20 }), peakRssMb: null };
  const run = spawnSync(GNU_TIME, ["-f", "%M", ...command], { env, encoding: "utf8", maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`seed failed (${run.status}): ${run.stdout}${run.stderr}`);
  const peakKb = Number(run.stderr.trim().split("\n").at(-1));
  return { output: run.stdout, peakRssMb: Number.isFinite(peakKb) ? peakKb / 1024 : null };
}

async function main() {
  const loadBefore = loadAverage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-bench-seed-"));
  const target = await benchDatabase("seed", dir, values.postgres);
  const targets = TARGETS[target.dialect];
  const env = { ...process.env, DATABASE_URL: target.url };
  try {
    rosterCli(env, ["migrate"]);
    const started = performance.now();
    const { output, peakRssMb } = runSeed(env);
    const wall = (performance.now() - started) / 1000;
    const result = JSON.parse(output) as { seconds: number; usersCreated: number; identitiesCreated: number };
    const size = await target.size();
    console.log(`seed (${target.label}): ${result.usersCreated.toLocaleString("en-US")} users, ${result.identitiesCreated.toLocaleString("en-US")} identities`);
    console.log(`seed time (inside the command): ${result.seconds.toFixed(1)} s`);
    console.log(`wall time (whole CLI process):  ${wall.toFixed(1)} s`);
    console.log(`database size: ${(size / 1e9).toFixed(2)} GB`);
    console.log(`${loadAverageLine(loadBefore)}, on ${os.cpus().length} cores`);
    const verdict = (met: boolean) => (met ? "ok" : "MISSED");
    console.log(`wall time against the target (≤ ${targets.seconds} s): ${verdict(wall <= targets.seconds)}`);
    if (peakRssMb === null) console.log(`peak RSS: not measured (no ${GNU_TIME}: apt-get install time)`);
    else
      console.log(
        `peak RSS of the seed process: ${peakRssMb.toFixed(0)} MB${targets.rssMb === null ? "" : ` (≤ ${targets.rssMb} MB: ${verdict(peakRssMb <= targets.rssMb)})`}`,
      );
  } finally {
    await target.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
