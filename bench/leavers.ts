/**
 * Bulk leavers against the production server (server/start.ts on a `next build`): on a tenant of
 * --users users, a --rows leaver file (90% existing active users, 10% unknown addresses):
 *   - preview time (upload → 201, every row classified and stored), target ≤ 3 s;
 *   - confirmed job to completion (confirm → status completed, polled every 100 ms), target ≤ 10 s;
 *   - ratio of the job's time to a plain better-sqlite3 script doing the same updates (users,
 *     tokens, sessions, audit events) in one transaction on a copy of the same database, target ≤ 3;
 *   - the server's peak RSS during the job (VmHWM of the listening process), target ≤ 400 MB.
 *
 *   npm run bench:leavers [-- --users 1000000] [--rows 100000] [--skip-build]
 *
 * A report: exits 0 unless something crashed. ROSTER_DIST_DIR picks the build folder (default .next-bench).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { freePort, listeningPid, memoryMb, startProcess, waitForHttp } from "./lib/processes";
import { buildNext, rosterCli } from "./lib/roster";
import { benchRun, log, requireCounts } from "./lib/run";
import { apiLeavers } from "@/lib/api/endpoints/leavers";
import { health } from "@/lib/api/endpoints/service";
import { contractPath } from "@/lib/contracts/contract";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    rows: { type: "string", default: "100000" },
    "skip-build": { type: "boolean", default: false },
  },
});
const USERS = Number(values.users);
const ROWS = Number(values.rows);
const TARGETS = { previewS: 3, jobS: 10, ratio: 3, rssMb: 400 };
const DIST_DIR = process.env.ROSTER_DIST_DIR || ".next-bench";
requireCounts("leavers", { "--users": USERS });
requireCounts("leavers", { "--rows": ROWS }, 100_000); // the leaver file's limit

const bench = benchRun("leavers");
const dbFile = path.join(bench.dir, "roster.db");
const plainFile = path.join(bench.dir, "plain.db");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: `file:${dbFile}`,
  ROSTER_DIST_DIR: DIST_DIR,
  NODE_ENV: "production",
  RATE_LIMIT_REQUESTS: "1000000",
};
delete env.NODE_OPTIONS;

const since = (start: number) => (performance.now() - start) / 1000;
const cli = (args: string[]) => rosterCli(env, args);

/** 90% active users of the tenant (sampled evenly), 10% addresses nobody has, shuffled. */
function leaverFile(tenantId: string): { csv: string; emails: string[] } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const existing = Math.round(ROWS * 0.9);
    const active = db
      .prepare("select email from users where tenant_id = ? and active = 1 and id not in (select user_id from admins)")
      .pluck()
      .all(tenantId) as string[];
    if (active.length < existing) throw new Error(`only ${active.length} active users for ${existing} leavers: raise --users`);
    const step = active.length / existing;
    const emails = Array.from({ length: existing }, (_, i) => active[Math.floor(i * step)] as string);
    for (let i = existing; i < ROWS; i++) emails.push(`nobody-${i}@unknown.example`);
    for (let i = emails.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [emails[i], emails[j]] = [emails[j] as string, emails[i] as string];
    }
    return { csv: `email,reason,ticket\n${emails.map((e, i) => `${e},benchmark,BENCH-${i}`).join("\n")}\n`, emails };
  } finally {
    db.close();
  }
}

