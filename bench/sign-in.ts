/**
 * Console sign-in under attack, against the production server (server/start.ts on a `next build`):
 * a real admin signs in from 127.0.0.1 while another client address sends 60 bogus sign-ins at
 * once, either for 60 unknown emails (password spraying) or for the admin's own email (the lockout
 * attempt). Prints the real sign-in's latency and status beside a quiet baseline, and the answers
 * the attacker got. A report, so it exits 0 unless something crashed.
 *
 *   npm run bench:sign-in [-- --skip-build] [--rounds 3] [--bogus 60]
 *
 * Each round uses fresh admins and a fresh attacker address (127.0.0.11, .12, ...), so the
 * rounds do not see each other's counters. The build goes to ROSTER_DIST_DIR (default .next-bench).
 */
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase, openDatabase } from "@/db/client";
import { createAdmin } from "@/db/queries/admins";
import { ensureTenant } from "@/db/queries/tenants";
import { hashPassword } from "@/lib/auth/password";
import { freePort, startProcess, waitForHttp } from "./lib/processes";
import { buildNext } from "./lib/roster";
import { benchRun, requireCounts } from "./lib/run";
import { median } from "./lib/stats";
import { health } from "@/lib/api/endpoints/service";
import { sessionContracts } from "@/lib/contracts/session";
import { adminUserFields } from "@/lib/domain/user-fields";

const { values } = parseArgs({
  options: {
    "skip-build": { type: "boolean", default: false },
    rounds: { type: "string", default: "3" },
    bogus: { type: "string", default: "60" },
  },
});
const ROUNDS = Number(values.rounds);
const BOGUS = Number(values.bogus);
const DIST_DIR = process.env.ROSTER_DIST_DIR || ".next-bench";
requireCounts("sign-in", { "--rounds": ROUNDS, "--bogus": BOGUS }, 200);

const bench = benchRun("sign-in");
const dbFile = path.join(bench.dir, "roster.db");
const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${dbFile}`, NEXT_TELEMETRY_DISABLED: "1" };
delete baseEnv.NODE_OPTIONS;

type Answer = { status: number; ms: number };

function signIn(port: number, localAddress: string, email: string, password: string): Promise<Answer> {
  const body = JSON.stringify({ email, password });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        localAddress,
        method: "POST",
        path: sessionContracts.signIn.path,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error("sign-in timed out after 60 s")));
    req.on("error", reject);
    req.end(body);
  });
}

type Admin = { email: string; password: string };

async function createAdmins(count: number): Promise<Admin[]> {
  const db = openDatabase(dbFile);
  try {
    await migrateDatabase(db);
    const { tenant } = await ensureTenant(db, "bench-sign-in", Date.now(), { requireMfa: false });
    const made: Admin[] = [];
    for (let i = 0; i < count; i++) {
      const email = `admin-${i}@bench-sign-in.example`;
      const password = `bench-password-${i}-${Date.now()}`;
      await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash: await hashPassword(password) });
      made.push({ email, password });
    }
    return made;
  } finally {
    await db.close();
  }
}

const tally = (answers: Answer[]) =>
  Object.entries(answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {}))
    .map(([status, count]) => `${count}×${status}`)
    .join(" ");

/** Fires the bogus sign-ins together, then the real one while they are in flight. */
async function underAttack(port: number, attacker: string, bogusEmail: (i: number) => string, real: Admin) {
  const bogus = Array.from({ length: BOGUS }, (_, i) => signIn(port, attacker, bogusEmail(i), `wrong-${i}`));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const realAnswer = await signIn(port, "127.0.0.1", real.email, real.password);
  return { real: realAnswer, bogus: await Promise.all(bogus) };
}

async function main(): Promise<void> {
  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env: baseEnv });
  // Per round: one admin for the quiet baseline, one sprayed around, one attacked by name.
  const admins = await createAdmins(ROUNDS * 3);
  const port = await freePort();
  const server = startProcess("roster", "npm", ["start"], {
    ...baseEnv,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    ROSTER_DIST_DIR: DIST_DIR,
  });
  await waitForHttp(server, port, health.path, 180_000);
  // Warm-up: the first request compiles the route and fills the dummy hash.
  await signIn(port, "127.0.0.1", "warm-up@bench-sign-in.example", "warm-up");

  const quiet: number[] = [];
  const sprayed: Answer[] = [];
  const targeted: Answer[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [baseline, sprayTarget, named] = admins.slice(round * 3, round * 3 + 3) as [Admin, Admin, Admin];
    for (let i = 0; i < 3; i++) quiet.push((await signIn(port, "127.0.0.1", baseline.email, baseline.password)).ms);

    const spray = await underAttack(port, `127.0.0.${11 + 2 * round}`, (i) => `nobody-${round}-${i}@bench-sign-in.example`, sprayTarget);
    sprayed.push(spray.real);
    console.log(`round ${round + 1} spray:    real sign-in ${spray.real.status} in ${spray.real.ms.toFixed(0)} ms; attacker got ${tally(spray.bogus)}`);

    const attack = await underAttack(port, `127.0.0.${12 + 2 * round}`, () => named.email, named);
    targeted.push(attack.real);
    console.log(`round ${round + 1} targeted: real sign-in ${attack.real.status} in ${attack.real.ms.toFixed(0)} ms; attacker got ${tally(attack.bogus)}`);
  }

  const figure = (answers: Answer[]) => `median ${median(answers.map((a) => a.ms)).toFixed(0)} ms, statuses ${tally(answers)}`;
  console.log(`\nreal sign-in from 127.0.0.1, ${ROUNDS} rounds, ${BOGUS} bogus sign-ins at once from another address:`);
  console.log(`  quiet:                           median ${median(quiet).toFixed(0)} ms (${quiet.length} sign-ins)`);
  console.log(`  while unknown emails sprayed:    ${figure(sprayed)}`);
  console.log(`  while its own email attacked:    ${figure(targeted)}`);
}

void bench.run(main);
