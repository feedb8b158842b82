import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawnSync } from "node:child_process";
import next from "next";
import { checkDatabase, databaseProblem, withSetupLock, type Db, type PostgresDb } from "@/db/client";
import { ConfigError, databaseKind, databaseLabel, parseEnv, type Env } from "@/lib/env";
import { startCheckpointer } from "@/lib/audit/checkpoints";
import { checkpointKey } from "@/lib/audit/signing";
import { MAX_LEAVER_FILE_BYTES } from "@/lib/contracts/leavers";
import { startLeaverWorker } from "@/lib/leavers/worker";
import { startScheduledExecutor } from "@/lib/scheduled/executor";
import { startWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { prepareDatabase } from "@/lib/setup/database";
import { demoAdminEmail, seedDemoIfEmpty, type DemoLogin } from "@/lib/setup/demo";
import { metrics as metricsEndpoint } from "@/lib/api/endpoints/service";
import { closeDb, getDb, openConfiguredDatabase } from "@/lib/db";
import { logger } from "@/lib/observability/log";
import { metricsText, observeDatabasePool } from "@/lib/observability/metrics";
import { closeAfterUnreadBody } from "@/lib/http/node";
import { flushTokenUse } from "@/lib/auth/authenticate-token";
import { dispatchApiRequest, keepGetBodyForNext, matchRequest, pathnameOf } from "./api-dispatch";
import { observeRequest, routeLabel } from "./observe";
import { applyConsoleScriptPolicy, prepareForNext, prepareRequest } from "./prepare-request";
import { handleShutdown } from "./shutdown";

/**
 * How long a client may take to send a request (docs/decisions/0033). Headers come in one packet or
 * a few. A whole request may take as long as a leaver file at its limit needs on a slow uplink: the
 * server cannot tell an upload from other requests before it is routed, and JSON bodies have a
 * deadline of their own (JSON_BODY_DEADLINE_MS). Node checks both every `connectionsCheckingInterval`.
 */
const HEADERS_TIMEOUT_MS = 20_000;
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 1_000_000 / 8;
const SERVER_TIMEOUTS: http.ServerOptions = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: HEADERS_TIMEOUT_MS + Math.ceil(MAX_LEAVER_FILE_BYTES / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000,
  connectionsCheckingInterval: 5_000,
};

/**
 * `npm start`: validates the configuration, migrates the database, seeds the demo on an empty
 * one, builds the app when there is no production build, then serves it. A custom server
 * rather than `next start` because the API must accept bodies on GET (see docs/decisions).
 */
async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  let env;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`roster: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const db = getDb();
  const demo = await setUpDatabase(db, env);

  if (!dev && !fs.existsSync(path.join(process.cwd(), process.env.ROSTER_DIST_DIR || ".next", "BUILD_ID"))) {
    console.log("No production build yet: running next build (once) ...");
    const nextBin = require.resolve("next/dist/bin/next");
    // The build gets Node's default heap, not the server's smaller one set by npm start.
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production", NODE_OPTIONS: "" } });
    if (build.status !== 0) {
      console.error("roster: next build failed; see the output above");
      process.exit(1);
    }
  }

  const app = next({ dev, hostname: env.HOST, port: env.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = http.createServer(SERVER_TIMEOUTS, (req, res) => {
    const requestId = prepareRequest(req);
    const match = matchRequest(req);
    closeAfterUnreadBody(req, res);
    observeRequest(req, res, requestId, routeLabel(match, pathnameOf(req.url ?? "/")));
    // In development Next.js serves the API too, so that edits to endpoints reload.
    (dev ? Promise.resolve(false) : dispatchApiRequest(req, res, match))
      .then((answered) => {
        if (answered) return;
        res.setHeader("x-request-id", requestId);
        prepareForNext(req);
        applyConsoleScriptPolicy(req, res, dev);
        keepGetBodyForNext(req);
        return handle(req, res);
      })
      .catch((error: unknown) => {
        logger().error({ err: error, requestId }, "request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal server error");
      });
  });
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;
    console.log(
      `Roster is running at http://${host}:${port} (${dev ? "development" : "production"}, ${databaseKind(env) === "sqlite" ? "SQLite" : "PostgreSQL"} database ${databaseLabel(env)})`,
    );
    if (demo) {
      console.log(`Demo tenant "Acme" seeded. Sign in as ${demo.email} with password ${demo.password}`);
      console.log(`The password is shown only now; more admins: npm run roster -- admin create --tenant ${demo.tenantId} --email ... --role admin`);
    } else {
      console.log(`Demo login: ${demoAdminEmail()} (its password was printed when the demo was seeded)`);
    }
  });
  const servers = [server];
  if (env.METRICS_PORT) servers.push(startMetricsListener(env.METRICS_PORT, env.METRICS_HOST));

  // Bulk leaver jobs run in this process (docs: issue 5). On SQLite on a connection of their own:
  // a job's batch transaction would otherwise hold the one connection the requests use.
  const jobDb = db.dialect === "sqlite" ? openConfiguredDatabase(env) : db;
  if (db.dialect === "postgres") observeDatabasePool((db as PostgresDb).pool);
  const worker = startLeaverWorker(jobDb);
  // Scheduled deactivations, on the same connection, run when due (docs/decisions/0024).
  const executor = startScheduledExecutor(jobDb);
  // Webhook deliveries (lib/webhooks). On the job's connection: its commits would otherwise
  // checkpoint SQLite's WAL as often as the job's connection is tuned not to.
  const dispatcher = startWebhookDispatcher(jobDb, {
    allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    retentionMs: env.WEBHOOK_RETENTION_DAYS * 86_400_000,
  });
  // Signed checkpoints of the audit chains (docs/decisions/0020), when a key is configured.
  const checkpointer = env.AUDIT_SIGNING_KEY
    ? startCheckpointer(jobDb, checkpointKey(env.AUDIT_SIGNING_KEY), env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000)
    : null;
  handleShutdown(
    servers,
    () => Promise.all([worker.stop(), executor.stop(), dispatcher.stop(), checkpointer?.stop()]).then(() => undefined),
    async () => {
      // The last use of tokens used in the final seconds, kept in memory until now.
      await flushTokenUse();
      if (jobDb !== db) await jobDb.close();
      await closeDb();
    },
  );
}