/** The same effects as a leaver job, written by hand in one transaction: the floor to compare with. */
function plainScript(tenantId: string, emails: string[]): { seconds: number; deactivated: number } {
  const db = new Database(plainFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const find = db.prepare("select id, active, email from users where tenant_id = ? and email_normalized = ?");
  const deactivate = db.prepare(
    "update users set active = 0, state = 'inactive:deactivated', deactivated_at = ?, deactivated_by = ?, updated_at = ?, updated_by = ? where id = ?",
  );
  const admins = db.prepare("select id from admins where user_id = ?");
  const tokens = db.prepare("update personal_access_tokens set revoked_at = ?, updated_at = ? where admin_id = ? and revoked_at is null");
  const sessions = db.prepare("update sessions set revoked_at = ?, updated_at = ? where admin_id = ? and revoked_at is null");
  const audit = db.prepare(
    "insert into audit_events (id, tenant_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, request_id, details, created_at) values (?, ?, 'token', 'bench', 'bench', 'user.deactivate', 'user', ?, 'deactivated', null, ?, ?)",
  );
  const started = performance.now();
  let deactivated = 0;
  db.transaction(() => {
    const now = Date.now();
    const actor = JSON.stringify({ id: "bench", name: "bench" });
    for (const email of emails) {
      const user = find.get(tenantId, email.trim().toLowerCase()) as { id: string; active: number; email: string } | undefined;
      if (!user || !user.active) continue;
      deactivate.run(now, actor, now, actor, user.id);
      for (const admin of admins.all(user.id) as { id: string }[]) {
        tokens.run(now, now, admin.id);
        sessions.run(now, now, admin.id);
      }
      audit.run(crypto.randomUUID(), tenantId, user.id, JSON.stringify({ email: user.email }), now);
      deactivated += 1;
    }
  })();
  const seconds = since(started);
  db.close();
  return { seconds, deactivated };
}

async function main(): Promise<void> {
  buildNext({ distDir: DIST_DIR, reuse: values["skip-build"], env });
  const port = await freePort();
  env.PORT = String(port);
  cli(["migrate"]);
  let started = performance.now();
  const seeded = cli(["seed", "--users", String(USERS), "--tenant", "bench-leavers"]) as { tenantId: string };
  log(`seed: ${USERS.toLocaleString("en-US")} users in ${since(started).toFixed(1)} s`);
  const tenantId = seeded.tenantId;
  const admin = "bench-admin@bench.example";
  cli(["admin", "create", "--tenant", tenantId, "--email", admin, "--role", "admin", "--password", "bench-password-1234"]);
  const { token } = cli(["token", "create", "--tenant", tenantId, "--admin", admin, "--scopes", "mx:user-deactivation:write,users:read"]) as { token: string };
  const file = leaverFile(tenantId);
  fs.copyFileSync(dbFile, plainFile);

  const server = startProcess("roster", "npm", ["start"], { ...env, HOST: "127.0.0.1" });
  await waitForHttp(server, port, health.path, 120_000);
  const pid = listeningPid(server, port);
  const rssIdle = memoryMb(pid).rss;
  const base = `http://127.0.0.1:${port}`;
  const headers = { "X-API-Key": token, "X-Tenant-ID": tenantId };

  started = performance.now();
  const uploaded = await fetch(`${base}${contractPath(apiLeavers.createPreview)}`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv" },
    body: file.csv,
  });
  const previewSeconds = since(started);
  if (uploaded.status !== 201) throw new Error(`preview: ${uploaded.status} ${await uploaded.text()}`);
  const preview = ((await uploaded.json()) as { data: { id: string; counts: Record<string, number> } }).data;
  log(`preview counts: ${JSON.stringify(preview.counts)}`);

  const rssBefore = memoryMb(pid).rss;
  const hwmAfterPreview = memoryMb(pid).peak;
  started = performance.now();
  const confirmed = await fetch(`${base}${contractPath(apiLeavers.confirm)}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ previewId: preview.id }),
  });
  if (confirmed.status !== 202) throw new Error(`confirm: ${confirmed.status} ${await confirmed.text()}`);
  const jobId = ((await confirmed.json()) as { data: { id: string } }).data.id;
  let peakRss = rssBefore;
  let job: { status: string; counts: Record<string, number> } = { status: "queued", counts: {} };
  while (job.status !== "completed") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    peakRss = Math.max(peakRss, memoryMb(pid).rss);
    const response = await fetch(`${base}${contractPath(apiLeavers.getJob, { id: jobId })}`, { headers });
    job = ((await response.json()) as { data: typeof job }).data;
    if (since(started) > 300) throw new Error("the job did not complete in 300 s");
  }
  const jobSeconds = since(started);
  const hwm = memoryMb(pid).peak;
  await server.stop();

  const plain = plainScript(tenantId, file.emails);
  const ratio = jobSeconds / plain.seconds;
  const line = (what: string, value: string, target: string, ok: boolean) =>
    console.log(`${what.padEnd(44)} ${value.padStart(12)}   target ${target.padEnd(8)} ${ok ? "ok" : "MISSED"}`);
  console.log(
    `\nbulk leavers: ${USERS.toLocaleString("en-US")} users, ${ROWS.toLocaleString("en-US")} rows (${(job.counts.deactivated ?? 0).toLocaleString("en-US")} deactivated)`,
  );
  line("preview (upload → classified, stored)", `${previewSeconds.toFixed(2)} s`, `≤ ${TARGETS.previewS} s`, previewSeconds <= TARGETS.previewS);
  line("job (confirm → completed)", `${jobSeconds.toFixed(2)} s`, `≤ ${TARGETS.jobS} s`, jobSeconds <= TARGETS.jobS);
  line(`plain better-sqlite3, one transaction (${plain.deactivated.toLocaleString("en-US")})`, `${plain.seconds.toFixed(2)} s`, "-", true);
  line("ratio job / plain", ratio.toFixed(2), `≤ ${TARGETS.ratio}`, ratio <= TARGETS.ratio);
  line("server RSS during the job (sampled peak)", `${peakRss.toFixed(0)} MB`, `≤ ${TARGETS.rssMb} MB`, peakRss <= TARGETS.rssMb);
  line("server RSS idle, before the upload", `${rssIdle.toFixed(0)} MB`, "-", true);
  line("server RSS after the preview / its peak", `${rssBefore.toFixed(0)} / ${hwmAfterPreview.toFixed(0)} MB`, "-", true);
  line("server VmHWM (whole life, incl. preview)", `${hwm.toFixed(0)} MB`, `≤ ${TARGETS.rssMb} MB`, hwm <= TARGETS.rssMb);
}

void bench.run(main);
