import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawnSync } from "node:child_process";
import next from "next";
import { checkDatabase, closeDatabase, openDatabase } from "@/db/client";
import { ConfigError, databasePath, parseEnv } from "@/lib/env";
import { startLeaverWorker } from "@/lib/leavers/worker";
import { prepareDatabase } from "@/lib/setup/database";
import { demoAdminEmail, seedDemoIfEmpty } from "@/lib/setup/demo";
import { dispatchApiRequest, keepGetBodyForNext } from "./api-dispatch";
import { prepareRequest } from "./prepare-request";

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

  const db = openDatabase(databasePath(env));
  prepareDatabase(db);
  // A read-only file or a full disk would let Roster start and then fail every change: refuse now.
  const database = checkDatabase(db);
  if (!database.ok) {
    console.error(`roster: cannot start: ${database.error} (${databasePath(env)})`);
    process.exit(1);
  }
  const demo = await seedDemoIfEmpty(db);
  closeDatabase(db);

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

  const server = http.createServer((req, res) => {
    prepareRequest(req);
    // In development Next.js serves the API too, so that edits to endpoints reload.
    (dev ? Promise.resolve(false) : dispatchApiRequest(req, res))
      .then((answered) => {
        if (answered) return;
        keepGetBodyForNext(req);
        return handle(req, res);
      })
      .catch((error: unknown) => {
        console.error("roster: request failed:", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal server error");
      });
  });
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;
    console.log(`Roster is running at http://${host}:${port} (${dev ? "development" : "production"}, database ${databasePath(env)})`);
    if (demo) {
      console.log(`Demo tenant "Acme" seeded. Sign in as ${demo.email} with password ${demo.password}`);
      console.log(`The password is shown only now; more admins: npm run roster -- admin create --tenant ${demo.tenantId} --email ... --role admin`);
    } else {
      console.log(`Demo login: ${demoAdminEmail()} (its password was printed when the demo was seeded)`);
    }
  });

  // Bulk leaver jobs run in this process, on a connection of their own (docs: issue 5).
  startLeaverWorker(openDatabase(databasePath(env)));

  const shutdown = () => {
    server.close(() => process.exit(0));
    // Keep-alive connections would hold close() open; do not wait on them forever.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error("roster: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
