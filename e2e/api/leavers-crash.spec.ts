import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";

// Crash safety, for real (issue 5): the production server (server/start.ts on the existing
// build) runs a 20,000-row leaver job; it is killed with SIGKILL mid-job and started again on the
// same database. The job must complete with exactly one outcome per row, and exactly one
// deactivation audit event per deactivated user. This spec runs its own servers on its own port.

const ROWS = Number(process.env.LEAVERS_CRASH_ROWS ?? 20_000);
let dir = "";
let dbFile = "";
const servers: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const env = (port: number): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  HOST: "127.0.0.1",
  DATABASE_URL: `file:${dbFile}`,
  ROSTER_DIST_DIR: process.env.ROSTER_DIST_DIR || ".next",
  RATE_LIMIT_REQUESTS: "100000",
});

function cli(args: string[], port: number): Record<string, unknown> {
  return JSON.parse(execFileSync("npx", ["tsx", "lib/cli/main.ts", ...args, "--json"], { env: env(port), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Record<string, unknown>;
}

/** Kills a server's whole process group (npx → tsx → node) with the given signal. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn("npx", ["tsx", "server/start.ts"], { env: env(port), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  servers.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not become healthy in 90 s:\n${output}`);
}

test.describe.configure({ timeout: 240_000 });

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-leavers-crash-"));
  dbFile = path.join(dir, "roster.db");
});

test.afterAll(async () => {
  for (const child of servers) killGroup(child, "SIGKILL");
  await new Promise((resolve) => setTimeout(resolve, 300));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a job killed with SIGKILL mid-way resumes after a restart and processes every row exactly once", async () => {
  const port = await freePort();
  cli(["migrate"], port);
  // The seed makes some users inactive: 1.2 × ROWS leaves enough active ones for the file.
  const seeded = cli(["seed", "--users", String(Math.ceil(ROWS * 1.2)), "--tenant", "crash"], port) as { tenantId: string };
  const tenantId = seeded.tenantId;
  cli(["admin", "create", "--tenant", tenantId, "--email", "crash-admin@crash.example", "--role", "admin", "--password", "not-used-here-1234"], port);
  const { token } = cli(["token", "create", "--tenant", tenantId, "--admin", "crash-admin@crash.example", "--scopes", "mx:user-deactivation:write,users:read"], port) as { token: string };

  const db = new Database(dbFile, { readonly: true });
  try {
    const emails = (db.prepare("select email from users where tenant_id = ? and active = 1 and id not in (select user_id from admins) order by email limit ?").all(tenantId, ROWS) as { email: string }[]).map((r) => r.email);
    expect(emails).toHaveLength(ROWS);
    const headers = { "X-API-Key": token, "X-Tenant-ID": tenantId };
    const base = `http://127.0.0.1:${port}`;

    let server = await startServer(port);
    const uploaded = await fetch(`${base}/v1/leaver-jobs/previews`, { method: "POST", headers: { ...headers, "content-type": "text/csv" }, body: `email,reason\n${emails.map((e) => `${e},crash test`).join("\n")}\n` });
    expect(uploaded.status).toBe(201);
    const previewId = ((await uploaded.json()) as { data: { id: string; counts: { will_deactivate: number } } }).data.id;
    const confirmed = await fetch(`${base}/v1/leaver-jobs`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ previewId }) });
    expect(confirmed.status).toBe(202);
    const jobId = ((await confirmed.json()) as { data: { id: string } }).data.id;

    // Poll the progress (the database the API reads) until the job is part-way, then pull the plug.
    const progress = () => db.prepare("select status, processed_rows as processed, total_rows as total from leaver_jobs where id = ?").get(jobId) as { status: string; processed: number; total: number };
    const deadline = Date.now() + 60_000;
    let seen = progress();
    while (!(seen.processed > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen = progress();
    }
    killGroup(server, "SIGKILL");
    await new Promise<void>((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve() : server.once("exit", () => resolve())));
    const atCrash = progress();
    expect(atCrash.processed, "the job had started when the server was killed").toBeGreaterThan(0);
    expect(atCrash.processed, "the job had not finished when the server was killed").toBeLessThan(atCrash.total);
    expect(atCrash.status).toBe("running");

    server = await startServer(port);
    let status = "";
    await expect
      .poll(
        async () => {
          const response = await fetch(`${base}/v1/leaver-jobs/${jobId}`, { headers });
          status = ((await response.json()) as { data: { status: string } }).data.status;
          return status;
        },
        { timeout: 120_000, intervals: [250] },
      )
      .toBe("completed");

    const one = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
    expect(one("select count(*) as n from leaver_job_rows where job_id = ?", jobId)).toBe(ROWS);
    expect(one("select count(*) as n from leaver_job_rows where job_id = ? and outcome is null", jobId)).toBe(0);
    const deactivatedRows = one("select count(*) as n from leaver_job_rows where job_id = ? and outcome = 'deactivated'", jobId);
    expect(deactivatedRows).toBe(ROWS);
    const auditEvents = one("select count(*) as n from audit_events where action = 'user.deactivate' and outcome = 'deactivated' and json_extract(details, '$.jobId') = ?", jobId);
    expect(auditEvents).toBe(deactivatedRows);
    expect(one("select count(*) as n from (select target_id from audit_events where action = 'user.deactivate' and tenant_id = ? group by target_id having count(*) > 1)", tenantId)).toBe(0);
    expect(one("select count(*) as n from users where active = 0 and id in (select user_id from leaver_job_rows where job_id = ?)", jobId)).toBe(ROWS);
    expect(one("select processed_rows as n from leaver_jobs where id = ?", jobId)).toBe(ROWS);
    expect(one("select count(*) as n from audit_events where target_id = ? and action = 'job.completed'", jobId)).toBe(1);
  } finally {
    db.close();
  }
});