/**
 * Migrates the database, folds the keys migrations cannot, checks that it takes writes and seeds
 * the demo on an empty one; the demo login when it seeded it. Instances starting at once take
 * turns (withSetupLock): one sets up, the others find it done. Exits naming the problem when the
 * database cannot be used: a read-only file or a full disk would let Roster start and then fail
 * every change, an unreachable server every request.
 */
async function setUpDatabase(db: Db, env: Env): Promise<DemoLogin | null> {
  let problem: string;
  try {
    const result = await withSetupLock(db, async (): Promise<{ ok: true; demo: DemoLogin | null } | { ok: false; problem: string }> => {
      await prepareDatabase(db);
      const database = await checkDatabase(db);
      return database.ok ? { ok: true, demo: await seedDemoIfEmpty(db) } : { ok: false, problem: database.error };
    });
    if (result.ok) return result.demo;
    problem = result.problem;
  } catch (error) {
    problem = databaseProblem(error);
  }
  console.error(`roster: cannot start: ${problem} (${databaseLabel(env)})`);
  process.exit(1);
}

/** METRICS_PORT: the metrics on a listener of their own (for a scraper on a private network), nothing else. */
function startMetricsListener(port: number, host: string): http.Server {
  const listener = http.createServer((req, res) => {
    if (req.method !== "GET" || pathnameOf(req.url ?? "/") !== metricsEndpoint.path) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    metricsText().then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      (error: unknown) => {
        logger().error({ err: error }, "metrics failed");
        res.writeHead(500).end();
      },
    );
  });
  listener.listen(port, host, () => logger().info({ host, port }, "metrics listener up"));
  return listener;
}

main().catch((error: unknown) => {
  console.error("roster: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
